# Kahn's algorithm: repeatedly take a course whose earlier courses are all placed. O(n + m).
import sys


def main():
    data = sys.stdin.buffer.read().split()
    n, m = int(data[0]), int(data[1])
    after = [[] for _ in range(n + 1)]
    need = [0] * (n + 1)
    for k in range(m):
        a, b = int(data[2 + 2 * k]), int(data[3 + 2 * k])
        after[a].append(b)
        need[b] += 1
    ready = [c for c in range(1, n + 1) if need[c] == 0]
    order = []
    while ready:
        c = ready.pop()
        order.append(c)
        for d in after[c]:
            need[d] -= 1
            if need[d] == 0:
                ready.append(d)
    print(" ".join(map(str, order)) if len(order) == n else "impossible")


main()
