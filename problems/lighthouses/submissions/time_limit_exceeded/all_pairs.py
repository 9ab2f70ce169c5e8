# Tries every pair: O(n^2).
import sys

data = sys.stdin.buffer.read().split()
n = int(data[0])
xs = list(map(int, data[1:2 * n + 1:2]))
ys = list(map(int, data[2:2 * n + 2:2]))
best = None
for i in range(n):
    for j in range(i + 1, n):
        dist = (xs[i] - xs[j]) ** 2 + (ys[i] - ys[j]) ** 2
        if best is None or dist < best:
            best = dist
print(f"{best ** 0.5:.9f}")
