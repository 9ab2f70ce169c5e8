import re
import sys


def fail(msg):
    print(msg, file=sys.stderr)
    sys.exit(43)


lines = sys.stdin.read().split("\n")
if lines.pop() != "":
    fail("missing final newline")
m = re.fullmatch(r"([1-9][0-9]*) (0|[1-9][0-9]*)", lines[0])
if not m:
    fail("bad first line")
n, e = map(int, m.groups())
if not (n <= 3 * 10**4 and e <= 2 * 10**4 and len(lines) == e + 1):
    fail("n or m out of range, or wrong number of lines")
for line in lines[1:]:
    m = re.fullmatch(r"([1-9][0-9]*) ([1-9][0-9]*)", line)
    if not m or int(m.group(1)) > n or int(m.group(2)) > n or m.group(1) == m.group(2):
        fail(f"bad rule {line!r}")
sys.exit(42)
