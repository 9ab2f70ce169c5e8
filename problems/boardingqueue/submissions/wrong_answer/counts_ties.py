# Counts pairs with r_i >= r_j: passengers of the same row are swapped needlessly.
import sys

data = sys.stdin.buffer.read().split()
n = int(data[0])
rows = list(map(int, data[1:n + 1]))
size = max(rows)
tree = [0] * (size + 1)
total = 0
for r in reversed(rows):
    i = r
    while i > 0:
        total += tree[i]
        i &= i - 1
    i = r
    while i <= size:
        tree[i] += 1
        i += i & -i
print(total)
