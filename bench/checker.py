#!/usr/bin/env python3
"""ty alone against ty + unawait end to end, on the desynced corpus (bench/desync.py).

For each of --runs rounds, on a fresh copy of the tree:

  1. `ty check --output-format gitlab` alone (timed);
  2. `unawait fix --type-checker ty` (timed: it runs ty itself, then fixes);
  3. `ty check` again on the fixed copy: how many `invalid-await` remain, and whether
     they are exactly the awaits unawait reported as left (and kept);
  4. every changed file is checked with CPython's `ast`: it parses, and it equals the
     file before with some `Await` nodes replaced by their operands (nothing else).

Prints the medians, the counts fixed / kept / left by reason, and what ty says after.

    python3 bench/checker.py [--runs 3] [--tree DIR] [--unawait PATH] [--ty PATH]

Defaults: the tree CACHE/desync (built by bench/desync.py), the release binary of
this checkout, the ty that scripts/install-test-deps.sh pins (target/test-venv).
Standard library only; re-runs itself with the newest CPython here (the corpus is 3.12
code, which `ast` must parse).
"""

import argparse
import ast
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("UNAWAIT_BENCH_CACHE", Path.home() / ".cache" / "unawait-bench"))


def timed(argv, cwd, env=None):
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True)
    return time.perf_counter() - start, done


def invalid_awaits(gitlab_json):
    return {
        (d["location"]["path"], d["location"]["positions"]["begin"]["line"])
        for d in json.loads(gitlab_json)
        if d.get("check_name") == "invalid-await"
    }


class StripAwaits(ast.NodeTransformer):
    def visit_Await(self, node):
        return self.visit(node.value)


def only_awaits_removed(before, after):
    """(changed files, awaits removed, files that differ in more than awaits)."""
    changed = removed = wrong = 0
    for p in before.rglob("*.py"):
        q = after / p.relative_to(before)
        a, b = p.read_bytes(), q.read_bytes()
        if a == b:
            continue
        changed += 1
        try:
            ta, tb = ast.parse(a), ast.parse(b)
        except SyntaxError:
            wrong += 1
            continue
        count = lambda t: sum(isinstance(n, ast.Await) for n in ast.walk(t))
        removed += count(ta) - count(tb)
        if ast.dump(StripAwaits().visit(ta)) != ast.dump(StripAwaits().visit(tb)):
            wrong += 1
    return changed, removed, wrong


def main():
    if sys.version_info < (3, 12):
        # The corpus is Python 3.12 code: its files are parsed with the newest CPython.
        sys.path.insert(0, str(Path(__file__).parent))
        from compare import pick_python

        python = pick_python()
        if python != sys.executable:
            os.execv(python, [python, __file__, *sys.argv[1:]])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tree", type=Path, default=CACHE / "desync")
    parser.add_argument("--unawait", type=Path, default=REPO / "target/release/unawait")
    parser.add_argument("--ty", type=Path, default=REPO / "target/test-venv/bin/ty")
    args = parser.parse_args()
    if not args.tree.is_dir():
        sys.exit(f"checker: no tree at {args.tree}; run bench/desync.py first")
    env = dict(os.environ, PATH=f"{args.ty.parent}{os.pathsep}{os.environ['PATH']}")
    ty = [str(args.ty), "check", "--output-format", "gitlab", "--no-progress", "."]
    alone, together = [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="unawait-checker-") as tmp:
            copy = Path(tmp) / "tree"
            shutil.copytree(args.tree, copy)
            t, done = timed(ty, copy, env)
            alone.append(t)
            flagged = invalid_awaits(done.stdout)
            t, done = timed([str(args.unawait), "fix", "--type-checker", "ty", "."], copy, env)
            together.append(t)
            summary = done.stderr.decode().strip().splitlines()[-1]
            after = subprocess.run(ty, cwd=copy, env=env, capture_output=True).stdout
            remaining = invalid_awaits(after)
            report = subprocess.run(
                [str(args.unawait), "check", "--output-format", "json", "--diagnostics",
                 "-", "."], cwd=copy, input=after, capture_output=True, env=env)
            doc = json.loads(report.stdout)
            reported = {
                (f["path"], x["location"]["line"])
                for f in doc["files"]
                for x in f["findings"]
            }
            changed, removed, wrong = only_awaits_removed(args.tree, copy)
    print(f"tree: {args.tree}")
    print(f"ty check alone: median {statistics.median(alone):.2f} s of {len(alone)} "
          f"({', '.join(f'{t:.2f}' for t in alone)})")
    print(f"unawait fix --type-checker ty (ty included): median "
          f"{statistics.median(together):.2f} s ({', '.join(f'{t:.2f}' for t in together)})")
    print(f"ratio: {statistics.median(together) / statistics.median(alone):.2f}")
    print(f"flagged by ty before: {len(flagged)} awaits")
    print(f"unawait: {summary}")
    print(f"after the fix: ty flags {len(remaining)} awaits; `check --diagnostics` on that "
          f"output: {doc['summary']['left']} left {doc['summary']['left_by_reason']}, "
          f"{doc['summary']['kept']} kept, {doc['summary']['findings']} to fix (revealed by "
          f"the first fix) ({'every one reported' if remaining == reported else 'NOT the same awaits'})")
    print(f"CPython: {changed} files changed, {removed} awaits removed, {wrong} files "
          f"that differ by more than removed awaits")


if __name__ == "__main__":
    main()
