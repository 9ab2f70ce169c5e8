import re
import sys

data = sys.stdin.read()
if not re.fullmatch(r"[01]{1,1000}\n", data):
    print("expected one line of 1 to 1000 characters 0 or 1", file=sys.stderr)
    sys.exit(43)
sys.exit(42)
