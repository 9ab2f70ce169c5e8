#!/usr/bin/env python3
"""Writes the Rising Towers test data into the folder given as argv[1] (default: ../data).

Answers come from the accepted Python solution. The data is the same on every run (fixed seed).
"""
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "data")
SOLVER = os.path.join(HERE, "..", "submissions", "accepted", "patience.py")


def write(name, text):
    path = os.path.join(OUT, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".in", "w") as f:
        f.write(text)
    ans = subprocess.run([sys.executable, SOLVER], input=text, capture_output=True, text=True, check=True)
    with open(path + ".ans", "w") as f:
        f.write(ans.stdout)


def case(h):
    return f"{len(h)}\n" + " ".join(map(str, h)) + "\n"


rng = random.Random(1701)


def rand(n, hi):
    return [rng.randint(1, hi) for _ in range(n)]


def zigzag(n):
    # a rising trend with noise: long answers, many equal neighbours
    return [max(1, min(10**6, i * 40 + rng.randint(-300, 300))) // 50 + 1 for i in range(n)]


write("sample/01", case([3, 1, 4, 1, 5, 9, 2, 6]))
write("sample/02", case([5, 5, 5]))
groups = {1: 15, 2: 300, 3: 20000}
for g, top in groups.items():
    write(f"secret/group{g}/01-rising", case(sorted(rng.sample(range(1, 10**6), top))))
    write(f"secret/group{g}/02-falling", case(sorted(rand(top, 10**6), reverse=True)))
    write(f"secret/group{g}/03-plateaus", case(sorted(rand(top, top // 3 + 1))))
    write(f"secret/group{g}/04-zigzag", case(zigzag(top)))
    write(f"secret/group{g}/05-random", case(rand(top, 10**6)))
    if g < 3:
        write(f"secret/group{g}/06-few-heights", case(rand(rng.randint(top // 2, top), 3)))
write("secret/group1/07-one", case([1]))
