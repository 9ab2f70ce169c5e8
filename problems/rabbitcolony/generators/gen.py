#!/usr/bin/env python3
"""Writes the Rabbit Colony test data into the folder given as argv[1] (default: ../data).

Answers come from the accepted Python solution. The data is the same on every run (fixed seed).
"""
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "data")
SOLVER = os.path.join(HERE, "..", "submissions", "accepted", "matrix_power.py")


def write(name, text):
    path = os.path.join(OUT, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".in", "w") as f:
        f.write(text)
    ans = subprocess.run([sys.executable, SOLVER], input=text, capture_output=True, text=True, check=True)
    with open(path + ".ans", "w") as f:
        f.write(ans.stdout)


def case(qs):
    return f"{len(qs)}\n" + "".join(f"{k} {p}\n" for k, p in qs)


rng = random.Random(1401)
write("sample/01", case([(1, 10), (6, 100), (10, 7)]))
write("sample/02", case([(50, 1000000000)]))
write("secret/01-first-months", case([(k, 10**9) for k in range(1, 11)]))
write("secret/02-small-p", case([(k, 2) for k in range(1, 11)]))
write("secret/03-double-limit", case([(70, 10**9), (75, 999999937), (78, 10**9), (80, 10**9), (90, 10**9)]))
write("secret/04-max", case([(10**18, 10**9), (10**18, 999999937), (10**18 - 1, 2), (2**59, 123456789)]))
for i in range(5, 15):
    write(f"secret/{i:02d}-random", case([(rng.randint(1, 10 ** rng.randint(1, 18)), rng.randint(2, 10**9))
                                          for _ in range(rng.randint(1, 10))]))
write("secret/15-medium", case([(rng.randint(10**5, 10**6), rng.randint(2, 10**9)) for _ in range(3)]))
