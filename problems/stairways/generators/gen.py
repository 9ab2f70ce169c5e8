#!/usr/bin/env python3
"""Writes the Stairways test data into the folder given as argv[1] (default: ../data).

Answers come from the accepted Python solution. The data is the same on every run (fixed seed).
"""
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "data")
SOLVER = os.path.join(HERE, "..", "submissions", "accepted", "climb.py")


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


rng = random.Random(20261203)
write("sample/01", case([3, 4, 10]))
write("sample/02", case([1, 2]))
write("secret/01-tiny", case(list(range(1, 11))))
write("secret/02-small", case([rng.randint(1, 30) for _ in range(20)]))
write("secret/03-medium", case([rng.randint(30, 60) for _ in range(10)]))
write("secret/04-overflow", case([36, 37, 38, 39, 40, 41, 42]))
for i in range(5, 11):
    write(f"secret/{i:02d}-random", case([rng.randint(1, 30000) for _ in range(rng.randint(1, 100))]))
write("secret/11-max", case([30000] * 100))
write("secret/12-mixed", case([1, 30000, 2, 29999, 3, 15000]))
