# Takes the largest coins that still fit: misses sets that need a smaller coin instead of a larger one.
import sys

data = list(map(int, sys.stdin.read().split()))
n, s = data[0], data[1]
order = sorted(range(1, n + 1), key=lambda i: -data[1 + i])
chosen = []
for i in order:
    if data[1 + i] <= s:
        chosen.append(i)
        s -= data[1 + i]
if s:
    print("impossible")
else:
    print(len(chosen))
    print(*chosen)
