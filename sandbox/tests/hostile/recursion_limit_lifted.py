# expect: TLE
import sys
sys.setrecursionlimit(10 ** 7)
def dive(n):
    return dive(n + 1) + 1
dive(0)
