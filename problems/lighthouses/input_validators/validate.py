import re
import sys


def fail(msg):
    print(msg, file=sys.stderr)
    sys.exit(43)


lines = sys.stdin.read().split("\n")
if lines[-1] != "":
    fail("missing final newline")
lines.pop()
if not re.fullmatch(r"[1-9][0-9]*", lines[0]):
    fail("bad n")
n = int(lines[0])
if not 2 <= n <= 10**4 or len(lines) != n + 1:
    fail("n out of range or wrong line count")
INT = r"(0|-?[1-9][0-9]*)"
seen = set()
for line in lines[1:]:
    m = re.fullmatch(INT + " " + INT, line)
    if not m:
        fail(f"bad line {line!r}")
    x, y = int(m.group(1)), int(m.group(2))
    if abs(x) > 10**9 or abs(y) > 10**9:
        fail("coordinate out of range")
    if (x, y) in seen:
        fail("repeated point")
    seen.add((x, y))
sys.exit(42)
