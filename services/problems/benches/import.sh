#!/usr/bin/env bash
# Benchmark of problem import: generates a package of 100 tests (1 sample, 99 secret) and 10
# submissions (4 accepted in C and Python, 3 wrong answers, 1 run-time error, 2 too slow),
# starts a release-built executor on loopback, then times `joust-problems verify` and
# `joust-problems import` (then again: the later ones find the version and change nothing); then
# the judging throughput of a 50-test problem in C++ and Python (judging.py) and the cost of one
# message round trip of an interactive run (interactive.py) on the same executor. Each step
# prints its median and spread (fastest, slowest) and the load average around it.
# Usage: import.sh <release binary dir>
set -euo pipefail
bin="$1"
db="joust_bench_problems_$$"
# shellcheck source=../tests/scratch-stack.sh
source "$(dirname "$0")/../tests/scratch-stack.sh"

pkg="$work/benchsum"
python3 - "$pkg" <<'PY'
import os, random, sys
root = sys.argv[1]
def write(path, text):
    path = os.path.join(root, path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
random.seed(7)
write("problem.yaml", "name: Bench Sum\nvalidation: default\nrating: 1200\n")
write("problem_statement/problem.en.tex",
      "\\problemname{Bench Sum}\nPrint the sum of $n$ integers $a_i$ with $|a_i| \\le 10^9$.\n")
for i in range(100):
    n = random.randint(1, 2000)
    values = [random.randint(-10**9, 10**9) for _ in range(n)]
    group = "sample" if i == 0 else "secret"
    write(f"data/{group}/{i:03}.in", f"{n}\n" + " ".join(map(str, values)) + "\n")
    write(f"data/{group}/{i:03}.ans", f"{sum(values)}\n")
write("input_format_validators/validate.py", """import sys
lines = sys.stdin.read().split("\\n")
ok = len(lines) == 3 and lines[2] == "" and lines[0].isdigit()
values = lines[1].split(" ") if ok else []
ok = ok and int(lines[0]) == len(values) and all(abs(int(v)) <= 10**9 for v in values)
sys.exit(42 if ok else 43)
""")
c_sum = """#include <stdio.h>
int main(void) { long long n, x, s = 0; scanf("%lld", &n); while (n-- > 0 && scanf("%lld", &x) == 1) s += x; printf("%lld\\n", s); return 0; }
"""
py_sum = "n = int(input())\nprint(sum(map(int, input().split())))\n"
write("submissions/accepted/sum.c", c_sum)
write("submissions/accepted/sum_again.c", c_sum.replace("s = 0", "s = 0LL"))
write("submissions/accepted/sum.py", py_sum)
write("submissions/accepted/sum_loop.py",
      "n = int(input())\ns = 0\nfor v in input().split():\n    s += int(v)\nprint(s)\n")
write("submissions/wrong_answer/int32.c", c_sum.replace("long long", "int").replace("%lld", "%d"))
write("submissions/wrong_answer/off_by_one.py", "n = int(input())\nprint(sum(map(int, input().split())) + 1)\n")
write("submissions/wrong_answer/count.py", "print(input())\n")
write("submissions/run_time_error/crash.py", "n = int(input())\nraise ValueError(n)\n")
write("submissions/time_limit_exceeded/spin.py", "while True:\n    pass\n")
write("submissions/time_limit_exceeded/spin.c", "int main(void) { volatile long i = 0; for (;;) i++; }\n")
PY


load() { cut -d' ' -f1-3 /proc/loadavg; }
# Runs a command RUNS times; prints the median and the spread (fastest, slowest) of its wall time.
timed() {
    local label="$1" runs="$2"; shift 2
    local times=() start end
    for _ in $(seq 1 "$runs"); do
        start=$(date +%s.%N)
        "$@" >"$work/out" 2>&1 || { cat "$work/out"; exit 1; }
        end=$(date +%s.%N)
        times+=("$(echo "$end - $start" | bc)")
    done
    printf '%s\n' "${times[@]}" | sort -g | awk -v label="$label" -v runs="$runs" '
        { t[NR] = $1 }
        END {
            median = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
            printf "| %s | %d | %.2f | %.2f – %.2f |\n", label, runs, median, t[1], t[NR]
        }'
}
echo "package: 100 tests, 10 submissions; machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "started $(date -u +%Y-%m-%dT%H:%M:%SZ), load average $(load)"
echo
echo "| step | runs | median s | fastest – slowest s |"
echo "|---|---|---|---|"
timed "verify, first (compiles unless the executor cached it)" 1 "$bin/joust-problems" verify "$pkg"
timed "verify, warm" 5 "$bin/joust-problems" verify "$pkg"
timed "import (verify + store), new version" 1 "$bin/joust-problems" import "$pkg"
timed "import again (verified, unchanged)" 3 "$bin/joust-problems" import "$pkg"
echo "load average after import: $(load)"
head -20 "$work/out"

echo
echo "judging a 50-test problem (one request per run, default validator), load $(load):"
python3 "$(dirname "$0")/judging.py" "$JOUST_EXECUTOR_URL" joust-local-development-executor-token
echo
echo "interactive round trips (release executor), load $(load):"
python3 "$(dirname "$0")/interactive.py" "$JOUST_EXECUTOR_URL" joust-local-development-executor-token
echo "finished $(date -u +%Y-%m-%dT%H:%M:%SZ), load average $(load)"
