#!/usr/bin/env python3
"""Make a copy of the benchmark corpus in which coroutine functions went synchronous.

The bug unawait exists for is a function that was made synchronous while its callers
still await it. This makes that bug, the way a refactoring would, in real code: in a
copy of the corpus, every `async def` whose own body never suspends (no `await`,
`async for`, `async with` or `yield` outside nested functions, lambdas and classes) is
turned into a plain `def`. Those bodies stay valid Python as they are, and every
`await` on a call of one of them is now an await on a non-awaitable, which a type
checker flags where it can follow the call (`self.x()`, `obj.m()`, imported names...).

    python3 bench/desync.py [--corpus DIR] [--out DIR]

The copy goes to CACHE/desync (the corpus's sibling) by default, rebuilt from scratch
each time; the number of functions changed is printed on stderr and the copy's root on
stdout. Standard library only; deterministic (the same corpus gives the same copy).
"""

import argparse
import ast
import os
import shutil
import sys
from pathlib import Path

CACHE = Path(os.environ.get("UNAWAIT_BENCH_CACHE", Path.home() / ".cache" / "unawait-bench"))


def suspends(fn):
    """Does the body of `fn` itself (not its nested scopes) await, iterate or enter
    asynchronously, or yield?"""
    todo = list(fn.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.Await, ast.AsyncFor, ast.AsyncWith, ast.Yield, ast.YieldFrom)):
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        if isinstance(node, ast.comprehension) and node.is_async:
            return True
        todo.extend(ast.iter_child_nodes(node))
    return False


def desync(source):
    """The source with the `async` of each non-suspending `async def` removed, and how
    many were."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return source, 0
    lines = source.splitlines(keepends=True)
    # The `async` keyword of each chosen function: on its `def` line, at its column
    # (after the decorators, which ast puts on lines before).
    starts = []
    for node in ast.walk(tree):
        if isinstance(node, ast.AsyncFunctionDef) and not suspends(node):
            starts.append((node.lineno, node.col_offset))
    changed = 0
    for lineno, col in sorted(starts, reverse=True):
        line = lines[lineno - 1]
        # col_offset is in UTF-8 bytes.
        raw = line.encode("utf-8")
        if not raw[col:].startswith(b"async"):
            continue
        rest = raw[col + len(b"async"):]
        stripped = rest.lstrip(b" \t")
        if not stripped.startswith(b"def"):
            continue
        lines[lineno - 1] = (raw[:col] + stripped).decode("utf-8")
        changed += 1
    return "".join(lines), changed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CACHE / "ex")
    parser.add_argument("--out", type=Path, default=CACHE / "desync")
    args = parser.parse_args()
    if not (args.corpus / ".complete").exists():
        sys.exit(f"desync: no corpus at {args.corpus}; run bench/corpus.py first")
    if args.out.exists():
        shutil.rmtree(args.out)
    functions = files = 0
    for path in sorted(args.corpus.rglob("*.py")):
        target = args.out / path.relative_to(args.corpus)
        target.parent.mkdir(parents=True, exist_ok=True)
        data = path.read_bytes()
        try:
            source = data.decode("utf-8")
        except UnicodeDecodeError:
            target.write_bytes(data)
            continue
        new, n = desync(source)
        if n:
            # Compiles as before: only `async` keywords went.
            compile(new, str(path), "exec", dont_inherit=True)
            functions += n
            files += 1
        target.write_bytes(new.encode("utf-8") if n else data)
    print(f"desync: {functions} async defs made sync in {files} files", file=sys.stderr)
    print(args.out)


if __name__ == "__main__":
    main()
