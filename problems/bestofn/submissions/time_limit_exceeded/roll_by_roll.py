# Tracks the distribution of the maximum roll by roll: O(N * K).
import sys

n, k = map(int, sys.stdin.read().split())
dist = [0.0] * (k + 1)
dist[0] = 1.0
for _ in range(n):
    new = [0.0] * (k + 1)
    below = 0.0
    for m in range(k + 1):
        # the new maximum is m if the old maximum was m and the roll <= m, or the old one < m and roll == m
        if m > 0:
            new[m] += dist[m] * m / k + below / k
        below += dist[m]
    dist = new
print(f"{sum(m * p for m, p in enumerate(dist)):.9f}")
