# Removes one adjacent "()" at a time, searching from the start each time: O(n^2).
import sys

b = list(sys.stdin.readline().strip())
while True:
    k = 0
    while k + 1 < len(b) and not (b[k] == "(" and b[k + 1] == ")"):
        k += 1
    if k + 1 >= len(b):
        break
    del b[k:k + 2]
print(len(b))
