# Looks through all courses for one that is ready, once per placed course: O(n^2 + m).
import sys

data = sys.stdin.buffer.read().split()
n, m = int(data[0]), int(data[1])
after = [[] for _ in range(n + 1)]
need = [0] * (n + 1)
for k in range(m):
    a, b = int(data[2 + 2 * k]), int(data[3 + 2 * k])
    after[a].append(b)
    need[b] += 1
placed = [False] * (n + 1)
order = []
for _ in range(n):
    pick = 0
    for c in range(1, n + 1):
        if not placed[c] and need[c] == 0:
            pick = c
    if pick == 0:
        break
    placed[pick] = True
    order.append(pick)
    for d in after[pick]:
        need[d] -= 1
print(" ".join(map(str, order)) if len(order) == n else "impossible")
