#!/usr/bin/env python3
"""Two unawait binaries on the same corpus and jobs, interleaved run by run: the check
for a change that must not make unawait slower (a reshape, a refactor).

    python3 bench/versus.py OLD NEW [--runs 7] [--job dense]

For each job of compare.py and each command (`check`, `diff`), the two binaries run
alternately (OLD, NEW, NEW, OLD, ...), so both see the same machine load; the table
gives each one's median wall time, peak RSS, and NEW/OLD. Both must print the same
bytes on stdout: a difference is reported and makes the exit status 1.
"""

import argparse
import hashlib
import statistics
import subprocess
import sys
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))
import compare  # noqa: E402  (the jobs and the timing of compare.py)


def digest(cmd, cwd):
    out = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    return hashlib.sha256(out.stdout).hexdigest()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--job", action="append")
    ap.add_argument("--cache", default=None)
    args = ap.parse_args()
    args.old = str(Path(args.old).resolve())
    args.new = str(Path(args.new).resolve())
    corpus = [sys.executable, str(Path(__file__).parent / "corpus.py"), "--print-root"]
    if args.cache:
        corpus += ["--cache", args.cache]
    root = subprocess.run(corpus, check=True, capture_output=True, text=True)
    root = root.stdout.strip().splitlines()[-1]
    jobs = [j for j in compare.JOBS if not args.job or j[0] in args.job]
    differ = False
    print("| job | command | old | new | new/old | old RSS | new RSS |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, funcs, methods, _ in jobs:
        flags = compare.rule_flags(funcs, methods)
        for command in ["check", "diff"]:
            cmd = {b: [b, command, "-q", *flags, "."] for b in (args.old, args.new)}
            if digest(cmd[args.old], root) != digest(cmd[args.new], root):
                print(f"stdout differs: {name} {command}", file=sys.stderr)
                differ = True
            walls = {args.old: [], args.new: []}
            rss = {args.old: 0.0, args.new: 0.0}
            for b in (args.old, args.new):  # warm-up
                compare.run_once(cmd[b], cwd=root)
            for i in range(args.runs):
                order = (args.old, args.new) if i % 2 == 0 else (args.new, args.old)
                for b in order:
                    w, r, _, _ = compare.run_once(cmd[b], cwd=root)
                    walls[b].append(w)
                    rss[b] = max(rss[b], r)
            old = statistics.median(walls[args.old])
            new = statistics.median(walls[args.new])
            print(f"| {name} | {command} | {old:.3f} s | {new:.3f} s | {new / old:.2f}× | "
                  f"{rss[args.old]:.0f} MB | {rss[args.new]:.0f} MB |", flush=True)
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
