#!/usr/bin/env python3
"""Writes the Vault Code test data into the folder given as argv[1] (default: ../data).

Each .in holds n and the code; the .ans repeats the code. The data is the same on every run (fixed seed).
"""
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "data")


def write(name, text):
    path = os.path.join(OUT, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".in", "w") as f:
        f.write(text)
    with open(path + ".ans", "w") as f:
        f.write(text.split()[1] + "\n")


def interaction(name, lines):
    with open(os.path.join(OUT, name + ".interaction"), "w") as f:
        f.write("".join(line + "\n" for line in lines))


rng = random.Random(1000)
write("sample/01", "10 7\n")
interaction("sample/01", ["<10", ">? 5", "<higher", ">? 8", "<lower", ">? 6", "<higher", ">? 7", "<equal", ">! 7"])
write("secret/01-one", "1 1\n")
write("secret/02-two-low", "2 1\n")
write("secret/03-two-high", "2 2\n")
write("secret/04-small", "1000 1\n")
write("secret/05-small", "1000 1000\n")
write("secret/06-max-low", f"{10**18} 1\n")
write("secret/07-max-high", f"{10**18} {10**18}\n")
write("secret/08-power", f"{2**59} {2**58 + 1}\n")
for i in range(9, 19):
    n = rng.randint(1, 10 ** rng.randint(1, 18))
    write(f"secret/{i:02d}-random", f"{n} {rng.randint(1, n)}\n")
