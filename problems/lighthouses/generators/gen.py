#!/usr/bin/env python3
"""Writes the Lighthouse Keepers test data into the folder given as argv[1] (default: ../data).

Answers come from the accepted Python solution. The data is the same on every run (fixed seed).
"""
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "data")
SOLVER = os.path.join(HERE, "..", "submissions", "accepted", "sweep.py")


def write(name, text):
    path = os.path.join(OUT, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".in", "w") as f:
        f.write(text)
    ans = subprocess.run([sys.executable, SOLVER], input=text, capture_output=True, text=True, check=True)
    with open(path + ".ans", "w") as f:
        f.write(ans.stdout)


def case(pts):
    return f"{len(pts)}\n" + "".join(f"{x} {y}\n" for x, y in pts)


def distinct(gen, n):
    pts = set()
    while len(pts) < n:
        pts.add(gen())
    pts = sorted(pts)
    rng.shuffle(pts)
    return pts


rng = random.Random(2000)
B = 10**9
write("sample/01", case([(0, 0), (5, 5), (1, 2), (10, 0)]))
write("sample/02", case([(-3, 7), (4, 7)]))
write("secret/01-two-far", case([(-B, -B), (B, B)]))
write("secret/02-vertical-line", case([(7, y * 3) for y in range(-500, 500)]))
write("secret/03-close-in-y", case([(0, 0), (1000, 0), (500, 1), (2000, 5), (3000, -7)]))
write("secret/04-small", case(distinct(lambda: (rng.randint(-10, 10), rng.randint(-10, 10)), 30)))
for i in range(5, 11):
    n = rng.randint(50, 2000)
    r = 10 ** rng.randint(3, 9)
    write(f"secret/{i:02d}-random", case(distinct(lambda: (rng.randint(-r, r), rng.randint(-r, r)), n)))
write("secret/11-large-wide", case(distinct(lambda: (rng.randint(-B, B), rng.randint(-B, B)), 10**4)))
write("secret/12-large-dense", case(distinct(lambda: (rng.randint(-200, 200), rng.randint(-200, 200)), 10**4)))
# two far clusters on a horizontal band: close in y, far in x order neighbours
band = distinct(lambda: (rng.randint(-B, B), rng.randint(0, 3) * 10**6), 10**4 - 1)
write("secret/13-large-band", case(band + [(band[0][0] + 1, band[0][1] + 999_999)]))
