"""An independent judge of unawait's edits, using only CPython's own parser.

Reads a JSON manifest on stdin: a list of
    {"name", "before_path", "after_path", "removed": [[lineno, col_offset], ...]}
where each pair is the position of a removed `await` keyword as CPython's `ast`
reports it (1-based line, UTF-8 byte offset within the line).

For each entry it checks that:
  (a) `before` and `after` both parse (read as bytes, so a coding cookie or BOM is
      honoured);
  (b) each listed position is an `ast.Await` in `before` whose operand is a call;
  (c) `after` has the same AST as `before` with exactly those awaits replaced by
      their operands;
  (d) the bytes of `after` are the bytes of `before` with, at each listed position,
      the keyword deleted together with the spaces and tabs after it -- except that
      when a `#` comment follows those spaces and code precedes the keyword on its
      line, only the five keyword bytes go (docs/contract.md#what-an-edit-is).

The byte and tree rules of (c) and (d) live in bench/judgelib.py, shared with the
benchmark's judge; nothing here is shared with unawait's Rust code.

Prints one line per failure and exits 1 if anything failed; otherwise prints
`judge: N files ok` and exits 0. Standard library only (CPython 3.11).
"""

import ast
import json
import sys
from pathlib import Path

# The byte and tree rules come from the benchmark's judge, so the two cannot disagree.
# No bench/__pycache__: a test run leaves the source tree as it found it.
sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from judgelib import JudgeError, expected_bytes, first_difference, without_awaits  # noqa: E402


def parse(data, which):
    try:
        return ast.parse(data)
    except (SyntaxError, ValueError) as e:
        raise JudgeError(f"{which} does not parse: {e}") from None


def judge(entry):
    with open(entry["before_path"], "rb") as f:
        before = f.read()
    with open(entry["after_path"], "rb") as f:
        after = f.read()
    removed = [tuple(p) for p in entry["removed"]]
    if len(set(removed)) != len(removed):
        raise JudgeError("a position is listed twice")

    # (a) both parse.
    tree_before = parse(before, "before")
    tree_after = parse(after, "after")

    # (b) every position is an await of a call.
    awaits = {
        (n.lineno, n.col_offset): n
        for n in ast.walk(tree_before)
        if isinstance(n, ast.Await)
    }
    for pos in removed:
        node = awaits.get(pos)
        if node is None:
            raise JudgeError(f"{pos[0]}:{pos[1]} is not an await expression")
        if not isinstance(node.value, ast.Call):
            raise JudgeError(
                f"{pos[0]}:{pos[1]} awaits a {type(node.value).__name__}, not a call"
            )

    # (c) same tree as before without exactly those awaits.
    want = ast.dump(without_awaits(parse(before, "before"), removed))
    got = ast.dump(tree_after)
    if want != got:
        raise JudgeError(f"the AST differs:\n  want {want}\n  got  {got}")

    # (d) exact bytes.
    want_bytes = expected_bytes(before, removed)
    if want_bytes != after:
        i = first_difference(want_bytes, after)
        raise JudgeError(
            f"the bytes differ from byte {i}: want {want_bytes[i:i + 40]!r}, "
            f"got {after[i:i + 40]!r}"
        )


def main():
    manifest = json.load(sys.stdin)
    failures = 0
    for entry in manifest:
        try:
            judge(entry)
        except JudgeError as e:
            failures += 1
            print(f"{entry['name']}: {e}")
        except (OSError, UnicodeDecodeError, LookupError) as e:
            failures += 1
            print(f"{entry['name']}: cannot judge: {e}")
    if failures:
        print(f"judge: {failures} of {len(manifest)} files failed")
        return 1
    print(f"judge: {len(manifest)} files ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
