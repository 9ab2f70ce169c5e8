# expect: TLE|MLE
# Every level keeps its frame, so an endless recursion fills memory at about the rate it burns
# fuel: which limit it meets first depends on how much memory the interpreter starts with.
import sys
sys.setrecursionlimit(10 ** 7)
def dive(n):
    return dive(n + 1) + 1
dive(0)
