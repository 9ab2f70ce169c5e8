#!/usr/bin/env python3
"""Writes the Harvest Shares test data into the folder given as argv[1] (default: ../data).

Answers come from the accepted Python solution. The data is the same on every run (fixed seed).
"""
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "data")
SOLVER = os.path.join(HERE, "..", "submissions", "accepted", "shares.py")


def write(name, text):
    path = os.path.join(OUT, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".in", "w") as f:
        f.write(text)
    ans = subprocess.run([sys.executable, SOLVER], input=text, capture_output=True, text=True, check=True)
    with open(path + ".ans", "w") as f:
        f.write(ans.stdout)


def case(ns):
    return f"{len(ns)}\n" + "".join(f"{n}\n" for n in ns)


rng = random.Random(1500)
write("sample/01", case([5, 10]))
write("sample/02", case([1]))
write("secret/01-small", case([1, 2, 3, 4, 6]))
write("secret/02-squares", case([16, 100, 10**6, 99980001, 10**10]))
write("secret/03-near-squares", case([15, 99, 10**6 - 1, 99980000, 10**10 - 1]))
write("secret/04-int-edge", case([2147483647, 2147483648, 4294967296, 3 * 10**9, 46341 * 46341]))
for i in range(5, 13):
    hi = 10 ** rng.randint(3, 10)
    write(f"secret/{i:02d}-random", case([rng.randint(1, hi) for _ in range(rng.randint(1, 5))]))
write("secret/13-max", case([10**10] * 5))
