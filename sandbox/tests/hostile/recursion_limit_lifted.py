# expect: MLE|RTE
# Every level keeps its frame, so an endless recursion fills memory; the growth past the limit
# ends the run (MLE) instead of leaving the interpreter to fail on every frame until its fuel is
# gone (TLE).
import sys
sys.setrecursionlimit(10 ** 7)
def dive(n):
    return dive(n + 1) + 1
dive(0)
