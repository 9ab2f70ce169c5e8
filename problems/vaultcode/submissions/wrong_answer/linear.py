# Asks 1, 2, 3, ... in turn: far more than 62 questions on large vaults.
import sys

n = int(sys.stdin.readline())
y = 1
while True:
    print(f"? {y}", flush=True)
    if sys.stdin.readline().strip() == "equal":
        break
    y += 1
print(f"! {y}", flush=True)
