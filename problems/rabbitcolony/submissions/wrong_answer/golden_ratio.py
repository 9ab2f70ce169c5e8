# Binet's formula in floating point: exact only while F_k fits in a double's 53 bits.
import sys

data = sys.stdin.read().split()
phi = (1 + 5 ** 0.5) / 2
for i in range(int(data[0])):
    k, p = int(data[1 + 2 * i]), int(data[2 + 2 * i])
    try:
        value = round(phi ** k / 5 ** 0.5)
    except OverflowError:
        value = 0
    print(value % p)
