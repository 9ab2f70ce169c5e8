import re
import sys

m = re.fullmatch(r"([1-9][0-9]*) ([1-9][0-9]*)\n", sys.stdin.read())
if not m or not 1 <= int(m.group(2)) <= int(m.group(1)) <= 10**18:
    print("expected: n x with 1 <= x <= n <= 10^18", file=sys.stderr)
    sys.exit(43)
sys.exit(42)
