#!/usr/bin/env python3
"""Checks every problem package in this folder natively, with g++ and python3 only.

For each package it
  1. reruns generators/gen.py into a scratch folder and compares the result with the committed data;
  2. runs every input validator over every .in file (exit code 42 means valid);
  3. runs every submission on every test and checks that it gets the verdict its folder promises
     (accepted: all AC; wrong_answer: AC or WA, at least one WA; time_limit_exceeded: AC or TLE, at
     least one TLE; run_time_error: AC or RTE, at least one RTE), using the default output validator,
     the package's own output validator, or the interactive validator joined to the submission by pipes;
  4. for scoring problems, computes the score from the testdata.yaml groups and checks that accepted
     submissions get the maximum and that any `score` given in submissions/submissions.yaml matches.

Usage: python3 problems/check.py [--only NAME ...] [--skip-slow] [--time-scale X] [--jobs N]
The time limit is limits.time_limit from problem.yaml times --time-scale (default 1), on CPU time.
"""
import argparse
import filecmp
import math
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.abspath(__file__))
GENERATED_EXT = (".in", ".ans", ".interaction")
FOLDER_RULES = {
    "accepted": ({"AC"}, {"AC"}),
    "wrong_answer": ({"AC", "WA"}, {"WA"}),
    "time_limit_exceeded": ({"AC", "TLE"}, {"TLE"}),
    "run_time_error": ({"AC", "RTE"}, {"RTE"}),
    "rejected": ({"AC", "WA", "TLE", "RTE"}, {"WA", "TLE", "RTE"}),
}


# ---------------------------------------------------------------- a small YAML subset reader
def _scalar(text):
    text = text.strip()
    if text.startswith("[") and text.endswith("]"):
        inner = text[1:-1].strip()
        return [_scalar(x) for x in inner.split(",")] if inner else []
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    for conv in (int, float):
        try:
            return conv(text)
        except ValueError:
            pass
    return {"true": True, "false": False}.get(text, text)


def parse_yaml(text):
    """Maps nested by indentation, scalars and flow lists: the subset our packages use."""
    root = {}
    stack = [(-1, root)]
    for raw in text.splitlines():
        line = re.sub(r"\s+#.*$", "", raw) if not raw.lstrip().startswith("#") else ""
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        key, sep, value = line.strip().partition(":")
        if not sep:
            raise ValueError(f"unsupported YAML line: {raw!r}")
        while stack[-1][0] >= indent:
            stack.pop()
        parent = stack[-1][1]
        key = _scalar(key)
        if value.strip():
            parent[key] = _scalar(value)
        else:
            parent[key] = {}
            stack.append((indent, parent[key]))
    return root


def read_yaml(path):
    if not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as f:
        return parse_yaml(f.read())


# ---------------------------------------------------------------- programs
class Program:
    def __init__(self, path, build_dir):
        self.path = path
        self.name = os.path.basename(path)
        if path.endswith(".py"):
            self.cmd = [sys.executable, path]
        elif path.endswith(".cpp"):
            exe = os.path.join(build_dir, re.sub(r"\W", "_", os.path.relpath(path, ROOT)))
            res = subprocess.run(["g++", "-O2", "-std=c++20", "-o", exe, path],
                                 capture_output=True, text=True)
            if res.returncode != 0:
                raise RuntimeError(f"compile error in {path}:\n{res.stderr}")
            self.cmd = [exe]
        else:
            raise RuntimeError(f"unknown language: {path}")


def programs_in(folder, build_dir):
    if not os.path.isdir(folder):
        return []
    return [Program(os.path.join(folder, f), build_dir) for f in sorted(os.listdir(folder))
            if f.endswith((".py", ".cpp"))]


# ---------------------------------------------------------------- default output validator
FLOAT_RE = re.compile(r"^[+-]?(\d*\.\d+|\d+\.?)([eE][+-]?\d+)?$")


