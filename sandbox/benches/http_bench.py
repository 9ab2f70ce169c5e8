#!/usr/bin/env python3
"""Load on a running executor's HTTP API (`POST /v1/executions`), standard library only.

Prints markdown tables: runs/s and p50/p99 latency of a trivial program per language, compile
latency per compiled language (each request's source is unique, so the artifact cache never
answers), and the executor's overhead per test case. Usage: http_bench.py URL [REQUESTS]
"""

import http.client
import json
import statistics
import sys
import threading
import time
import urllib.parse

BASE = urllib.parse.urlsplit(sys.argv[1])
PATH = BASE.path.rstrip("/") + "/v1/executions"
REQUESTS = int(sys.argv[2]) if len(sys.argv) > 2 else 40
CONCURRENCY = 2

SUM = {
    "c": '#include <stdio.h>\nint main(void){long long a,b;scanf("%lld %lld",&a,&b);printf("%lld\\n",a+b);return 0;}\n',
    "cpp": "int main(){long long a,b;std::cin>>a>>b;std::cout<<a+b<<'\\n';}\n",
    "rust": "use std::io::Read;\nfn main(){let mut s=String::new();std::io::stdin().read_to_string(&mut s).unwrap();"
    "let v:Vec<i64>=s.split_whitespace().map(|x|x.parse().unwrap()).collect();println!(\"{}\",v[0]+v[1]);}\n",
    "go": 'package main\n\nimport "fmt"\n\nfunc main() {\n\tvar a, b int64\n\tfmt.Scan(&a, &b)\n\tfmt.Println(a + b)\n}\n',
    "python": "print(sum(map(int, input().split())))\n",
    "javascript": "const [a, b] = std.in.readAsString().trim().split(/\\s+/).map(Number);\nconsole.log(a + b);\n",
}
COMMENT = {"python": "# {}\n", "go": "// {}\n"}


_local = threading.local()


def _connection():
    """One keep-alive connection per client thread, as a judge's pool would hold: the figures
    measure the executor, not a TCP handshake per request."""
    connection = getattr(_local, "connection", None)
    if connection is None:
        connection = http.client.HTTPConnection(BASE.hostname, BASE.port, timeout=120)
        _local.connection = connection
    return connection


def request(language, source, tests=1):
    body = json.dumps(
        {
            "language": language,
            "source": source,
            "tests": [{"input": "1 2\n", "expected_output": "3\n"}] * tests,
            "time_limit_ms": 2000,
            "memory_limit_mb": 64,
        }
    ).encode()
    started = time.perf_counter()
    connection = _connection()
    try:
        connection.request("POST", PATH, body, {"content-type": "application/json"})
        response = connection.getresponse()
        result = json.loads(response.read())
    except (http.client.HTTPException, OSError):
        _local.connection = None
        raise
    elapsed = time.perf_counter() - started
    if response.status != 200:
        raise SystemExit(f"{language}: HTTP {response.status}: {result}")
    if result["verdict"] != "AC":
        raise SystemExit(f"{language}: {result}")
    return elapsed, result


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def unique(language, source, n):
    return source + COMMENT.get(language, "// {}\n").format(f"bench {time.time_ns()} {n}")


def throughput():
    print(f"| language | requests | concurrency | runs/s | p50 ms | p99 ms |")
    print("|---|---|---|---|---|---|")
    for language, source in SUM.items():
        request(language, source)  # compile once: the loop measures cached runs
        latencies = []
        lock = threading.Lock()
        remaining = [REQUESTS]

        def worker():
            while True:
                with lock:
                    if remaining[0] == 0:
                        return
                    remaining[0] -= 1
                elapsed, _ = request(language, source)
                with lock:
                    latencies.append(elapsed)

        started = time.perf_counter()
        threads = [threading.Thread(target=worker) for _ in range(CONCURRENCY)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        total = time.perf_counter() - started
        print(
            f"| {language} | {REQUESTS} | {CONCURRENCY} | {REQUESTS / total:.1f} | "
            f"{percentile(latencies, 50) * 1000:.0f} | {percentile(latencies, 99) * 1000:.0f} |"
        )


def compile_latency():
    print()
    print("| language | compiles | p50 ms (compile + one run) | max ms |")
    print("|---|---|---|---|")
    for language in ["c", "cpp", "rust", "go"]:
        latencies = [request(language, unique(language, SUM[language], n))[0] for n in range(5)]
        print(
            f"| {language} | {len(latencies)} | {statistics.median(latencies) * 1000:.0f} | "
            f"{max(latencies) * 1000:.0f} |"
        )


def per_test_overhead():
    print()
    print("| language | tests per request | median request ms | per extra test ms | of which in the guest (wall_ms) | executor overhead per test ms |")
    print("|---|---|---|---|---|---|")
    for language in ["c", "python"]:
        request(language, SUM[language])
        one = statistics.median(request(language, SUM[language], 1)[0] for _ in range(7))
        many_runs = [request(language, SUM[language], 51) for _ in range(3)]
        many = statistics.median(r[0] for r in many_runs)
        guest = statistics.median(
            statistics.mean(t["wall_ms"] for t in r[1]["tests"]) for r in many_runs
        )
        per_test = (many - one) / 50 * 1000
        print(
            f"| {language} | 1 vs 51 | {one * 1000:.0f} / {many * 1000:.0f} | {per_test:.1f} | "
            f"{guest:.1f} | {per_test - guest:.1f} |"
        )


if __name__ == "__main__":
    throughput()
    compile_latency()
    per_test_overhead()
