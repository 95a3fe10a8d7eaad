//! Bindings whose value is decided at run time, read from the syntax alone: the
//! `except ImportError:` handler that stands in for a failed import, what it binds in
//! the name's place, and the decorators of a `def`.
//!
//! The walk (`walk.rs`) asks these questions; the answers become
//! [`Binding`](crate::python::facts::Binding)s. Nothing here resolves a name through
//! imports: a mock is recognised by the name it is written with, as a reader would.

use tree_sitter::Node;

use crate::python::parse::{name_chain, unparenthesize};

/// Exceptions whose handler runs when an import fails: `ImportError`, its subclass,
/// and the classes above it.
const CATCHES_IMPORT_ERROR: &[&str] = &[
    "ImportError",
    "ModuleNotFoundError",
    "Exception",
    "BaseException",
];

/// `unittest.mock` classes whose instances and calls cannot be awaited.
const MOCKS: &[&str] = &[
    "MagicMock",
    "Mock",
    "NonCallableMagicMock",
    "NonCallableMock",
];

/// The mock whose calls return coroutines.
const ASYNC_MOCK: &str = "AsyncMock";

/// Does this `except` clause (of a `try`, not `except*`) run when the `try` body's
/// import fails? A bare `except:`, or a class named in [`CATCHES_IMPORT_ERROR`], alone
/// or in a tuple, with or without `as NAME`.
pub fn catches_import_error(clause: Node<'_>, text: &[u8]) -> bool {
    let Some(mut value) = clause.child_by_field_name("value") else {
        return true;
    };
    if value.kind() == "as_pattern" {
        match value.named_child(0) {
            Some(v) => value = v,
            None => return false,
        }
    }
    let value = unparenthesize(value);
    let names = |n: Node<'_>| {
        name_chain(n, text).is_some_and(|(root, parts)| {
            let last = parts.last().copied().unwrap_or(root);
            CATCHES_IMPORT_ERROR.contains(&last)
        })
    };
    match value.kind() {
        "tuple" => {
            let mut c = value.walk();
            let any = value.named_children(&mut c).any(names);
            any
        }
        _ => names(value),
    }
}

/// What `value` is as a stand-in for a function: `Some(false)` for one that cannot be
/// awaited (`None`, a lambda, a mock class or instance: `MagicMock`,
/// `mock.MagicMock(return_value=x)`), `Some(true)` for an `AsyncMock` (the class or an
/// instance: calling an instance returns a coroutine), `None` for anything else.
/// Through chained assignments: `a = b = None`.
pub fn stand_in(value: Node<'_>, text: &[u8]) -> Option<bool> {
    let mut value = unparenthesize(value);
    while value.kind() == "assignment" {
        value = unparenthesize(value.child_by_field_name("right")?);
    }
    match value.kind() {
        "none" | "lambda" => Some(false),
        "call" => mock_kind(value.child_by_field_name("function")?, text),
        _ => mock_kind(value, text),
    }
}

/// `Some(false)` for a name or attribute naming a mock class, `Some(true)` for
/// `AsyncMock`.
fn mock_kind(node: Node<'_>, text: &[u8]) -> Option<bool> {
    let (root, parts) = name_chain(unparenthesize(node), text)?;
    let last = parts.last().copied().unwrap_or(root);
    if last == ASYNC_MOCK {
        Some(true)
    } else {
        MOCKS.contains(&last).then_some(false)
    }
}

/// Longest decorator text kept when it is not a dotted name.
const MAX_WRITTEN: usize = 40;

