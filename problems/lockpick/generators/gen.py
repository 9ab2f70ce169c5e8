#!/usr/bin/env python3
"""Writes the Lockpick test data into the folder given as argv[1] (default: ../data).

Each .in holds the hidden pattern; the .ans repeats it. The data is the same on every run (fixed seed).
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
        f.write(text)


def interaction(name, lines):
    with open(os.path.join(OUT, name + ".interaction"), "w") as f:
        f.write("".join(line + "\n" for line in lines))


def interaction(name, lines):
    with open(os.path.join(OUT, name + ".interaction"), "w") as f:
        f.write("".join(line + "\n" for line in lines))


def bits(n, p=0.5):
    return "".join("1" if rng.random() < p else "0" for _ in range(n)) + "\n"


rng = random.Random(1600)
write("sample/01", "0110\n")
interaction("sample/01", ["<4", ">? 0000", "<2", ">? 1000", "<1", ">? 0100", "<3", ">? 0010", "<3", ">! 0110"])
write("secret/01-one-zero", "0\n")
write("secret/02-one-one", "1\n")
write("secret/03-two", "10\n")
write("secret/04-all-zero", "0" * 1000 + "\n")
write("secret/05-all-one", "1" * 1000 + "\n")
write("secret/06-last-one", "0" * 999 + "1\n")
write("secret/07-last-zero", "1" * 999 + "0\n")
for i in range(8, 14):
    write(f"secret/{i:02d}-small", bits(rng.randint(2, 12)))
for i in range(14, 20):
    write(f"secret/{i:02d}-random", bits(rng.randint(13, 1000), rng.random()))
write("secret/20-max", bits(1000))
