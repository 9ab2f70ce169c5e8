# Counts walks plot by plot over the whole orchard: O(H W).
import sys

MOD = 10**9 + 7
data = list(map(int, sys.stdin.read().split()))
h, w, k = data[0], data[1], data[2]
trees = {(data[3 + 2 * i], data[4 + 2 * i]) for i in range(k)}
row = [0] * (w + 1)
row[1] = 1
for r in range(1, h + 1):
    for c in range(1, w + 1):
        if (r, c) in trees:
            row[c] = 0
        elif r > 1 or c > 1:
            row[c] = (row[c] + row[c - 1]) % MOD
print(row[w])
