//! Judging the type a checker reports for an awaited operand: is it surely not
//! awaitable, so that the `await` can go? A type is split into its union members
//! (`A | B`, `Union[A, B]`, `Optional[A]`, brackets nested); the await stays when any
//! member may be awaitable. The checker proves that the whole type is not awaitable,
//! but in a union it proves that of no member in particular, so a member is trusted
//! only when it is not known or named as an awaitable. Never guess towards removal.

use super::Checker;

/// What the reported type says about an await.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeVerdict {
    /// No member may be awaitable: the await can go.
    NotAwaitable { type_text: String },
    /// `member` may be awaitable (an awaitable such as `Task`, `Unknown`, `Any`, a
    /// type variable, an intersection, a protocol with `__await__`).
    MayBeAwaitable { type_text: String, member: String },
    /// An async context manager: the fix is `async with`, not removing the await.
    AsyncContextManager { type_text: String },
    /// An async iterator or generator: the fix is `async for`.
    AsyncIterator { type_text: String },
    /// pyright or pyrefly named only the members that are not awaitable; a member they
    /// do not name may be awaitable ([`Checker::names_members_only`]).
    MembersOnly {
        checker: Checker,
        members: Vec<String>,
    },
    /// The checker gave no type (or one that does not read as a type).
    Unknown,
}

impl TypeVerdict {
    /// May the await go?
    pub fn fixes(&self) -> bool {
        matches!(self, TypeVerdict::NotAwaitable { .. })
    }

    /// The reason, as a person reads it.
    pub fn describe(&self) -> String {
        match self {
            TypeVerdict::NotAwaitable { type_text } => {
                format!("type `{type_text}` is not awaitable")
            }
            TypeVerdict::MayBeAwaitable { type_text, member } if member == type_text => {
                format!("type `{type_text}` may be awaitable")
            }
            TypeVerdict::MayBeAwaitable { type_text, member } => {
                format!("type `{type_text}` may be awaitable (`{member}`)")
            }
            TypeVerdict::AsyncContextManager { .. } => {
                "async context manager: use `async with`".to_string()
            }
            TypeVerdict::AsyncIterator { .. } => "async iterator: use `async for`".to_string(),
            TypeVerdict::MembersOnly { checker, members } => {
                let named: Vec<String> = members.iter().map(|m| format!("`{m}`")).collect();
                format!(
                    "{checker} names only the members of the type that are not awaitable ({}); \
                     a member it does not name may be awaitable",
                    named.join(", ")
                )
            }
            TypeVerdict::Unknown => "the checker reported no type".to_string(),
        }
    }
}

/// What one member is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Member {
    Plain,
    MayBeAwaitable,
    AsyncContextManager,
    AsyncIterator,
}

/// Awaitable types by their last name (`asyncio.Task` is `Task`).
const AWAITABLE: &[&str] = &[
    "Awaitable",
    "AwaitableGenerator",
    "AsyncMock",
    "Coroutine",
    "CoroutineType",
    "Deferred",
    "Future",
    "Generator",
    "GeneratorType",
    "Task",
];

/// Names that say "any type": the checker could not tell.
const UNKNOWN: &[&str] = &[
    "Unknown",
    "Any",
    "Incomplete",
    "object",
    "Never",
    "NoReturn",
];

const ASYNC_CONTEXT_MANAGERS: &[&str] = &[
    "_AsyncGeneratorContextManager",
    "AbstractAsyncContextManager",
    "AsyncContextManager",
    "AsyncExitStack",
];

const ASYNC_ITERATORS: &[&str] = &[
    "AsyncGenerator",
    "AsyncGeneratorType",
    "AsyncIterable",
    "AsyncIterator",
];

/// Judge the type text a checker reported for an awaited operand.
pub fn classify(type_text: &str) -> TypeVerdict {
    let type_text = type_text.trim();
    let Some(members) = members(type_text) else {
        return TypeVerdict::Unknown;
    };
    let whole = || type_text.to_string();
    let kinds: Vec<(Member, &str)> = members.iter().map(|m| (member(m), *m)).collect();
    if let Some((_, m)) = kinds.iter().find(|(k, _)| *k == Member::MayBeAwaitable) {
        TypeVerdict::MayBeAwaitable {
            type_text: whole(),
            member: m.to_string(),
        }
    } else if kinds.iter().any(|(k, _)| *k == Member::AsyncContextManager) {
        TypeVerdict::AsyncContextManager { type_text: whole() }
    } else if kinds.iter().any(|(k, _)| *k == Member::AsyncIterator) {
        TypeVerdict::AsyncIterator { type_text: whole() }
    } else {
        TypeVerdict::NotAwaitable { type_text: whole() }
    }
}

