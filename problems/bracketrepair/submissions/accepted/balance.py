# Scan once, tracking the depth; a ")" at depth 0 needs an inserted "(" before it, and the depth left
# at the end needs that many ")" at the end.
import sys

depth = missing_open = 0
for c in sys.stdin.readline().strip():
    if c == "(":
        depth += 1
    elif depth:
        depth -= 1
    else:
        missing_open += 1
print(missing_open + depth)
