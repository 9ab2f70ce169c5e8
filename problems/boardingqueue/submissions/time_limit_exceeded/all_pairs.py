# Checks every pair: O(n^2). Enough for groups 1 and 2.
import sys

data = sys.stdin.buffer.read().split()
n = int(data[0])
rows = list(map(int, data[1:n + 1]))
total = 0
for i in range(n):
    ri = rows[i]
    for j in range(i + 1, n):
        if ri > rows[j]:
            total += 1
print(total)
