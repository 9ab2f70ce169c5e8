# Subtracts the walks through each tree separately: walks through two trees are subtracted twice.
import sys

MOD = 10**9 + 7
data = list(map(int, sys.stdin.read().split()))
h, w, k = data[0], data[1], data[2]
fact = [1] * (h + w + 1)
for i in range(1, h + w + 1):
    fact[i] = fact[i - 1] * i % MOD


def walks(dr, dc):
    if dr < 0 or dc < 0:
        return 0
    return fact[dr + dc] * pow(fact[dr] * fact[dc] % MOD, MOD - 2, MOD) % MOD


total = walks(h - 1, w - 1)
for i in range(k):
    r, c = data[3 + 2 * i], data[4 + 2 * i]
    total -= walks(r - 1, c - 1) * walks(h - r, w - c)
print(total % MOD)
