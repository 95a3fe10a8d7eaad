"""What removing an `await` must do to a file, as both judges check it.

`bench/judge.py` (whole trees, with its own idea of which awaits must go) and
`tests/judge.py` (the test fixtures, told which awaits went) import this module, so
they cannot disagree on the shape of an edit. The rules are those of
docs/contract.md#what-an-edit-is:

  - the keyword goes together with the spaces and tabs after it;
  - when a `#` comment follows those blanks and code precedes the keyword on its line,
    only the five bytes of the keyword go, so the comment keeps its spacing;
  - every other byte stays as it was, and the syntax tree is the old one with exactly
    those `Await` nodes replaced by their operands.

Positions are what CPython's `ast` reports: a 1-based line (split at CRLF, CR and LF,
as CPython splits) and a column in UTF-8 bytes of the decoded line, not counting a BOM.
Standard library only (CPython 3.11+); shares nothing with unawait's Rust code.
"""

import ast
import io
import re
import tokenize

KEYWORD = b"await"

_LINE_END = re.compile(rb"\r\n|\r|\n")


class JudgeError(Exception):
    """A position or a file that does not fit the rules; the message says why."""


def line_starts(data):
    """The byte offset where each line starts, splitting as CPython does: CRLF, CR, LF."""
    return [0] + [m.end() for m in _LINE_END.finditer(data)]


def source_encoding(data):
    """(encoding, BOM length) of Python source, from its BOM or coding cookie."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    if encoding == "utf-8-sig":
        return "utf-8", 3
    return encoding, 0


class Source:
    """A file's bytes, with what it takes to turn `ast` positions into byte offsets."""

    def __init__(self, data):
        self.data = data
        self.starts = line_starts(data)
        self.encoding, self.bom = source_encoding(data)

    def line_start(self, lineno):
        """Where the text of line `lineno` starts (after a BOM on line 1)."""
        return self.starts[lineno - 1] + (self.bom if lineno == 1 else 0)

    def locate(self, lineno, col_offset):
        """(byte offset, column in characters) of an `ast` position. The character
        column is where `tokenize` puts the token that starts there."""
        if not 1 <= lineno <= len(self.starts):
            raise JudgeError(f"line {lineno} does not exist")
        start = self.line_start(lineno)
        end = self.starts[lineno] if lineno < len(self.starts) else len(self.data)
        line = self.data[start:end].decode(self.encoding)
        utf8 = line.encode("utf-8")
        if col_offset > len(utf8):
            raise JudgeError(f"{lineno}:{col_offset} is past the end of its line")
        try:
            prefix = utf8[:col_offset].decode("utf-8")
        except UnicodeDecodeError:
            raise JudgeError(f"{lineno}:{col_offset} splits a character") from None
        return start + len(prefix.encode(self.encoding)), len(prefix)

    def removal(self, lineno, col_offset):
        """The byte range removing the `await` at this position deletes."""
        at, _ = self.locate(lineno, col_offset)
        data = self.data
        if data[at : at + len(KEYWORD)] != KEYWORD:
            raise JudgeError(f"{lineno}:{col_offset} is not the keyword `await` in the bytes")
        end = at + len(KEYWORD)
        while end < len(data) and data[end] in b" \t":
            end += 1
        if data[end : end + 1] == b"#":
            code_before = data[self.line_start(lineno) : at].strip(b" \t\x0c") != b""
            if code_before:
                end = at + len(KEYWORD)
        return at, end


def expected_bytes(data, positions, await_tokens=None):
    """`data` with the `await` at each (lineno, col_offset) of `positions` removed.

    With `await_tokens` (the (row, column) of every `await` NAME token, as `tokenize`
    gives them), each position must also be one of those tokens, so text inside a
    string that merely looks like the keyword is never taken for it.
    """
    source = Source(data)
    cuts = []
    for lineno, col in positions:
        if await_tokens is not None:
            _, char_col = source.locate(lineno, col)
            if (lineno, char_col) not in await_tokens:
                raise JudgeError(f"no `await` token at {lineno}:{char_col}")
        cuts.append(source.removal(lineno, col))
    cuts.sort()
    out = bytearray()
    cursor = 0
    for at, end in cuts:
        if at < cursor:
            raise JudgeError(f"edits overlap at byte {at}")
        out += data[cursor:at]
        cursor = end
    out += data[cursor:]
    return bytes(out)


class Unwrap(ast.NodeTransformer):
    """Replace the awaits at the given (lineno, col_offset) positions by their operands;
    `done` collects the positions found."""

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


def without_awaits(tree, positions):
    """`tree` (changed in place) with the awaits at `positions` replaced by their
    operands: the tree a correct edit leaves."""
    unwrap = Unwrap(positions)
    tree = unwrap.visit(tree)
    if unwrap.done != unwrap.positions:
        raise JudgeError("not every listed await was found by the transformer")
    return tree


def first_difference(a, b):
    """The first index where `a` and `b` differ (the shorter length if one is a prefix
    of the other); only meaningful when `a != b`."""
    return next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
