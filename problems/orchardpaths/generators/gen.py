#!/usr/bin/env python3
"""Writes the Orchard Paths test data into the folder given as argv[1] (default: ../data).

Answers come from the accepted Python solution. The data is the same on every run (fixed seed).
"""
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "data")
SOLVER = os.path.join(HERE, "..", "submissions", "accepted", "through_trees.py")


def write(name, text):
    path = os.path.join(OUT, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".in", "w") as f:
        f.write(text)
    ans = subprocess.run([sys.executable, SOLVER], input=text, capture_output=True, text=True, check=True)
    with open(path + ".ans", "w") as f:
        f.write(ans.stdout)


def case(h, w, trees):
    return f"{h} {w} {len(trees)}\n" + "".join(f"{r} {c}\n" for r, c in trees)


rng = random.Random(1900)


def rand_trees(h, w, k):
    trees = set()
    while len(trees) < min(k, h * w - 2):
        p = (rng.randint(1, h), rng.randint(1, w))
        if p not in ((1, 1), (h, w)):
            trees.add(p)
    out = sorted(trees)
    rng.shuffle(out)
    return out


M = 5 * 10**4
write("sample/01", case(3, 3, [(2, 2)]))
write("sample/02", case(3, 4, [(2, 2), (1, 3)]))
write("secret/01-single-plot", case(1, 1, []))
write("secret/02-one-row", case(1, 7, []))
write("secret/03-blocked-row", case(1, 7, [(1, 4)]))
write("secret/04-wall", case(4, 4, [(1, 4), (2, 3), (3, 2), (4, 1)]))
write("secret/05-diagonal-pair", case(10, 10, [(3, 3), (6, 6)]))
write("secret/06-small-many", case(8, 9, rand_trees(8, 9, 20)))
write("secret/07-empty-max", case(M, M, []))
write("secret/08-diagonal-max", case(M, M, [(i * 490 + 10, i * 490 + 10) for i in range(1, 101)]))
write("secret/09-near-start", case(M, M, [(1, 2), (2, 1)]))
for i in range(10, 18):
    h, w = rng.randint(1, M), rng.randint(1, M)
    write(f"secret/{i:02d}-random", case(h, w, rand_trees(h, w, rng.randint(0, 100))))
write("secret/18-dense-corner", case(M, M, rand_trees(12, 12, 100)))
