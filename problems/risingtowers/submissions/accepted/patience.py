# tails[k] is the smallest last height of a rising series of length k + 1 seen so far; it stays sorted,
# so each tower updates it with one binary search.
import sys
from bisect import bisect_left


def main():
    data = sys.stdin.buffer.read().split()
    n = int(data[0])
    tails = []
    for h in map(int, data[1:n + 1]):
        k = bisect_left(tails, h)
        if k == len(tails):
            tails.append(h)
        else:
            tails[k] = h
    print(len(tails))


main()
