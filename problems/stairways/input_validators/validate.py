import re
import sys


def fail(msg):
    print(msg, file=sys.stderr)
    sys.exit(43)


data = sys.stdin.read()
if not re.fullmatch(r"(?:[1-9][0-9]*\n)+", data):
    fail("every line must be one positive integer without leading zeros")
nums = [int(x) for x in data.split()]
t = nums[0]
if not 1 <= t <= 100 or len(nums) != t + 1:
    fail("T out of range or wrong number of lines")
if not all(1 <= n <= 30000 for n in nums[1:]):
    fail("n out of range")
sys.exit(42)
