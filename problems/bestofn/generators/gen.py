#!/usr/bin/env python3
"""Writes the Best of N test data into the folder given as argv[1] (default: ../data).

Answers come from the accepted Python solution. The data is the same on every run (fixed seed).
"""
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "data")
SOLVER = os.path.join(HERE, "..", "submissions", "accepted", "expect.py")


def write(name, text):
    path = os.path.join(OUT, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".in", "w") as f:
        f.write(text)
    ans = subprocess.run([sys.executable, SOLVER], input=text, capture_output=True, text=True, check=True)
    with open(path + ".ans", "w") as f:
        f.write(ans.stdout)


rng = random.Random(1400)
write("sample/01", "2 6\n")
write("sample/02", "1 100\n")
write("secret/01-one-face", "1000 1\n")
write("secret/02-one-roll", "1 7\n")
write("secret/03-small", "3 4\n")
write("secret/04-small", "10 20\n")
write("secret/05-many-rolls", "1000000000 100000\n")
write("secret/06-many-rolls-small-die", "1000000000 6\n")
write("secret/07-big-die", "2 100000\n")
for i in range(8, 18):
    write(f"secret/{i:02d}-random", f"{rng.randint(1, 10 ** rng.randint(1, 9))} {rng.randint(1, 10 ** rng.randint(1, 5))}\n")
write("secret/18-max", "999999999 99999\n")
