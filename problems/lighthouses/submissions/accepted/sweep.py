# Sweep from left to right, keeping the points whose x is within the best distance d of the current
# point in a list sorted by y; only those with y within d can improve d, and there are O(1) of them.
import sys
from bisect import bisect_left, insort
from math import isqrt


def main():
    data = sys.stdin.buffer.read().split()
    n = int(data[0])
    pts = sorted(zip(map(int, data[1:2 * n + 1:2]), map(int, data[2:2 * n + 2:2])))
    best = None  # squared distance
    d = float("inf")  # an integer upper bound on sqrt(best)
    active = []
    left = 0
    for x, y in pts:
        while x - pts[left][0] > d:
            lx, ly = pts[left]
            del active[bisect_left(active, (ly, lx))]
            left += 1
        k = bisect_left(active, (y - d, -(10**10)))
        while k < len(active) and active[k][0] <= y + d:
            ay, ax = active[k]
            dist = (ax - x) ** 2 + (ay - y) ** 2
            if best is None or dist < best:
                best = dist
                d = isqrt(best) + 1
            k += 1
        insort(active, (y, x))
    print(f"{best ** 0.5:.9f}")


main()
