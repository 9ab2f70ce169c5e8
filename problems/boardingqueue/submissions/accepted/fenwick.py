# Walk the queue from the back; a Fenwick tree over rows counts the passengers behind with a smaller row.
import sys


def main():
    data = sys.stdin.buffer.read().split()
    n = int(data[0])
    rows = list(map(int, data[1:n + 1]))
    rank = {r: i + 1 for i, r in enumerate(sorted(set(rows)))}
    size = len(rank)
    tree = [0] * (size + 1)
    total = 0
    for r in reversed(rows):
        i = rank[r] - 1
        while i > 0:
            total += tree[i]
            i &= i - 1
        i = rank[r]
        while i <= size:
            tree[i] += 1
            i += i & -i
    print(total)


main()
