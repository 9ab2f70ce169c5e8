# Answers each question with a fresh breadth-first search over all bridges: O(q (n + q)).
import sys
from collections import deque

data = sys.stdin.buffer.read().split()
n, q = int(data[0]), int(data[1])
adj = [[] for _ in range(n + 1)]
for k in range(q):
    op, a, b = data[2 + 3 * k], int(data[3 + 3 * k]), int(data[4 + 3 * k])
    if op == b"+":
        adj[a].append(b)
        adj[b].append(a)
        continue
    seen = [False] * (n + 1)
    seen[a] = True
    todo = deque([a])
    while todo:
        x = todo.popleft()
        for y in adj[x]:
            if not seen[y]:
                seen[y] = True
                todo.append(y)
    print("yes" if seen[b] else "no")
