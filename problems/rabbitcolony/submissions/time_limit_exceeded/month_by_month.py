# Follows the colony one month at a time: O(k).
import sys

data = sys.stdin.read().split()
for i in range(int(data[0])):
    k, p = int(data[1 + 2 * i]), int(data[2 + 2 * i])
    a, b = 0, 1
    for _ in range(k):
        a, b = b, (a + b) % p
    print(a)
