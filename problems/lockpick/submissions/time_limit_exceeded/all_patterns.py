# Makes the same pulls as the intended solution but then tries all 2^n patterns against the answers.
import sys
from itertools import product

n = int(sys.stdin.readline())
pulls = []


def ask(t):
    print(f"? {t}", flush=True)
    pulls.append((t, int(sys.stdin.readline())))


ask("0" * n)
for i in range(n - 1):
    ask("0" * i + "1" + "0" * (n - i - 1))
for cand in product("01", repeat=n):
    if all(sum(a == b for a, b in zip(t, cand)) == m for t, m in pulls):
        print(f"! {''.join(cand)}", flush=True)
        break
