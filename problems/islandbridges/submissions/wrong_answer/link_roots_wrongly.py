# Links island b itself under a's root instead of b's root: b's old group is cut off.
import sys

data = sys.stdin.buffer.read().split()
n, q = int(data[0]), int(data[1])
parent = list(range(n + 1))


def find(x):
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


for k in range(q):
    op, a, b = data[2 + 3 * k], int(data[3 + 3 * k]), int(data[4 + 3 * k])
    if op == b"+":
        if find(a) != find(b):
            parent[b] = find(a)
    else:
        print("yes" if find(a) == find(b) else "no")
