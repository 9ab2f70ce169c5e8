# A max-heap holds the lower half (its top is the lower median) and a min-heap the upper half; the lower
# half has as many readings as the upper half or one more.
import heapq
import sys


def main():
    data = sys.stdin.buffer.read().split()
    n = int(data[0])
    low, high = [], []  # low stores negated values
    out = []
    for x in map(int, data[1:n + 1]):
        if low and x > -low[0]:
            heapq.heappush(high, x)
        else:
            heapq.heappush(low, -x)
        if len(low) > len(high) + 1:
            heapq.heappush(high, -heapq.heappop(low))
        elif len(high) > len(low):
            heapq.heappush(low, -heapq.heappop(high))
        out.append(-low[0])
    sys.stdout.write("\n".join(map(str, out)) + "\n")


main()
