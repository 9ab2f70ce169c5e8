# Counts climbs by trying every stride sequence: exponential in n.
import sys

sys.setrecursionlimit(300000)
MOD = 10**9 + 7


def ways(n):
    if n < 0:
        return 0
    if n == 0:
        return 1
    return ways(n - 1) + ways(n - 2) + ways(n - 3)


data = sys.stdin.read().split()
print("\n".join(str(ways(int(x)) % MOD) for x in data[1:1 + int(data[0])]))
