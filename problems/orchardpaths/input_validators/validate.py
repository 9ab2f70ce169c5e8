import re
import sys


def fail(msg):
    print(msg, file=sys.stderr)
    sys.exit(43)


lines = sys.stdin.read().split("\n")
if lines.pop() != "":
    fail("missing final newline")
m = re.fullmatch(r"([1-9][0-9]*) ([1-9][0-9]*) (0|[1-9][0-9]*)", lines[0])
if not m:
    fail("bad first line")
h, w, k = map(int, m.groups())
if not (h <= 5 * 10**4 and w <= 5 * 10**4 and k <= 100 and len(lines) == k + 1):
    fail("out of range or wrong number of lines")
trees = set()
for line in lines[1:]:
    m = re.fullmatch(r"([1-9][0-9]*) ([1-9][0-9]*)", line)
    if not m:
        fail(f"bad line {line!r}")
    r, c = map(int, m.groups())
    if r > h or c > w or (r, c) in trees or (r, c) in ((1, 1), (h, w)):
        fail(f"bad tree {line!r}")
    trees.add((r, c))
sys.exit(42)
