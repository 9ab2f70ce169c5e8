# best[i] = longest series ending at tower i, from all earlier towers: O(n^2). Enough for groups 1 and 2.
import sys

data = sys.stdin.buffer.read().split()
n = int(data[0])
h = list(map(int, data[1:n + 1]))
best = [1] * n
for i in range(n):
    hi = h[i]
    for j in range(i):
        if h[j] < hi and best[j] + 1 > best[i]:
            best[i] = best[j] + 1
print(max(best))
