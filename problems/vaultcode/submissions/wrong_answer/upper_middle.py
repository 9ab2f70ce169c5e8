# Narrows the range to [lo, mid] instead of [lo, mid - 1] on "lower": still correct, but with one
# question per step wasted it can run out of questions; and it starts from a fixed first guess of 1.
import sys

n = int(sys.stdin.readline())
lo, hi = 1, n
asked = 0
while lo < hi:
    mid = (lo + hi + 1) // 2 if asked else 1
    asked += 1
    print(f"? {mid}", flush=True)
    reply = sys.stdin.readline().strip()
    if reply == "equal":
        lo = hi = mid
    elif reply == "lower":
        hi = mid
    else:
        lo = mid + 1
print(f"! {lo}", flush=True)
