import re
import sys


def fail(msg):
    print(msg, file=sys.stderr)
    sys.exit(43)


lines = sys.stdin.read().split("\n")
if lines.pop() != "":
    fail("missing final newline")
m = re.fullmatch(r"([1-9][0-9]*) ([1-9][0-9]*)", lines[0])
if not m:
    fail("bad first line")
n, q = int(m.group(1)), int(m.group(2))
if not (n <= 10**4 and q <= 2 * 10**4 and len(lines) == q + 1):
    fail("n or q out of range, or wrong number of events")
for line in lines[1:]:
    m = re.fullmatch(r"[+?] ([1-9][0-9]*) ([1-9][0-9]*)", line)
    if not m or not (int(m.group(1)) <= n and int(m.group(2)) <= n):
        fail(f"bad event {line!r}")
sys.exit(42)