def default_validate(out, ans, args):
    case_sensitive = "case_sensitive" in args
    space_sensitive = "space_change_sensitive" in args
    rel = abs_ = None
    for i, a in enumerate(args):
        if a == "float_tolerance":
            rel = abs_ = float(args[i + 1])
        elif a == "float_relative_tolerance":
            rel = float(args[i + 1])
        elif a == "float_absolute_tolerance":
            abs_ = float(args[i + 1])
    if space_sensitive:
        out_t, ans_t = re.split(r"(\s+)", out), re.split(r"(\s+)", ans)
    else:
        out_t, ans_t = out.split(), ans.split()
    if len(out_t) != len(ans_t):
        return False, f"expected {len(ans_t)} tokens, got {len(out_t)}"
    for k, (o, a) in enumerate(zip(out_t, ans_t)):
        if (rel is not None or abs_ is not None) and FLOAT_RE.match(a):
            if not FLOAT_RE.match(o):
                return False, f"token {k}: expected a number, got {o[:30]!r}"
            x, y = float(o), float(a)
            if abs_ is not None and abs(x - y) <= abs_:
                continue
            if rel is not None and abs(x - y) <= rel * abs(y):
                continue
            return False, f"token {k}: {o} is not within tolerance of {a}"
        if (o if case_sensitive else o.lower()) != (a if case_sensitive else a.lower()):
            return False, f"token {k}: expected {a[:30]!r}, got {o[:30]!r}"
    return True, ""


# ---------------------------------------------------------------- running one test
def run_limited(cmd, stdin, stdout, limit):
    """Runs a submission; returns (exit code, CPU seconds, too slow).

    The limit is on CPU time, so a loaded machine does not turn accepted runs into TLE. A run that
    sleeps or waits for input (a deadlocked interaction) is stopped by a wall-clock backstop.
    """
    proc = subprocess.Popen(cmd, stdin=stdin, stdout=stdout, stderr=subprocess.DEVNULL)
    cap = math.ceil(limit)
    try:
        resource.prlimit(proc.pid, resource.RLIMIT_CPU, (cap, cap + 1))
    except (ProcessLookupError, OSError):
        pass  # already gone: its rusage below still counts
    fired = threading.Event()

    def stop():
        fired.set()
        proc.kill()

    backstop = threading.Timer(limit * 5 + 2, stop)
    backstop.start()
    _, status, usage = os.wait4(proc.pid, 0)
    backstop.cancel()
    hit_backstop = fired.is_set()
    proc.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return proc.returncode, cpu, cpu > limit or hit_backstop or proc.returncode == -signal.SIGXCPU


def run_plain(sub, test_in, limit, scratch):
    out_path = os.path.join(scratch, "out.txt")
    with open(test_in, "rb") as fin, open(out_path, "wb") as fout:
        rc, cpu, too_slow = run_limited(sub.cmd, fin, fout, limit)
    if too_slow:
        return "TLE", cpu, out_path
    return ("RTE" if rc != 0 else None), cpu, out_path


def judge_test(pkg, sub, base, limit):
    """Returns (verdict, seconds, message, score_fraction or None)."""
    scratch = tempfile.mkdtemp(prefix="judge-", dir=pkg.work)
    feedback = os.path.join(scratch, "feedback") + os.sep
    os.makedirs(feedback)
    test_in, test_ans = base + ".in", base + ".ans"
    args = pkg.validator_args(base)
    try:
        if pkg.interactive:
            return run_interactive(pkg, sub, test_in, test_ans, feedback, args, limit)
        verdict, elapsed, out_path = run_plain(sub, test_in, limit, scratch)
        if verdict:
            return verdict, elapsed, "", None
        if pkg.output_validator is None:
            with open(out_path, encoding="utf-8", errors="replace") as f:
                out = f.read()
            with open(test_ans, encoding="utf-8") as f:
                ans = f.read()
            ok, msg = default_validate(out, ans, args)
            return ("AC" if ok else "WA"), elapsed, msg, None
        with open(out_path, "rb") as fout:
            res = subprocess.run(pkg.output_validator.cmd + [test_in, test_ans, feedback] + args,
                                 stdin=fout, capture_output=True, timeout=60)
        return validator_verdict(res.returncode, feedback, elapsed)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def validator_verdict(rc, feedback, elapsed):
    msg = ""
    path = os.path.join(feedback, "judgemessage.txt")
    if os.path.exists(path):
        with open(path, encoding="utf-8", errors="replace") as f:
            msg = f.read().strip()
    score = None
    spath = os.path.join(feedback, "score.txt")
    if os.path.exists(spath):
        with open(spath) as f:
            score = float(f.read())
    if rc == 42:
        return "AC", elapsed, msg, score
    if rc == 43:
        return "WA", elapsed, msg, None
    return "JE", elapsed, f"validator exit code {rc}: {msg}", None