/// The decorators of a `def` (the `definition` of a `decorated_definition`), in
/// order, each as written: the dotted name (`functools.lru_cache` for
/// `@functools.lru_cache(maxsize=None)`: the name that is called), or the expression's
/// text with its blanks squeezed, shortened to 40 characters.
pub fn decorators(def: Node<'_>, text: &[u8]) -> Vec<String> {
    let Some(parent) = def.parent().filter(|p| p.kind() == "decorated_definition") else {
        return Vec::new();
    };
    let mut c = parent.walk();
    let found: Vec<Node<'_>> = parent
        .named_children(&mut c)
        .filter(|n| n.kind() == "decorator")
        .filter_map(|d| {
            d.named_children(&mut d.walk())
                .find(|n| n.kind() != "comment")
        })
        .collect();
    found
        .into_iter()
        .map(|expr| {
            let expr = unparenthesize(expr);
            let called = match expr.kind() {
                "call" => expr.child_by_field_name("function").map(unparenthesize),
                _ => Some(expr),
            };
            if let Some((root, parts)) = called.and_then(|n| name_chain(n, text)) {
                return std::iter::once(root)
                    .chain(parts)
                    .collect::<Vec<_>>()
                    .join(".");
            }
            let written = String::from_utf8_lossy(&text[expr.byte_range()]);
            let squeezed = written.split_whitespace().collect::<Vec<_>>().join(" ");
            match squeezed.char_indices().nth(MAX_WRITTEN) {
                Some((cut, _)) => format!("{}…", &squeezed[..cut]),
                None => squeezed,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::python::parse::parse;

    /// The first node of `kind` in `src`, given to `f`.
    fn first_of(src: &str, kind: &str, f: impl FnOnce(Node<'_>)) {
        let tree = parse(src.as_bytes());
        let mut todo = vec![tree.root_node()];
        while let Some(n) = todo.pop() {
            if n.kind() == kind {
                return f(n);
            }
            let mut c = n.walk();
            let mut kids: Vec<Node<'_>> = n.named_children(&mut c).collect();
            kids.reverse();
            todo.extend(kids);
        }
        panic!("no {kind} in {src:?}");
    }

    #[test]
    fn handlers_that_run_when_an_import_fails() {
        let cases = [
            ("except ImportError:", true),
            ("except ModuleNotFoundError as e:", true),
            ("except (ValueError, ImportError):", true),
            ("except (ImportError, ModuleNotFoundError) as e:", true),
            ("except builtins.ImportError:", true),
            ("except Exception:", true),
            ("except:", true),
            ("except ValueError:", false),
            ("except (KeyError, AttributeError) as e:", false),
            ("except ImportErrors:", false),
        ];
        for (clause, want) in cases {
            let src = format!("try:\n    from m import f\n{clause}\n    f = None\n");
            first_of(&src, "except_clause", |n| {
                assert_eq!(catches_import_error(n, src.as_bytes()), want, "{clause}")
            });
        }
    }

    #[test]
    fn stand_ins_by_what_they_are_written_as() {
        let cases = [
            ("None", Some(false)),
            ("(None)", Some(false)),
            ("lambda *a, **k: None", Some(false)),
            ("MagicMock", Some(false)),
            ("MagicMock()", Some(false)),
            ("mock.Mock(return_value=1)", Some(false)),
            ("unittest.mock.MagicMock", Some(false)),
            ("g = None", Some(false)),
            ("AsyncMock", Some(true)),
            ("AsyncMock(return_value=1)", Some(true)),
            ("mock.AsyncMock()", Some(true)),
            ("other", None),
            ("make_mock()", None),
            ("MagicMock().child", None),
            ("1", None),
        ];
        for (value, want) in cases {
            let src = format!("f = {value}\n");
            first_of(&src, "assignment", |n| {
                let right = n.child_by_field_name("right").unwrap();
                assert_eq!(stand_in(right, src.as_bytes()), want, "{value}")
            });
        }
    }

    #[test]
    fn decorators_as_written() {
        let src = "@functools.lru_cache(maxsize=None)\n@ sync_to_async\n@(wrap)\n@registry[\"a   key\"].register_this_long_name(1)\n@x.y . z\ndef f(): pass\n";
        first_of(src, "function_definition", |n| {
            assert_eq!(
                decorators(n, src.as_bytes()),
                [
                    "functools.lru_cache",
                    "sync_to_async",
                    "wrap",
                    "registry[\"a key\"].register_this_long_nam…",
                    "x.y.z",
                ]
            )
        });
        first_of("def g(): pass\n", "function_definition", |n| {
            assert!(decorators(n, b"def g(): pass\n").is_empty())
        });
    }
}