/// The union members of `text`, `Union[...]` and `Optional[...]` opened; `None` when
/// the brackets or quotes do not balance or a member is empty.
fn members(text: &str) -> Option<Vec<&str>> {
    let mut out = Vec::new();
    for part in split_top(text, '|')? {
        let part = part.trim();
        let (head, args) = head_and_args(part);
        match (last_name(head), args) {
            ("Union", Some(args)) => {
                for a in split_top(args, ',')? {
                    out.extend(members(a)?);
                }
            }
            ("Optional", Some(args)) => {
                out.extend(members(args)?);
                out.push("None");
            }
            _ if part.is_empty() => return None,
            _ => out.push(part),
        }
    }
    Some(out)
}

/// `text` split at `sep` outside brackets, parentheses, angle brackets and quotes.
fn split_top(text: &str, sep: char) -> Option<Vec<&str>> {
    let mut parts = Vec::new();
    let mut depth: Vec<char> = Vec::new();
    let mut quote: Option<char> = None;
    let mut start = 0;
    let mut prev = '\0';
    for (i, c) in text.char_indices() {
        match quote {
            Some(q) if c == q && prev != '\\' => quote = None,
            Some(_) => {}
            None => match c {
                '\'' | '"' => quote = Some(c),
                '[' => depth.push(']'),
                '(' => depth.push(')'),
                '{' => depth.push('}'),
                '<' => depth.push('>'),
                // `->` in a callable's text is not an angle bracket.
                '>' if prev == '-' => {}
                // A closing bracket must close the innermost one open.
                ']' | ')' | '}' | '>' => depth.pop().filter(|&open| open == c).map(drop)?,
                _ if c == sep && depth.is_empty() => {
                    parts.push(&text[start..i]);
                    start = i + c.len_utf8();
                }
                _ => {}
            },
        }
        prev = c;
    }
    if !depth.is_empty() || quote.is_some() {
        return None;
    }
    parts.push(&text[start..]);
    Some(parts)
}

/// `Task[int]` → (`Task`, `Some("int")`); `str` → (`str`, `None`).
fn head_and_args(member: &str) -> (&str, Option<&str>) {
    match member.find('[') {
        Some(open) if member.ends_with(']') => (
            member[..open].trim(),
            Some(&member[open + 1..member.len() - 1]),
        ),
        _ => (member, None),
    }
}

/// `asyncio.tasks.Task` → `Task`.
fn last_name(head: &str) -> &str {
    head.rsplit('.').next().unwrap_or(head)
}

