# Shows y_{k/2 + 1}: the upper median when k is even.
import sys
from bisect import insort

data = sys.stdin.buffer.read().split()
n = int(data[0])
seen = []
out = []
for x in map(int, data[1:n + 1]):
    insort(seen, x)
    out.append(seen[len(seen) // 2])
print("\n".join(map(str, out)))
