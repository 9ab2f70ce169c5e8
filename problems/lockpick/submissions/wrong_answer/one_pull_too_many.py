# Flips every switch, the last one included: n + 1 pulls in all.
import sys

n = int(sys.stdin.readline())


def ask(t):
    print(f"? {t}", flush=True)
    return int(sys.stdin.readline())


zeros = ask("0" * n)
bits = "".join("1" if ask("0" * i + "1" + "0" * (n - i - 1)) > zeros else "0" for i in range(n))
print(f"! {bits}", flush=True)