def run_interactive(pkg, sub, test_in, test_ans, feedback, args, limit):
    to_val_r, to_val_w = os.pipe()
    to_sub_r, to_sub_w = os.pipe()
    val = subprocess.Popen(pkg.output_validator.cmd + [test_in, test_ans, feedback] + args,
                           stdin=to_val_r, stdout=to_sub_w, stderr=subprocess.DEVNULL)
    sub_in, sub_out = os.fdopen(to_sub_r, "rb"), os.fdopen(to_val_w, "wb")
    os.close(to_val_r)
    os.close(to_sub_w)
    # The parent keeps its copy of the submission's output pipe until the submission has exited; closing
    # it then gives the validator its end of file.
    with sub_in, sub_out:
        sub_rc, cpu, too_slow = run_limited(sub.cmd, sub_in, sub_out, limit)
    try:
        val_rc = val.wait(timeout=10)
    except subprocess.TimeoutExpired:
        val.kill()
        val_rc = val.wait()
        if not too_slow:
            return "JE", cpu, "validator did not exit after the submission ended", None
    if too_slow:
        return "TLE", cpu, "", None
    verdict = validator_verdict(val_rc, feedback, cpu)
    if verdict[0] == "WA":
        return verdict
    if sub_rc != 0:
        return "RTE", cpu, f"exit code {sub_rc}", None
    return verdict


# ---------------------------------------------------------------- packages
class Package:
    def __init__(self, path, work):
        self.path = path
        self.name = os.path.basename(path)
        self.work = work
        self.meta = read_yaml(os.path.join(path, "problem.yaml"))
        self.joust = read_yaml(os.path.join(path, "joust.yaml"))
        types = self.meta.get("type", "pass-fail")
        self.types = types if isinstance(types, list) else [types]
        self.interactive = "interactive" in self.types
        self.scoring = "scoring" in self.types
        self.time_limit = float(self.meta["limits"]["time_limit"])
        self.output_validator = None
        vals = programs_in(os.path.join(path, "output_validator"), work)
        if len(vals) > 1:
            raise RuntimeError("more than one output validator")
        if vals:
            self.output_validator = vals[0]
        if self.interactive and not self.output_validator:
            raise RuntimeError("interactive problem without an output validator")
        self.tests = sorted(
            os.path.join(d, f)[:-3]
            for group in ("sample", "secret")
            for d, _, files in os.walk(os.path.join(path, "data", group))
            for f in files if f.endswith(".in"))

    def rel(self, base):
        return os.path.relpath(base, os.path.join(self.path, "data"))

    def testdata_chain(self, base):
        """testdata.yaml files from data/ down to the test's folder."""
        parts = self.rel(os.path.dirname(base) + "/x").split(os.sep)[:-1]
        chain, d = [], os.path.join(self.path, "data")
        chain.append(read_yaml(os.path.join(d, "testdata.yaml")))
        for p in parts:
            d = os.path.join(d, p)
            chain.append(read_yaml(os.path.join(d, "testdata.yaml")))
        return chain

    def validator_args(self, base, key="output_validator_args", program=None):
        """Inherited validator arguments; input_validator_args may map validator names to strings."""
        args = ""
        for conf in self.testdata_chain(base):
            if key in conf:
                args = conf[key]
        if isinstance(args, dict):
            args = args.get(program, "")
        return str(args).split()

    def score(self, results):
        """Score of the secret group from per-test (verdict, fraction) results."""
        def group(d, max_score, aggregation):
            entries = sorted(os.listdir(d))
            subs = [os.path.join(d, e) for e in entries if os.path.isdir(os.path.join(d, e))]
            cases = [os.path.join(d, e)[:-3] for e in entries if e.endswith(".in")]
            confs = {s: read_yaml(os.path.join(s, "testdata.yaml")).get("scoring", {}) for s in subs}
            given = sum(float(c["score"]) for c in confs.values() if "score" in c)
            free = sum(1 for c in confs.values() if "score" not in c) + len(cases)
            share = (max_score - given) / free if free else 0.0
            parts = []
            for c in cases:
                verdict, frac = results[c]
                parts.append((verdict == "AC", share * (1.0 if frac is None else frac)))
            for s in subs:
                conf = confs[s]
                parts.append(group(s, float(conf.get("score", share)),
                                   conf.get("aggregation", "pass-fail")))
            if aggregation == "pass-fail":
                ok = all(p[0] for p in parts)
                return ok, (max_score if ok else 0.0)
            if aggregation == "min":
                return all(p[0] for p in parts), min(p[1] for p in parts) if parts else 0.0
            return all(p[0] for p in parts), sum(p[1] for p in parts)

        secret = os.path.join(self.path, "data", "secret")
        conf = read_yaml(os.path.join(secret, "testdata.yaml")).get("scoring", {})
        return group(secret, float(conf.get("score", 100)), conf.get("aggregation", "sum"))[1]

    def max_score(self):
        conf = read_yaml(os.path.join(self.path, "data", "secret", "testdata.yaml"))
        return float(conf.get("scoring", {}).get("score", 100))


