#!/usr/bin/env python3
"""Writes the Bracket Repair test data into the folder given as argv[1] (default: ../data).

Answers come from the accepted Python solution. The data is the same on every run (fixed seed).
"""
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "data")
SOLVER = os.path.join(HERE, "..", "submissions", "accepted", "balance.py")


def write(name, text):
    path = os.path.join(OUT, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".in", "w") as f:
        f.write(text)
    ans = subprocess.run([sys.executable, SOLVER], input=text, capture_output=True, text=True, check=True)
    with open(path + ".ans", "w") as f:
        f.write(ans.stdout)


rng = random.Random(1100)


def rand(n, p=0.5):
    return "".join("(" if rng.random() < p else ")" for _ in range(n))


N = 50000
write("sample/01", "())(\n")
write("sample/02", "(()())\n")
write("secret/01-one-open", "(\n")
write("secret/02-one-close", ")\n")
write("secret/03-reversed-pair", ")(\n")
write("secret/04-closes-first", ")" * 10 + "(" * 10 + "\n")
write("secret/05-nested", "(" * (N // 2) + ")" * (N // 2) + "\n")
write("secret/06-side-by-side", "()" * (N // 2) + "\n")
write("secret/07-all-open", "(" * N + "\n")
write("secret/08-deep-then-broken", "(" * (N // 2 - 1) + ")" * (N // 2 - 1) + ")(" + "\n")
for i in range(9, 15):
    write(f"secret/{i:02d}-random", rand(rng.randint(1, N), rng.choice([0.3, 0.5, 0.5, 0.7])) + "\n")
write("secret/15-balanced-random", "".join(rng.choice(["()", "(())", "()()"]) for _ in range(N // 5)) + "\n")
