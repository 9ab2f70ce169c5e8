# Sorts all readings again after each new one: O(n^2 log n).
import sys

data = sys.stdin.buffer.read().split()
n = int(data[0])
xs = list(map(int, data[1:n + 1]))
out = []
for k in range(1, n + 1):
    ys = sorted(xs[:k], key=lambda v: (v, 0))
    out.append(ys[(k + 1) // 2 - 1])
print("\n".join(map(str, out)))
