#!/usr/bin/env python3
"""The cost of one message round trip in an interactive run, on a running executor (the
release build that import.sh starts): a C++ validator sends the numbers 1..n one per line and
waits for each to come back; the submission (C++ or Python) echoes each line and flushes. Each
request is one interactive test; after a warm-up request (compile, cache), RUNS requests with
n = ROUNDS and RUNS with n = 1 alternate, and the median of the one-round requests (start-up of
both guests, HTTP) is subtracted from each long request before dividing by ROUNDS. Prints the
median and the spread (fastest and slowest) per round trip, and the submission's fuel per round
trip, which is what it costs its time limit. Standard library only.
Usage: interactive.py URL TOKEN [RUNS] [ROUNDS]
"""

import http.client
import json
import statistics
import sys
import time
import urllib.parse

BASE = urllib.parse.urlsplit(sys.argv[1])
TOKEN = sys.argv[2]
RUNS = int(sys.argv[3]) if len(sys.argv) > 3 else 7
ROUNDS = int(sys.argv[4]) if len(sys.argv) > 4 else 20000

VALIDATOR = r"""#include <fstream>
#include <iostream>
int main(int argc, char **argv) {
    std::ifstream input(argv[1]);
    long long n;
    input >> n;
    std::cout << n << std::endl;
    for (long long i = 1; i <= n; i++) {
        std::cout << i << std::endl;
        long long back;
        if (!(std::cin >> back) || back != i) return 43;
    }
    return 42;
}
"""

ECHO = {
    "cpp": r"""#include <cstdio>
int main() {
    long long n, x;
    if (std::scanf("%lld", &n) != 1) return 1;
    for (long long i = 0; i < n && std::scanf("%lld", &x) == 1; i++) {
        std::printf("%lld\n", x);
        std::fflush(stdout);
    }
}
""",
    "python": "import sys\nn = int(sys.stdin.readline())\nfor _ in range(n):\n"
    "    sys.stdout.write(sys.stdin.readline())\n    sys.stdout.flush()\n",
}


def run(connection, language, rounds):
    body = json.dumps({
        "language": language,
        "source": ECHO[language],
        "tests": [{"input": f"{rounds}\n", "expected_output": ""}],
        "time_limit_ms": 10000,
        "memory_limit_mb": 256,
        "checker": {"interactive": {"language": "cpp", "source": VALIDATOR}},
    }).encode()
    started = time.perf_counter()
    connection.request("POST", BASE.path.rstrip("/") + "/v1/executions", body, {
        "content-type": "application/json",
        "authorization": f"Bearer {TOKEN}",
    })
    response = connection.getresponse()
    result = json.loads(response.read())
    elapsed = time.perf_counter() - started
    if response.status != 200 or result["verdict"] != "AC":
        raise SystemExit(f"{language}: HTTP {response.status}: {str(result)[:400]}")
    return elapsed, result["tests"][0]["fuel"]


def main():
    connection = http.client.HTTPConnection(BASE.hostname, BASE.port, timeout=300)
    print("| submission | round trips | requests | median µs per round trip | fastest – slowest µs "
          "| one-round request ms (median) | submission fuel per round trip |")
    print("|---|---|---|---|---|---|---|")
    for language in ECHO:
        run(connection, language, 1)  # compile both programs once: the loop measures runs
        short, long, fuel = [], [], []
        for _ in range(RUNS):
            elapsed, base_fuel = run(connection, language, 1)
            short.append(elapsed)
            elapsed, long_fuel = run(connection, language, ROUNDS)
            long.append(elapsed)
            fuel.append((long_fuel - base_fuel) / ROUNDS)
        base = statistics.median(short)
        per_trip = sorted((t - base) * 1e6 / ROUNDS for t in long)
        print(f"| {language} | {ROUNDS} | {RUNS} | {statistics.median(per_trip):.1f} | "
              f"{per_trip[0]:.1f} – {per_trip[-1]:.1f} | {base * 1e3:.1f} | "
              f"{statistics.median(fuel):.0f} |")


if __name__ == "__main__":
    main()
