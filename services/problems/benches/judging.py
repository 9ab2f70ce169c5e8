#!/usr/bin/env python3
"""Judging throughput of a running executor on a 50-test problem: the sum of n integers, each
test up to 2000 numbers, judged by the default validator in one request as the judge sends a
problem's tests. One C++ and one Python accepted solution; after one warm-up request (compile,
cache), REQUESTS sequential requests each; prints the median request and its spread (fastest
and slowest), and tests/s. Standard library only. Usage: judging.py URL TOKEN [REQUESTS]
"""

import http.client
import json
import random
import statistics
import sys
import time
import urllib.parse

BASE = urllib.parse.urlsplit(sys.argv[1])
TOKEN = sys.argv[2]
REQUESTS = int(sys.argv[3]) if len(sys.argv) > 3 else 9
TESTS = 50

SOLUTIONS = {
    "cpp": "#include <iostream>\nint main(){long long n,x,s=0;std::cin>>n;"
    "while(n-->0&&std::cin>>x)s+=x;std::cout<<s<<'\\n';}\n",
    "python": "n = int(input())\nprint(sum(map(int, input().split())))\n",
}


def tests():
    rng = random.Random(7)
    out = []
    for _ in range(TESTS):
        values = [rng.randint(-10**9, 10**9) for _ in range(rng.randint(1, 2000))]
        out.append({
            "input": f"{len(values)}\n{' '.join(map(str, values))}\n",
            "expected_output": f"{sum(values)}\n",
        })
    return out


def judge(connection, language, source, cases):
    body = json.dumps({
        "language": language,
        "source": source,
        "tests": cases,
        "time_limit_ms": 2000,
        "memory_limit_mb": 256,
        "checker": {"default": {}},
    }).encode()
    started = time.perf_counter()
    connection.request("POST", BASE.path.rstrip("/") + "/v1/executions", body, {
        "content-type": "application/json",
        "authorization": f"Bearer {TOKEN}",
    })
    response = connection.getresponse()
    result = json.loads(response.read())
    elapsed = time.perf_counter() - started
    if response.status != 200 or result["verdict"] != "AC" or len(result["tests"]) != TESTS:
        raise SystemExit(f"{language}: HTTP {response.status}: {str(result)[:400]}")
    return elapsed, result


def main():
    cases = tests()
    connection = http.client.HTTPConnection(BASE.hostname, BASE.port, timeout=300)
    print("| language | tests per request | requests | median ms | fastest – slowest ms | "
          "tests/s (median) | tests/s (fastest – slowest) | median test ms (sandbox) |")
    print("|---|---|---|---|---|---|---|---|")
    for language, source in SOLUTIONS.items():
        judge(connection, language, source, cases)  # compile once: the loop measures judging
        times, test_ms = [], []
        for _ in range(REQUESTS):
            elapsed, result = judge(connection, language, source, cases)
            times.append(elapsed)
            test_ms.extend(t["time_ms"] for t in result["tests"])
        median, fastest, slowest = statistics.median(times), min(times), max(times)
        print(f"| {language} | {TESTS} | {REQUESTS} | {median * 1000:.0f} | "
              f"{fastest * 1000:.0f} – {slowest * 1000:.0f} | {TESTS / median:.1f} | "
              f"{TESTS / slowest:.1f} – {TESTS / fastest:.1f} | {statistics.median(test_ms)} |")


if __name__ == "__main__":
    main()
