import sys

MOD = 10**9 + 7


def main():
    data = sys.stdin.buffer.read().split()
    t = int(data[0])
    queries = [int(x) for x in data[1:1 + t]]
    top = max(queries)
    ways = [0] * (top + 1)
    ways[0] = 1
    for i in range(1, top + 1):
        total = ways[i - 1]
        if i >= 2:
            total += ways[i - 2]
        if i >= 3:
            total += ways[i - 3]
        ways[i] = total % MOD
    sys.stdout.write("\n".join(str(ways[n]) for n in queries) + "\n")


main()
