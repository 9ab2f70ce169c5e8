# Sort the trees so that any tree a walk can reach comes before; first[i] = walks from the start to tree
# i that meet no earlier tree = all walks minus those whose first tree is some j before i. The goal is
# handled as a last "tree". O(K^2 + H + W).
import sys

MOD = 10**9 + 7


def main():
    data = list(map(int, sys.stdin.read().split()))
    h, w, k = data[0], data[1], data[2]
    points = sorted((data[3 + 2 * i], data[4 + 2 * i]) for i in range(k)) + [(h, w)]
    top = h + w
    fact = [1] * (top + 1)
    for i in range(1, top + 1):
        fact[i] = fact[i - 1] * i % MOD
    inv = [1] * (top + 1)
    inv[top] = pow(fact[top], MOD - 2, MOD)
    for i in range(top, 0, -1):
        inv[i - 1] = inv[i] * i % MOD

    def walks(a, b):
        dr, dc = b[0] - a[0], b[1] - a[1]
        if dr < 0 or dc < 0:
            return 0
        return fact[dr + dc] * inv[dr] % MOD * inv[dc] % MOD

    first = []
    for i, p in enumerate(points):
        total = walks((1, 1), p)
        for j in range(i):
            total -= first[j] * walks(points[j], p)
        first.append(total % MOD)
    print(first[-1])


main()