# ---------------------------------------------------------------- checks
def check_generated(pkg, errors):
    gen = os.path.join(pkg.path, "generators", "gen.py")
    out = tempfile.mkdtemp(prefix="gen-", dir=pkg.work)
    res = subprocess.run([sys.executable, gen, out], capture_output=True, text=True)
    if res.returncode != 0:
        errors.append(f"generator failed: {res.stderr[-500:]}")
        return

    def listing(root):
        return sorted(os.path.relpath(os.path.join(d, f), root)
                      for d, _, files in os.walk(root) for f in files if f.endswith(GENERATED_EXT))

    committed, fresh = listing(os.path.join(pkg.path, "data")), listing(out)
    if committed != fresh:
        errors.append(f"generated files differ from committed ones: "
                      f"{sorted(set(committed) ^ set(fresh))[:10]}")
    for f in set(committed) & set(fresh):
        if not filecmp.cmp(os.path.join(out, f), os.path.join(pkg.path, "data", f), shallow=False):
            errors.append(f"data/{f} differs from what the generator writes")
    size = sum(os.path.getsize(os.path.join(d, f))
               for d, _, files in os.walk(os.path.join(pkg.path, "data")) for f in files)
    if size > 1_100_000:
        errors.append(f"data is {size} bytes, over the 1 MB budget")


def check_input_validators(pkg, errors):
    validators = programs_in(os.path.join(pkg.path, "input_validators"), pkg.work)
    if not validators:
        errors.append("no input validator")
    for base in pkg.tests:
        for v in validators:
            args = pkg.validator_args(base, "input_validator_args", os.path.splitext(v.name)[0])
            with open(base + ".in", "rb") as f:
                res = subprocess.run(v.cmd + args, stdin=f, capture_output=True, timeout=60)
            if res.returncode != 42:
                errors.append(f"{v.name} rejects {pkg.rel(base)}.in: "
                              f"{res.stderr.decode(errors='replace')[-300:]}")


