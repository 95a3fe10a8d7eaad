//! Paths as people and patch tools see them.
//!
//! Diff and patch headers name files relative to the git top level (the current folder
//! outside git), with `/` separators and git's C-style quoting for unusual names, so that
//! `git apply` and `patch -p1` accept the output from the repository root. Nothing here
//! touches file contents.

use std::path::{Component, Path, PathBuf};

/// The folder that diff paths are relative to: the git top level above `cwd`, or `cwd`.
pub fn diff_base(cwd: &Path) -> PathBuf {
    let mut dir = Some(cwd);
    while let Some(d) = dir {
        if d.join(".git").exists() {
            return d.to_path_buf();
        }
        dir = d.parent();
    }
    cwd.to_path_buf()
}

/// Make `path` absolute against `cwd` and remove `.` and `..` components lexically.
pub fn absolute(cwd: &Path, path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    };
    let mut out = PathBuf::new();
    for comp in joined.components() {
        match comp {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// `path` relative to `base` as raw bytes with `/` separators; `path` itself when it is
/// not inside `base`.
pub fn relative_bytes(base: &Path, path: &Path) -> Vec<u8> {
    // Both are absolute: climb from `base` to the shared ancestor, then down to `path`.
    let base_parts: Vec<Component<'_>> = base.components().collect();
    let path_parts: Vec<Component<'_>> = path.components().collect();
    let shared = base_parts
        .iter()
        .zip(&path_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts: Vec<Vec<u8>> = vec![b"..".to_vec(); base_parts.len() - shared];
    parts.extend(path_parts[shared..].iter().map(|c| os_bytes(c.as_os_str())));
    parts.join(&b'/')
}

/// The key output is sorted by: the displayed path's bytes.
pub fn sort_key(path: &Path) -> Vec<u8> {
    let bytes = os_bytes(path.as_os_str());
    match bytes.strip_prefix(b"./") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    }
}

/// The bytes of an OS string (lossless on Unix).
pub fn os_bytes(s: &std::ffi::OsStr) -> Vec<u8> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        s.as_bytes().to_vec()
    }
    #[cfg(not(unix))]
    {
        s.to_string_lossy().replace('\\', "/").into_bytes()
    }
}

/// A path for messages to people: the path as walked, without a leading `./`.
pub fn display(path: &Path) -> String {
    let s = path.to_string_lossy();
    s.strip_prefix("./").unwrap_or(&s).to_string()
}

/// `path` as one word for a POSIX shell, for commands printed for people to paste
/// (`rm -- a.py.orig`), without a leading `./`: as it is when it holds only characters
/// no shell treats specially, else in single quotes. `None` when it is not UTF-8, since
/// the message could not show it faithfully.
pub fn shell_word(path: &Path) -> Option<String> {
    let s = path.to_str()?;
    let s = s.strip_prefix("./").unwrap_or(s);
    let plain = |c: char| c.is_ascii_alphanumeric() || "_-./+,:@%=".contains(c);
    if !s.is_empty() && s.chars().all(plain) {
        Some(s.to_string())
    } else {
        Some(format!("'{}'", s.replace('\'', "'\\''")))
    }
}

/// Does git quote this name (with `core.quotePath` at its default)?
fn needs_quoting(name: &[u8]) -> bool {
    name.iter()
        .any(|&b| b == b'"' || b == b'\\' || !(0x20..0x7f).contains(&b))
}

/// `prefix` + `name`, quoted as git does (`"a/na\tme"`) when the name needs it.
pub fn git_quote(prefix: &str, name: &[u8]) -> Vec<u8> {
    let mut full = prefix.as_bytes().to_vec();
    full.extend_from_slice(name);
    if !needs_quoting(&full) {
        return full;
    }
    let mut out = vec![b'"'];
    for &b in &full {
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\x07' => out.extend_from_slice(b"\\a"),
            b'\x08' => out.extend_from_slice(b"\\b"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\x0b' => out.extend_from_slice(b"\\v"),
            b'\x0c' => out.extend_from_slice(b"\\f"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b if !(0x20..0x7f).contains(&b) => {
                out.extend_from_slice(format!("\\{b:03o}").as_bytes())
            }
            b => out.push(b),
        }
    }
    out.push(b'"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_are_not_quoted() {
        assert_eq!(git_quote("a/", b"src/x y.py"), b"a/src/x y.py");
    }

    #[test]
    fn unusual_names_are_quoted_like_git() {
        assert_eq!(
            git_quote("a/", b"t\"ab\tc.py"),
            b"\"a/t\\\"ab\\tc.py\"".to_vec()
        );
        assert_eq!(
            git_quote("b/", "é.py".as_bytes()),
            b"\"b/\\303\\251.py\"".to_vec()
        );
        assert_eq!(
            git_quote("a/", b"new\nline.py"),
            b"\"a/new\\nline.py\"".to_vec()
        );
    }

    #[test]
    fn relative_uses_forward_slashes() {
        let base = Path::new("/repo");
        assert_eq!(
            relative_bytes(base, Path::new("/repo/pkg/mod.py")),
            b"pkg/mod.py"
        );
        assert_eq!(
            absolute(Path::new("/repo/sub"), Path::new("../x/./y.py")),
            PathBuf::from("/repo/x/y.py")
        );
    }

    #[test]
    fn shell_words_quote_what_a_shell_would_read() {
        let word = |p: &str| shell_word(Path::new(p)).unwrap();
        assert_eq!(word("./src/a_b-1.py.orig"), "src/a_b-1.py.orig");
        assert_eq!(word("uni code.py.orig"), "'uni code.py.orig'");
        assert_eq!(word("it's $HOME*.py"), "'it'\\''s $HOME*.py'");
        assert_eq!(word("é.py"), "'é.py'");
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let latin1 = std::ffi::OsStr::from_bytes(b"caf\xe9.py");
            assert_eq!(shell_word(Path::new(latin1)), None);
        }
    }

    #[test]
    fn display_strips_dot_slash() {
        assert_eq!(display(Path::new("./a/b.py")), "a/b.py");
    }
}
