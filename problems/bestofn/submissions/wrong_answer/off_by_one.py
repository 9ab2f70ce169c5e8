# Uses P(max > j) where P(max >= j) is needed: every term is shifted by one face.
import sys

n, k = map(int, sys.stdin.read().split())
print(f"{sum(1.0 - (j / k) ** n for j in range(1, k + 1)):.9f}")
