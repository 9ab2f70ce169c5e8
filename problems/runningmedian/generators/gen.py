#!/usr/bin/env python3
"""Writes the Running Median test data into the folder given as argv[1] (default: ../data).

Answers come from the accepted Python solution. The data is the same on every run (fixed seed).
"""
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "data")
SOLVER = os.path.join(HERE, "..", "submissions", "accepted", "two_heaps.py")


def write(name, text):
    path = os.path.join(OUT, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".in", "w") as f:
        f.write(text)
    ans = subprocess.run([sys.executable, SOLVER], input=text, capture_output=True, text=True, check=True)
    with open(path + ".ans", "w") as f:
        f.write(ans.stdout)


def case(xs):
    return f"{len(xs)}\n" + " ".join(map(str, xs)) + "\n"


rng = random.Random(1502)
N = 2 * 10**4


def rand(n, lo=-10**5, hi=10**5):
    return [rng.randint(lo, hi) for _ in range(n)]


write("sample/01", case([5, 1, 3, 8, -2]))
write("secret/01-one", case([-7]))
write("secret/02-two", case([4, 9]))
write("secret/03-equal", case([3] * 50))
write("secret/04-rising", case(list(range(-100, 100))))
write("secret/05-falling", case(list(range(100, -100, -1))))
write("secret/06-small-values", case(rand(1000, -2, 2)))
for i in range(7, 11):
    write(f"secret/{i:02d}-random", case(rand(rng.randint(1, 2000))))
write("secret/11-large-random", case(rand(N)))
write("secret/12-large-alternating", case([(-1) ** i * (10**5 - i) for i in range(N)]))
