# Compares each point only with the next one in x order: misses pairs that are close in y only.
import sys

data = sys.stdin.buffer.read().split()
n = int(data[0])
pts = sorted(zip(map(int, data[1:2 * n + 1:2]), map(int, data[2:2 * n + 2:2])))
best = min((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2 for a, b in zip(pts, pts[1:]))
print(f"{best ** 0.5:.9f}")
