import re
import sys

# input_validator_args in the group's testdata.yaml give the largest n of the group.
limit = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
m = re.fullmatch(r"([1-9][0-9]*)\n([1-9][0-9]*(?: [1-9][0-9]*)*)\n", sys.stdin.read())
if not m:
    print("format: n, then n rows on one line", file=sys.stderr)
    sys.exit(43)
n = int(m.group(1))
rows = [int(x) for x in m.group(2).split()]
if not (1 <= n <= min(limit, 20000) and len(rows) == n and all(1 <= r <= 10**6 for r in rows)):
    print("value out of range or wrong count", file=sys.stderr)
    sys.exit(43)
sys.exit(42)
