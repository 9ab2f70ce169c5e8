import re
import sys


def fail(msg):
    print(msg, file=sys.stderr)
    sys.exit(43)


lines = sys.stdin.read().split("\n")
if lines.pop() != "" or not re.fullmatch(r"[1-9][0-9]*", lines[0]):
    fail("bad first line or missing final newline")
t = int(lines[0])
if not 1 <= t <= 10 or len(lines) != t + 1:
    fail("T out of range or wrong number of lines")
for line in lines[1:]:
    m = re.fullmatch(r"([1-9][0-9]*) ([1-9][0-9]*)", line)
    if not m or not (int(m.group(1)) <= 10**18 and 2 <= int(m.group(2)) <= 10**9):
        fail(f"bad line {line!r}")
sys.exit(42)
