#!/usr/bin/env python3
"""Writes the Exact Change test data into the folder given as argv[1] (default: ../data).

Answers come from the accepted Python solution. The data is the same on every run (fixed seed).
"""
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "data")
SOLVER = os.path.join(HERE, "..", "submissions", "accepted", "bitset.py")


def write(name, text):
    path = os.path.join(OUT, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".in", "w") as f:
        f.write(text)
    ans = subprocess.run([sys.executable, SOLVER], input=text, capture_output=True, text=True, check=True)
    with open(path + ".ans", "w") as f:
        f.write(ans.stdout)


def case(s, a):
    return f"{len(a)} {s}\n" + " ".join(map(str, a)) + "\n"


rng = random.Random(1700)
write("sample/01", case(10, [6, 3, 4, 5]))
write("sample/02", case(7, [2, 4, 6]))
write("secret/01-single", case(5, [5]))
write("secret/02-single-no", case(5, [4]))
write("secret/03-greedy-trap", case(12, [9, 4, 4, 4]))
write("secret/04-all", case(5050, list(range(1, 101))))
write("secret/05-even-odd-target", case(99999, [2 * rng.randint(1, 500) for _ in range(100)]))
write("secret/06-odd-multiples", case(100000, [7 * rng.randint(1, 142) for _ in range(100)]))
write("secret/07-too-big", case(100000, [1000] * 99 + [999]))
write("secret/08-max-exact", case(100000, [1000] * 100))
for i in range(9, 21):
    n = rng.randint(1, 100)
    a = [rng.randint(1, rng.choice([10, 100, 1000])) for _ in range(n)]
    s = rng.randint(1, min(10**5, sum(a) + 5))
    write(f"secret/{i:02d}-random", case(s, a))
write("secret/21-greedy-trap-big", case(3001, [1000, 1000, 1000, 999, 999, 999] + [2] * 60))
