import re
import sys

m = re.fullmatch(r"([1-9][0-9]*)\n(-?[0-9]+(?: -?[0-9]+)*)\n", sys.stdin.read())
if not m:
    print("format: n, then n readings on one line", file=sys.stderr)
    sys.exit(43)
n = int(m.group(1))
toks = m.group(2).split()
ok = all(re.fullmatch(r"0|-?[1-9][0-9]*", t) for t in toks)
if not (ok and 1 <= n <= 2 * 10**4 and len(toks) == n and all(abs(int(t)) <= 10**5 for t in toks)):
    print("value out of range or wrong count", file=sys.stderr)
    sys.exit(43)
sys.exit(42)
