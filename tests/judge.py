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
      line, only the five keyword bytes go.

Prints one line per failure and exits 1 if anything failed; otherwise prints
`judge: N files ok` and exits 0. Standard library only (CPython 3.11).
"""

import ast
import io
import json
import sys
import tokenize

KEYWORD = b"await"


class Failure(Exception):
    pass


def line_starts(data):
    """Byte offset of each line's start, splitting as CPython does: CRLF, CR, LF."""
    starts = [0]
    i = 0
    n = len(data)
    while i < n:
        b = data[i]
        if b == 0x0D:
            i += 2 if i + 1 < n and data[i + 1] == 0x0A else 1
            starts.append(i)
        elif b == 0x0A:
            i += 1
            starts.append(i)
        else:
            i += 1
    return starts


def source_encoding(data):
    """(encoding, bom_length) of a Python source file."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    if encoding == "utf-8-sig":
        return "utf-8", 3
    return encoding, 0


def byte_offset(data, starts, encoding, bom, lineno, col_offset):
    """The offset in the raw bytes of (lineno, UTF-8 col_offset)."""
    if not 1 <= lineno <= len(starts):
        raise Failure(f"line {lineno} does not exist")
    start = starts[lineno - 1]
    end = starts[lineno] if lineno < len(starts) else len(data)
    if lineno == 1:
        start += bom
    line = data[start:end].decode(encoding)
    utf8 = line.encode("utf-8")
    if col_offset > len(utf8):
        raise Failure(f"{lineno}:{col_offset} is past the end of its line")
    try:
        prefix = utf8[:col_offset].decode("utf-8")
    except UnicodeDecodeError:
        raise Failure(f"{lineno}:{col_offset} splits a character") from None
    return start + len(prefix.encode(encoding))


def parse(data, which):
    try:
        return ast.parse(data)
    except (SyntaxError, ValueError) as e:
        raise Failure(f"{which} does not parse: {e}") from None


class Unawait(ast.NodeTransformer):
    """Replace the awaits at the given positions by their operands."""

    def __init__(self, positions):
        self.positions = set(positions)
        self.done = set()

    def visit_Await(self, node):
        self.generic_visit(node)
        key = (node.lineno, node.col_offset)
        if key in self.positions:
            self.done.add(key)
            return node.value
        return node


def expected_bytes(before, removed, encoding, bom):
    """`before` with each listed keyword deleted as SPEC "What an edit is" says."""
    starts = line_starts(before)
    cuts = []
    for lineno, col in removed:
        at = byte_offset(before, starts, encoding, bom, lineno, col)
        if before[at : at + len(KEYWORD)] != KEYWORD:
            raise Failure(f"{lineno}:{col} is not the keyword `await` in the bytes")
        end = at + len(KEYWORD)
        while end < len(before) and before[end] in b" \t":
            end += 1
        if end < len(before) and before[end : end + 1] == b"#":
            line_start = starts[lineno - 1] + (bom if lineno == 1 else 0)
            if before[line_start:at].strip(b" \t\x0c"):
                end = at + len(KEYWORD)
        cuts.append((at, end))
    cuts.sort()
    out = bytearray()
    cursor = 0
    for at, end in cuts:
        if at < cursor:
            raise Failure(f"edits overlap at byte {at}")
        out += before[cursor:at]
        cursor = end
    out += before[cursor:]
    return bytes(out)


def judge(entry):
    with open(entry["before_path"], "rb") as f:
        before = f.read()
    with open(entry["after_path"], "rb") as f:
        after = f.read()
    removed = [tuple(p) for p in entry["removed"]]
    if len(set(removed)) != len(removed):
        raise Failure("a position is listed twice")

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
            raise Failure(f"{pos[0]}:{pos[1]} is not an await expression")
        if not isinstance(node.value, ast.Call):
            raise Failure(
                f"{pos[0]}:{pos[1]} awaits a {type(node.value).__name__}, not a call"
            )

    # (c) same tree as before without exactly those awaits.
    transformer = Unawait(removed)
    expected_tree = transformer.visit(parse(before, "before"))
    if transformer.done != set(removed):
        raise Failure("not every listed await was found by the transformer")
    want = ast.dump(expected_tree)
    got = ast.dump(tree_after)
    if want != got:
        raise Failure(f"the AST differs:\n  want {want}\n  got  {got}")

    # (d) exact bytes.
    encoding, bom = source_encoding(before)
    want_bytes = expected_bytes(before, removed, encoding, bom)
    if want_bytes != after:
        for i, (x, y) in enumerate(zip(want_bytes, after)):
            if x != y:
                break
        else:
            i = min(len(want_bytes), len(after))
        raise Failure(
            f"the bytes differ from byte {i}: want {want_bytes[i:i + 40]!r}, "
            f"got {after[i:i + 40]!r}"
        )


def main():
    manifest = json.load(sys.stdin)
    failures = 0
    for entry in manifest:
        try:
            judge(entry)
        except Failure as e:
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
