# Tries every subset by recursion: O(2^n) when no subset works.
import sys

data = list(map(int, sys.stdin.read().split()))
n, target = data[0], data[1]
a = data[2:2 + n]


def search(i, left, chosen):
    if left == 0:
        return chosen
    if i == n:
        return None
    found = search(i + 1, left - a[i], chosen + [i + 1])
    return found if found is not None else search(i + 1, left, chosen)


res = search(0, target, [])
if res is None:
    print("impossible")
else:
    print(len(res))
    print(*res)
