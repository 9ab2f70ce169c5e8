#!/usr/bin/env python3
"""Writes the Ferry Network test data into the folder given as argv[1] (default: ../data).

Answers come from the accepted Python solution. The data is the same on every run (fixed seed).
"""
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "data")
SOLVER = os.path.join(HERE, "..", "submissions", "accepted", "dijkstra.py")


def write(name, text):
    path = os.path.join(OUT, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".in", "w") as f:
        f.write(text)
    ans = subprocess.run([sys.executable, SOLVER], input=text, capture_output=True, text=True, check=True)
    with open(path + ".ans", "w") as f:
        f.write(ans.stdout)


def case(n, edges):
    return f"{n} {len(edges)}\n" + "".join(f"{u} {v} {w}\n" for u, v, w in edges)


rng = random.Random(1600)


def rand_edges(n, m, wmax):
    out = []
    for _ in range(m):
        u = rng.randint(1, n)
        v = rng.randint(1, n - 1)
        out.append((u, v if v < u else v + 1, rng.randint(1, wmax)))
    return out


write("sample/01", case(4, [(1, 2, 5), (2, 4, 5), (1, 3, 2), (3, 4, 9), (1, 4, 20)]))
write("sample/02", case(3, [(1, 2, 1)]))
write("secret/01-direct", case(2, [(1, 2, 7)]))
write("secret/02-no-lines", case(2, []))
write("secret/03-parallel", case(2, [(1, 2, 9), (2, 1, 3), (1, 2, 5)]))
write("secret/04-detour", case(5, [(1, 5, 100), (1, 2, 10), (2, 3, 10), (3, 4, 10), (4, 5, 10)]))
# a long path listed from the far end: Bellman-Ford needs one round per harbour
n = 10**4
path = [(i + 1, i, rng.randint(1, 10)) for i in range(n - 1, 0, -1)]
write("secret/05-reversed-path", case(n, path + [(1, n, 10**6)] * (2 * 10**4 - (n - 1))))
write("secret/06-path-and-noise", case(n, path + rand_edges(n, 10**4, 10**6)))
for i in range(7, 12):
    n = rng.randint(2, 5000)
    write(f"secret/{i:02d}-random", case(n, rand_edges(n, rng.randint(0, 4000), 10 ** rng.randint(1, 6))))
write("secret/12-two-parts", case(10, [(1, 2, 3), (2, 3, 3), (4, 10, 1), (5, 6, 2)]))