def check_submissions(pkg, args, errors, report):
    subs_yaml = read_yaml(os.path.join(pkg.path, "submissions", "submissions.yaml"))
    limit = pkg.time_limit * args.time_scale
    for folder in sorted(os.listdir(os.path.join(pkg.path, "submissions"))):
        fdir = os.path.join(pkg.path, "submissions", folder)
        if not os.path.isdir(fdir):
            continue
        if folder not in FOLDER_RULES:
            errors.append(f"unknown submissions folder {folder}")
            continue
        if args.skip_slow and folder == "time_limit_exceeded":
            continue
        permitted, required = FOLDER_RULES[folder]
        for sub in programs_in(fdir, pkg.work):
            results, slowest, seen = {}, 0.0, set()
            with ThreadPoolExecutor(args.jobs) as pool:
                runs = {b: pool.submit(judge_test, pkg, sub, b, limit) for b in pkg.tests}
                for base, fut in runs.items():
                    verdict, elapsed, msg, frac = fut.result()
                    results[base] = (verdict, frac)
                    seen.add(verdict)
                    if verdict == "AC":
                        slowest = max(slowest, elapsed)
                    if verdict not in permitted:
                        errors.append(f"{folder}/{sub.name} gets {verdict} on {pkg.rel(base)} {msg}")
            if not seen & required:
                errors.append(f"{folder}/{sub.name} never gets any of {sorted(required)}")
            line = f"  {folder}/{sub.name}: {' '.join(sorted(seen))}, slowest AC {slowest:.2f}s CPU"
            if pkg.scoring:
                score = pkg.score(results)
                line += f", score {score:g}"
                want = subs_yaml.get(f"{folder}/{sub.name}", {}).get("score")
                if folder == "accepted" and want is None:
                    want = pkg.max_score()
                if want is not None and not math.isclose(score, float(want), abs_tol=1e-6):
                    errors.append(f"{folder}/{sub.name} scores {score:g}, expected {want}")
            report.append(line)


def check_metadata(pkg, errors):
    if pkg.meta.get("problem_format_version") != "2023-07-draft":
        errors.append("problem_format_version is not 2023-07-draft")
    rating = pkg.joust.get("rating")
    if not isinstance(rating, int) or not 800 <= rating <= 3500:
        errors.append("joust.yaml needs an integer rating between 800 and 3500")
    if not os.path.exists(os.path.join(pkg.path, "statement", "problem.en.md")):
        errors.append("no statement/problem.en.md")
    names = set(os.listdir(os.path.join(pkg.path, "submissions")))
    for folder in ("accepted", "wrong_answer", "time_limit_exceeded"):
        if folder not in names:
            errors.append(f"no submissions/{folder}")
    langs = {f.rsplit(".", 1)[-1] for f in os.listdir(os.path.join(pkg.path, "submissions", "accepted"))}
    if not {"py", "cpp"} <= langs:
        errors.append("accepted submissions need both C++ and Python")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="*", default=None, help="check only these packages")
    ap.add_argument("--skip-slow", action="store_true", help="skip time_limit_exceeded submissions")
    ap.add_argument("--time-scale", type=float, default=1.0, help="multiply every time limit")
    ap.add_argument("--jobs", type=int, default=2, help="tests run at the same time")
    args = ap.parse_args()
    names = sorted(d for d in os.listdir(ROOT) if os.path.isfile(os.path.join(ROOT, d, "problem.yaml")))
    if args.only:
        names = [n for n in names if n in args.only]
    failed = []
    for name in names:
        work = tempfile.mkdtemp(prefix=f"check-{name}-")
        errors, report = [], []
        started = time.monotonic()
        try:
            pkg = Package(os.path.join(ROOT, name), work)
            check_metadata(pkg, errors)
            check_generated(pkg, errors)
            check_input_validators(pkg, errors)
            check_submissions(pkg, args, errors, report)
        except Exception as e:  # a broken package is reported, the others still run
            errors.append(f"{type(e).__name__}: {e}")
        finally:
            shutil.rmtree(work, ignore_errors=True)
        status = "ok" if not errors else "FAILED"
        print(f"{name}: {status} ({time.monotonic() - started:.1f}s)")
        for line in report:
            print(line)
        for e in errors:
            print(f"  error: {e}")
        if errors:
            failed.append(name)
        sys.stdout.flush()
    print(f"{len(names) - len(failed)}/{len(names)} packages pass"
          + (f"; failed: {' '.join(failed)}" if failed else ""))
    return 1 if failed or not names else 0


if __name__ == "__main__":
    sys.exit(main())
