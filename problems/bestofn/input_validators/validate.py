import re
import sys

data = sys.stdin.read()
m = re.fullmatch(r"([1-9][0-9]*) ([1-9][0-9]*)\n", data)
if not m:
    print("expected one line: N K", file=sys.stderr)
    sys.exit(43)
n, k = int(m.group(1)), int(m.group(2))
if not (1 <= n <= 10**9 and 1 <= k <= 10**5):
    print("N or K out of range", file=sys.stderr)
    sys.exit(43)
sys.exit(42)
