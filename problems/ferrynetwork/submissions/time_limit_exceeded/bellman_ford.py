# Bellman-Ford: relaxes every line in rounds until nothing changes, O(n m) in the worst case.
import sys

data = sys.stdin.buffer.read().split()
n, m = int(data[0]), int(data[1])
edges = [(int(data[2 + 3 * k]), int(data[3 + 3 * k]), int(data[4 + 3 * k])) for k in range(m)]
INF = float("inf")
dist = [INF] * (n + 1)
dist[1] = 0
changed = True
while changed:
    changed = False
    for u, v, w in edges:
        if dist[u] + w < dist[v]:
            dist[v] = dist[u] + w
            changed = True
        if dist[v] + w < dist[u]:
            dist[u] = dist[v] + w
            changed = True
print(dist[n] if dist[n] < INF else -1)