fn member(text: &str) -> Member {
    if text.contains("__await__") {
        return Member::MayBeAwaitable;
    }
    if text.contains("__aenter__") {
        return Member::AsyncContextManager;
    }
    // An intersection (`X & <Protocol ...>`, ty) or a negation may be anything.
    if text.starts_with('~') || split_top(text, '&').is_none_or(|p| p.len() > 1) {
        return Member::MayBeAwaitable;
    }
    // ty writes a type variable as `T@function`, and its placeholders as `@Todo(...)`.
    if text.contains('@') {
        return Member::MayBeAwaitable;
    }
    let (head, _) = head_and_args(text);
    let name = last_name(head);
    if UNKNOWN.contains(&name) || head.starts_with('@') {
        Member::MayBeAwaitable
    } else if ASYNC_CONTEXT_MANAGERS.contains(&name) {
        Member::AsyncContextManager
    } else if ASYNC_ITERATORS.contains(&name) {
        Member::AsyncIterator
    } else if AWAITABLE.iter().any(|a| name.ends_with(a)) {
        // `Task`, and names that say they are one: `TaskHandle` is not, `MyTask` may be.
        Member::MayBeAwaitable
    } else {
        Member::Plain
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixes(t: &str) -> bool {
        classify(t).fixes()
    }

    #[test]
    fn plain_types_from_the_checkers_are_not_awaitable() {
        // ty 0.0.108 and mypy 2.4.1 on tests/fixtures/typecheck.
        for t in [
            "str",
            "None",
            "Client",
            "str | None",
            "Literal['a'] | int",
            "tuple[Task[int], ...]",
            "type[Client]",
            "<class 'Client'>",
            "<module 'app.client'>",
            "bound method Client.get(key: str) -> str",
            "def () -> builtins.int",
            "dict[str, Any]",
        ] {
            assert!(fixes(t), "{t}: {:?}", classify(t));
        }
    }

    #[test]
    fn a_member_that_may_be_awaitable_keeps_the_await() {
        for (t, member) in [
            ("Task[int] | None", "Task[int]"),
            ("Task[Unknown] | None", "Task[Unknown]"),
            ("Optional[asyncio.Task[int]]", "asyncio.Task[int]"),
            ("Union[str, Future[int]]", "Future[int]"),
            (
                "Union[str, Union[int, Coroutine[Any, Any, int]]]",
                "Coroutine[Any, Any, int]",
            ),
            (
                "CoroutineType[Any, Any, None] | Result",
                "CoroutineType[Any, Any, None]",
            ),
            ("Unknown | Result", "Unknown"),
            ("Result | Unknown", "Unknown"),
            ("Any", "Any"),
            ("str | Any", "Any"),
            ("Awaitable[int] | None", "Awaitable[int]"),
            ("AsyncMock", "AsyncMock"),
            ("Deferred[str] | None", "Deferred[str]"),
            ("T@make | None", "T@make"),
            ("@Todo(something)", "@Todo(something)"),
            (
                "Conn & <Protocol with members '__await__'>",
                "Conn & <Protocol with members '__await__'>",
            ),
            ("Client & ~AlwaysFalsy", "Client & ~AlwaysFalsy"),
        ] {
            assert_eq!(
                classify(t),
                TypeVerdict::MayBeAwaitable {
                    type_text: t.to_string(),
                    member: member.to_string()
                },
                "{t}"
            );
        }
    }

    #[test]
    fn async_context_managers_and_iterators_have_their_own_fix() {
        for t in [
            "_AsyncGeneratorContextManager[int, None]",
            "contextlib._AsyncGeneratorContextManager[int]",
            "AbstractAsyncContextManager[Session, bool | None] | None",
        ] {
            assert_eq!(
                classify(t),
                TypeVerdict::AsyncContextManager {
                    type_text: t.to_string()
                }
            );
        }
        assert_eq!(
            classify("AsyncGenerator[Literal[1], Any]").describe(),
            "async iterator: use `async for`"
        );
        // An awaitable member wins: its reason is the one that matters.
        assert!(matches!(
            classify("Task[int] | AsyncExitStack"),
            TypeVerdict::MayBeAwaitable { .. }
        ));
    }

    #[test]
    fn unreadable_types_keep_the_await() {
        for t in ["", "Task[int", "str | ", "Literal['a]", "a]b"] {
            assert_eq!(classify(t), TypeVerdict::Unknown, "{t:?}");
        }
    }

    #[test]
    fn the_reasons_read_as_the_issue_says() {
        assert_eq!(
            classify("Task | None").describe(),
            "type `Task | None` may be awaitable (`Task`)"
        );
        assert_eq!(
            classify("Unknown").describe(),
            "type `Unknown` may be awaitable"
        );
        assert_eq!(
            classify("_AsyncGeneratorContextManager[int, None]").describe(),
            "async context manager: use `async with`"
        );
        assert_eq!(classify("str").describe(), "type `str` is not awaitable");
        let members = TypeVerdict::MembersOnly {
            checker: Checker::Pyright,
            members: vec!["None".into()],
        };
        assert_eq!(
            members.describe(),
            "pyright names only the members of the type that are not awaitable (`None`); \
             a member it does not name may be awaitable"
        );
        assert!(!members.fixes());
    }

    #[test]
    fn arrows_and_quotes_do_not_unbalance() {
        assert_eq!(
            members("def (x: str) -> int | None"),
            Some(vec!["def (x: str) -> int", "None"])
        );
        assert_eq!(
            members("Literal['|'] | int"),
            Some(vec!["Literal['|']", "int"])
        );
    }
}
