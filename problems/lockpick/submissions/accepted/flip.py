# The all-zero pattern tells how many switches are down. Flipping switch i to 1 then moves the count up
# by one if s_i = 1 and down by one if s_i = 0. The last switch follows from the number of zeros.
import sys


def ask(t):
    print(f"? {t}", flush=True)
    return int(sys.stdin.readline())


def main():
    n = int(sys.stdin.readline())
    zeros = ask("0" * n)
    bits = []
    for i in range(n - 1):
        got = ask("0" * i + "1" + "0" * (n - i - 1))
        bits.append("1" if got > zeros else "0")
    if n >= 1:
        bits.append("0" if bits.count("0") < zeros else "1")
    print(f"! {''.join(bits)}", flush=True)


main()
