# Asks about the median of the codes still possible, found by walking over all of them: O(n) work per
# question.
import sys

n = int(sys.stdin.readline())
lo, hi = 1, n
while lo < hi:
    count = 0
    for c in range(lo, hi + 1):
        count += 1
    walked = 0
    mid = lo
    for c in range(lo, hi + 1):
        walked += 1
        if 2 * walked >= count:
            mid = c
            break
    print(f"? {mid}", flush=True)
    reply = sys.stdin.readline().strip()
    if reply == "equal":
        lo = hi = mid
    elif reply == "lower":
        hi = mid - 1
    else:
        lo = mid + 1
print(f"! {lo}", flush=True)
