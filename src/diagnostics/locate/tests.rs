//! Positions the checkers really gave (ty 0.0.108, pyright 1.1.414, mypy 2.4.1, pyrefly
//! 1.5.0) on files with a BOM, CRLF and lone-CR line ends, a tab and non-ASCII text,
//! mapped to their awaits.

use super::*;
use crate::diagnostics::{Checker, Pos, Span};
use crate::python::parse::{parse, parse_text};

/// A BOM, CRLF line ends, an await on line 1, and a tab, a snake (two UTF-16 units,
/// four bytes) and an `é` before the await on line 5.
const BOM_CRLF: &[u8] = b"\xef\xbb\xbfasync def f() -> None: await g()\r\ndef g() -> int:\r\n    return 1\r\nasync def h() -> None:\r\n\tx = \"\xf0\x9f\x90\x8d\xc3\xa9\"; y = await g()\r\n";

/// Old Mac line ends: a lone CR each.
const LONE_CR: &[u8] = b"def g() -> int:\r    return 1\rasync def h() -> None:\r    await g()\r";

fn diag(checker: Checker, start: (usize, usize), end: (usize, usize)) -> Diagnostic {
    let (unit, covers, bom_counted) = match checker {
        Checker::Ty => (Unit::CodePoints, Covers::Operand, false),
        Checker::Pyright => (Unit::Utf16, Covers::Operand, true),
        Checker::Mypy => (Unit::Hint, Covers::Await, false),
        Checker::Pyrefly => (Unit::CodePoints, Covers::Await, false),
    };
    let pos = |(line, column)| Pos { line, column };
    Diagnostic {
        checker,
        path: "x.py".into(),
        span: Span {
            start: pos(start),
            end: pos(end),
            unit,
            covers,
            bom_counted,
        },
        type_text: Some("int".into()),
        message: String::new(),
        code: String::new(),
    }
}

/// The await `d` names in `source`: its bytes and the 1-based line it starts on.
fn found(source: &[u8], d: &Diagnostic) -> Result<(String, usize), NoAwait> {
    let text = parse_text(source);
    let tree = parse(&text);
    let n = await_at(tree.root_node(), &text, &locate(source, d)?)?;
    let line = text[..n.start_byte()]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1;
    Ok((
        String::from_utf8_lossy(&source[n.byte_range()]).into_owned(),
        line,
    ))
}

fn at(line: usize) -> Result<(String, usize), NoAwait> {
    Ok(("await g()".to_string(), line))
}

// Columns as the checkers gave them, converted the way `parse` converts them (1-based
// columns minus one; pyright's and mypy's as they are).

#[test]
fn bom_crlf_tab_and_non_ascii() {
    let cases = [
        (Checker::Ty, (1, 29), (1, 32), 1),
        (Checker::Ty, (5, 21), (5, 24), 5),
        (Checker::Pyright, (1, 30), (1, 33), 1),
        (Checker::Pyright, (5, 22), (5, 25), 5),
        (Checker::Pyrefly, (1, 23), (1, 32), 1),
        (Checker::Pyrefly, (5, 15), (5, 24), 5),
        (Checker::Mypy, (1, 21), (1, 30), 1),
        (Checker::Mypy, (5, 11), (5, 20), 5),
    ];
    for (checker, start, end, line) in cases {
        let d = diag(checker, start, end);
        assert_eq!(found(BOM_CRLF, &d), at(line), "{checker} {start:?}");
    }
}

#[test]
fn lone_cr_line_ends() {
    for (checker, start, end) in [
        (Checker::Ty, (4, 10), (4, 13)),
        (Checker::Pyright, (4, 10), (4, 13)),
        (Checker::Mypy, (4, 4), (4, 13)),
        (Checker::Pyrefly, (4, 4), (4, 13)),
    ] {
        assert_eq!(
            found(LONE_CR, &diag(checker, start, end)),
            at(4),
            "{checker}"
        );
    }
}

