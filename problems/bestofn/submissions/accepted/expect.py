# E[max] = sum over j of P(max >= j) = sum_{j=1}^{K} (1 - ((j-1)/K)^N).
import sys

n, k = map(int, sys.stdin.read().split())
total = sum(1.0 - ((j - 1) / k) ** n for j in range(1, k + 1))
print(f"{total:.9f}")
