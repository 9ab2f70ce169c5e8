# Fast doubling: F(2j) = F(j) (2 F(j+1) - F(j)), F(2j+1) = F(j)^2 + F(j+1)^2, all modulo p. O(log k).
import sys


def fib_pair(k, p):
    """Returns (F(k), F(k+1)) modulo p."""
    a, b = 0, 1
    for bit in bin(k)[2:]:
        a, b = a * ((2 * b - a) % p) % p, (a * a + b * b) % p
        if bit == "1":
            a, b = b, (a + b) % p
    return a, b


data = sys.stdin.read().split()
t = int(data[0])
print("\n".join(str(fib_pair(int(data[1 + 2 * i]), int(data[2 + 2 * i]))[0]) for i in range(t)))
