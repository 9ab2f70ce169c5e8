#!/usr/bin/env python3
"""Writes the Boarding Queue test data into the folder given as argv[1] (default: ../data).

Answers come from the accepted Python solution. The data is the same on every run (fixed seed).
"""
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "data")
SOLVER = os.path.join(HERE, "..", "submissions", "accepted", "fenwick.py")


def write(name, text):
    path = os.path.join(OUT, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".in", "w") as f:
        f.write(text)
    ans = subprocess.run([sys.executable, SOLVER], input=text, capture_output=True, text=True, check=True)
    with open(path + ".ans", "w") as f:
        f.write(ans.stdout)


def case(rows):
    return f"{len(rows)}\n" + " ".join(map(str, rows)) + "\n"


rng = random.Random(1400)


def rand(n, hi):
    return [rng.randint(1, hi) for _ in range(n)]


write("sample/01", case([3, 1, 2, 3, 1]))
write("sample/02", case([7]))
groups = {1: 10, 2: 300, 3: 20000}
for g, top in groups.items():
    write(f"secret/group{g}/01-sorted", case(sorted(rand(top, 10**6))))
    write(f"secret/group{g}/02-reversed", case(sorted(rand(top, 10**6), reverse=True)))
    write(f"secret/group{g}/03-equal", case([5] * top))
    write(f"secret/group{g}/04-few-rows", case(rand(top, 3)))
    for i in range(5, 8 if g < 3 else 7):
        write(f"secret/group{g}/{i:02d}-random", case(rand(rng.randint(top // 2, top), 10 ** rng.randint(1, 6))))
write("secret/group1/08-one", case([1]))
