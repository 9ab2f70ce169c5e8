#!/usr/bin/env python3
"""Writes the Course Planner test data into the folder given as argv[1] (default: ../data).

Answers come from the accepted Python solution. The data is the same on every run (fixed seed).
"""
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "data")
SOLVER = os.path.join(HERE, "..", "submissions", "accepted", "kahn.py")


def write(name, text):
    path = os.path.join(OUT, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".in", "w") as f:
        f.write(text)
    ans = subprocess.run([sys.executable, SOLVER], input=text, capture_output=True, text=True, check=True)
    with open(path + ".ans", "w") as f:
        f.write(ans.stdout)


def case(n, rules):
    return f"{n} {len(rules)}\n" + "".join(f"{a} {b}\n" for a, b in rules)


rng = random.Random(1301)


def dag(n, m):
    """Random rules that follow a hidden random order, so an order exists."""
    perm = list(range(1, n + 1))
    rng.shuffle(perm)
    rules = []
    for _ in range(m):
        i, j = sorted(rng.sample(range(n), 2))
        rules.append((perm[i], perm[j]))
    return rules


N = 10**4
write("sample/01", case(4, [(1, 3), (2, 3), (3, 4)]))
write("sample/02", case(3, [(1, 2), (2, 3), (3, 1)]))
write("secret/01-one", case(1, []))
write("secret/02-no-rules", case(5, []))
write("secret/03-two-circle", case(2, [(1, 2), (2, 1)]))
write("secret/04-chain-backwards", case(N, [(i + 1, i) for i in range(1, N)]))
write("secret/05-chain-forwards", case(N, [(i, i + 1) for i in range(1, N)]))
write("secret/06-repeated-rule", case(3, [(1, 2)] * 5 + [(2, 3)]))
for i in range(7, 13):
    n = rng.randint(2, 2000)
    write(f"secret/{i:02d}-random", case(n, dag(n, rng.randint(0, 4000))))
circle = dag(3000, 5000) + [(7, 8), (8, 9), (9, 7)]
rng.shuffle(circle)
write("secret/13-hidden-circle", case(3000, circle))
write("secret/14-large", case(N, dag(N, 2 * 10**4 - N)))
# many courses and few rules: cheap to store, slow for solutions that scan all courses per step
write("secret/15-many-courses", case(3 * N, dag(3 * N, 100)))
