import re
import sys


def fail(msg):
    print(msg, file=sys.stderr)
    sys.exit(43)


data = sys.stdin.read()
m = re.fullmatch(r"([1-9][0-9]*) ([1-9][0-9]*)\n([1-9][0-9]*(?: [1-9][0-9]*)*)\n", data)
if not m:
    fail("format: n S on line 1, n values on line 2")
n, s = int(m.group(1)), int(m.group(2))
a = [int(x) for x in m.group(3).split()]
if not (1 <= n <= 100 and 1 <= s <= 10**5 and len(a) == n and all(1 <= v <= 1000 for v in a)):
    fail("value out of range or wrong count")
sys.exit(42)
