import re
import sys

if not re.fullmatch(r"[()]{1,50000}\n", sys.stdin.read()):
    print("expected one line of 1 to 50000 brackets", file=sys.stderr)
    sys.exit(43)
sys.exit(42)
