#!/usr/bin/env python3
"""Writes the Island Bridges test data into the folder given as argv[1] (default: ../data).

Answers come from the accepted Python solution. The data is the same on every run (fixed seed).
"""
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "data")
SOLVER = os.path.join(HERE, "..", "submissions", "accepted", "union_find.py")


def write(name, text):
    path = os.path.join(OUT, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".in", "w") as f:
        f.write(text)
    ans = subprocess.run([sys.executable, SOLVER], input=text, capture_output=True, text=True, check=True)
    with open(path + ".ans", "w") as f:
        f.write(ans.stdout)


def case(n, events):
    return f"{n} {len(events)}\n" + "".join(f"{op} {a} {b}\n" for op, a, b in events)


rng = random.Random(1300)


def rand(n, q, p_ask):
    return [("?" if rng.random() < p_ask else "+", rng.randint(1, n), rng.randint(1, n)) for _ in range(q)]


N = 10**4
Q = 2 * 10**4
write("sample/01", case(5, [("?", 1, 2), ("+", 1, 2), ("+", 3, 4), ("?", 1, 2), ("?", 2, 3), ("+", 2, 4),
                            ("?", 1, 3), ("?", 5, 5)]))
write("secret/01-one-island", case(1, [("?", 1, 1)]))
write("secret/02-no-questions", case(3, [("+", 1, 2), ("+", 2, 3)]))
write("secret/03-merge-groups", case(6, [("+", 1, 2), ("+", 3, 4), ("+", 4, 2), ("?", 3, 1), ("+", 5, 6),
                                         ("+", 6, 1), ("?", 5, 4)]))
# a long path built first, then questions across it: slow for searches, and cut by bad linking
path = [("+", i, i + 1) for i in range(1, N)] + [("?", 1, N)] * (Q - N + 1)
write("secret/04-long-path", case(N, path))
chain = [("+", i + 1, i) for i in range(1, 1000)] + [("?", rng.randint(1, 1000), 1000) for _ in range(1000)]
write("secret/05-reverse-chain", case(1000, chain))
for i in range(6, 11):
    n = rng.randint(2, N)
    write(f"secret/{i:02d}-random", case(n, rand(n, rng.randint(1, 4000), rng.choice([0.2, 0.5, 0.8]))))
write("secret/11-sparse-max", case(N, rand(N, Q, 0.5)))
write("secret/12-dense", case(1000, rand(1000, 5000, 0.5)))
