# Sums all N terms one by one: O(N) per query.
import sys

data = sys.stdin.read().split()
for x in data[1:1 + int(data[0])]:
    n = int(x)
    total = 0
    for i in range(1, n + 1):
        total += n // i
    print(total)
