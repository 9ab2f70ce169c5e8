import re
import sys


def fail(msg):
    print(msg, file=sys.stderr)
    sys.exit(43)


data = sys.stdin.read()
if not re.fullmatch(r"(?:[1-9][0-9]*\n)+", data):
    fail("every line must be one positive integer without leading zeros")
nums = [int(x) for x in data.split()]
if not 1 <= nums[0] <= 5 or len(nums) != nums[0] + 1:
    fail("T out of range or wrong number of lines")
if not all(1 <= n <= 10**10 for n in nums[1:]):
    fail("N out of range")
sys.exit(42)