#[test]
fn operands_with_and_without_parentheses() {
    let src = b"async def f():\n    return await ((c.get(\"p\")))\n";
    // `((c.get("p")))` starts at column 17; the call at 19, ending at 29.
    for (start, end) in [(17, 31), (18, 30), (19, 29)] {
        let d = diag(Checker::Ty, (2, start), (2, end));
        assert_eq!(
            found(src, &d).unwrap().0,
            "await ((c.get(\"p\")))",
            "{start}..{end}"
        );
    }
    // Part of the operand, or the callee alone, is no await's operand.
    assert_eq!(
        found(src, &diag(Checker::Ty, (2, 19), (2, 24))),
        Err(NoAwait::Gone)
    );
}

#[test]
fn the_innermost_await_whose_operand_it_is() {
    let src = b"async def f():\n    await (await g())\n";
    // ty covers the outer operand without its parentheses: the inner await itself.
    let outer = diag(Checker::Ty, (2, 11), (2, 20));
    assert_eq!(found(src, &outer).unwrap().0, "await (await g())");
    let inner = diag(Checker::Ty, (2, 17), (2, 20));
    assert_eq!(found(src, &inner).unwrap().0, "await g()");
    // pyrefly covers the whole inner await.
    let whole = diag(Checker::Pyrefly, (2, 11), (2, 20));
    assert_eq!(found(src, &whole).unwrap().0, "await g()");
}

#[test]
fn positions_outside_the_file_or_inside_a_character() {
    let gone: Result<(String, usize), NoAwait> = Err(NoAwait::Gone);
    assert_eq!(found(BOM_CRLF, &diag(Checker::Ty, (9, 0), (9, 3))), gone);
    assert_eq!(found(BOM_CRLF, &diag(Checker::Ty, (5, 21), (5, 99))), gone);
    assert_eq!(found(BOM_CRLF, &diag(Checker::Mypy, (0, 0), (0, 1))), gone);
    // Column 7 in UTF-16 units is the middle of the snake.
    assert_eq!(
        locate(BOM_CRLF, &diag(Checker::Pyright, (5, 7), (5, 25))),
        Err(NoAwait::Gone)
    );
    // A line with no await on it (the file changed).
    assert_eq!(found(BOM_CRLF, &diag(Checker::Mypy, (2, 0), (2, 15))), gone);
}

#[test]
fn latin1_lines_count_bytes() {
    // `# coding: latin-1` file: `é` is one byte, one character.
    let src = b"# coding: latin-1\nasync def f():\n    x = '\xe9'; await g()\n";
    assert_eq!(found(src, &diag(Checker::Ty, (3, 19), (3, 22))), at(3));
}

#[test]
fn several_awaits_on_a_mypy_line() {
    let ascii = b"async def f():\n    a, b = await c.get('a'), await c.get('bb')\n";
    // mypy's column is right on an ASCII line.
    let first = diag(Checker::Mypy, (2, 11), (2, 27));
    let second = diag(Checker::Mypy, (2, 29), (2, 46));
    assert_eq!(found(ascii, &first).unwrap().0, "await c.get('a')");
    assert_eq!(found(ascii, &second).unwrap().0, "await c.get('bb')");
    // Off by one after an `é`: the width still tells them apart…
    let accented = "async def f():\n    é = 1; a, b = await c.get('a'), await c.get('bb')\n";
    let second = diag(Checker::Mypy, (2, 35), (2, 52));
    assert_eq!(
        found(accented.as_bytes(), &second).unwrap().0,
        "await c.get('bb')"
    );
    // …unless they are as wide.
    let same = "async def f():\n    é = 1; a, b = await c.get('a'), await c.get('b')\n";
    let first = diag(Checker::Mypy, (2, 17), (2, 33));
    assert_eq!(
        found(same.as_bytes(), &first),
        Err(NoAwait::Ambiguous { line: 2, count: 2 })
    );
    assert_eq!(
        NoAwait::Ambiguous { line: 2, count: 2 }.describe(),
        "2 awaits on line 2 and the checker's column does not say which one"
    );
}

#[test]
fn a_mypy_await_over_several_lines() {
    let src = b"async def f():\n    x = await g(\n        1,\n    )\n    await h()\n";
    assert_eq!(
        found(src, &diag(Checker::Mypy, (2, 8), (4, 5))).unwrap(),
        ("await g(\n        1,\n    )".to_string(), 2)
    );
}
