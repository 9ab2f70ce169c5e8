# Each value N // i with i <= sqrt(N) is summed directly; the values above sqrt(N) are counted by symmetry:
# S(N) = 2 * sum_{i <= k} N // i - k^2 with k = isqrt(N).
import sys
from math import isqrt


def shares(n):
    k = isqrt(n)
    return 2 * sum(n // i for i in range(1, k + 1)) - k * k


data = sys.stdin.read().split()
print("\n".join(str(shares(int(x))) for x in data[1:1 + int(data[0])]))
