//! `--show-settings`: the resolved settings, one per line, as TOML with a comment saying
//! where each value came from.

use crate::setup::settings::Shown;

pub fn render(shown: &[Shown]) -> String {
    // Comments line up after the short lines; a long one (the excludes) just gets its
    // comment after it.
    let width = shown
        .iter()
        .map(|s| s.key.len() + 3 + s.value.len())
        .filter(|&n| n <= 48)
        .max()
        .unwrap_or(0);
    let mut out =
        String::from("# unawait: resolved settings; each comment says where the value came from\n");
    for s in shown {
        let line = format!("{} = {}", s.key, s.value);
        out.push_str(&format!("{line:<width$}  # {}\n", s.origin));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_line_up_after_short_lines() {
        let shown = [
            Shown {
                key: "docs",
                value: "false".into(),
                origin: "default".into(),
            },
            Shown {
                key: "functions",
                value: "[\"a\"]".into(),
                origin: "pyproject.toml".into(),
            },
        ];
        assert_eq!(
            render(&shown).lines().skip(1).collect::<Vec<_>>(),
            [
                "docs = false       # default",
                "functions = [\"a\"]  # pyproject.toml"
            ]
        );
    }
}
