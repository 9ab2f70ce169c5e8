# Disjoint-set union with path halving and union by size.
import sys


def main():
    data = sys.stdin.buffer.read().split()
    n, q = int(data[0]), int(data[1])
    parent = list(range(n + 1))
    size = [1] * (n + 1)

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    out = []
    for k in range(q):
        op, a, b = data[2 + 3 * k], find(int(data[3 + 3 * k])), find(int(data[4 + 3 * k]))
        if op == b"+":
            if a != b:
                if size[a] < size[b]:
                    a, b = b, a
                parent[b] = a
                size[a] += size[b]
        else:
            out.append("yes" if a == b else "no")
    sys.stdout.write("\n".join(out) + ("\n" if out else ""))


main()
