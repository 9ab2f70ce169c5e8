# Subset-sum reachability as bitsets held in Python integers: bit s of reach[i] says whether the first i
# coins can pay s. Walking back from reach[n] recovers one set of coins.
import sys


def main():
    data = list(map(int, sys.stdin.read().split()))
    n, s = data[0], data[1]
    a = data[2:2 + n]
    mask = (1 << (s + 1)) - 1
    reach = [1]
    for v in a:
        reach.append((reach[-1] | (reach[-1] << v)) & mask)
    if not (reach[n] >> s) & 1:
        print("impossible")
        return
    chosen = []
    for i in range(n, 0, -1):
        if not (reach[i - 1] >> s) & 1:
            chosen.append(i)
            s -= a[i - 1]
    print(len(chosen))
    print(" ".join(map(str, sorted(chosen))))


main()
