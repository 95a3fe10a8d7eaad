//! The command line, as clap sees it.
//!
//! This module only describes and validates flags; it does no file I/O. The flags are
//! merged with the configuration file into a `Settings` once, in `settings.rs`, and the
//! rest of the program sees only that.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "unawait",
    version,
    about = "Remove `await` from calls to synchronous functions in Python code",
    long_about = "Finds `await` on calls to functions that are not coroutine functions — the bug \
behind `TypeError: object X can't be used in 'await' expression` — and removes exactly that \
`await`, keeping every other byte of the file."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print a unified diff of the fixes; change nothing on disk.
    Diff {
        #[command(flatten)]
        common: Common,
        /// Exit with status 1 when there are changes.
        #[arg(long)]
        exit_code: bool,
    },
    /// Rewrite files in place, atomically.
    Fix {
        #[command(flatten)]
        common: Common,
        /// Keep each original as FILE + SUFFIX (default `.orig`); an existing backup is
        /// never overwritten: that file is skipped instead.
        #[arg(long, value_name = "SUFFIX", num_args = 0..=1, require_equals = true, default_missing_value = ".orig")]
        backup: Option<String>,
        /// Show each change and ask whether to make it: [y]es, [n]o, [a]ll, [q]uit.
        /// Answers are read from stdin, one per line.
        #[arg(short, long)]
        interactive: bool,
        /// Exit with status 1 when anything was fixed (as ruff's flag), for CI jobs and
        /// hooks that must fail after rewriting files.
        #[arg(long)]
        exit_non_zero_on_fix: bool,
        /// After the run, list on stderr each changed file with the number of awaits
        /// fixed in it (printed even with `-q`).
        #[arg(long)]
        show_fixes: bool,
    },
    /// Write a patch that `git apply` and `patch -p1` accept from the repository root.
    Patch {
        #[command(flatten)]
        common: Common,
        /// Where to write the patch (`-` for stdout).
        #[arg(short, long, value_name = "FILE", default_value = "-")]
        output: PathBuf,
    },
    /// Report findings; exit 1 when there are any.
    Check {
        #[command(flatten)]
        common: Common,
        /// How to print findings: `text` (`path:line:col: UNA001 message`), `json` (one
        /// versioned document), `github` (workflow commands), `sarif` (SARIF 2.1.0).
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        output_format: OutputFormat,
        /// Print the JSON schema of `--output-format json` and exit.
        #[arg(long)]
        schema: bool,
    },
    /// List synchronous functions of the tree that are awaited somewhere.
    Suggest {
        #[command(flatten)]
        common: Common,
        /// How to print suggestions: `text` (a table and a snippet to paste) or `json`.
        #[arg(long, value_enum, default_value_t = SuggestFormat::Text)]
        output_format: SuggestFormat,
    },
    /// Print a shell completion script (e.g. `unawait completions bash > unawait.bash`).
    Completions {
        /// The shell to write completions for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SuggestFormat {
    Text,
    Json,
}

impl Command {
    /// The options every file-processing command shares; `None` for `completions`.
    pub fn common(&self) -> Option<&Common> {
        match self {
            Command::Diff { common, .. }
            | Command::Fix { common, .. }
            | Command::Patch { common, .. }
            | Command::Check { common, .. }
            | Command::Suggest { common, .. } => Some(common),
            Command::Completions { .. } => None,
        }
    }
}

/// `check`'s output formats (described with `--output-format`, so that every
/// subcommand's help has one layout).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
    Github,
    Sarif,
}

/// The type checkers `--type-checker` runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TypeChecker {
    Ty,
    Pyright,
    Mypy,
    Pyrefly,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args, Clone)]
pub struct Common {
    /// Files or folders to process (default: the current folder); `-` reads one file's
    /// source on stdin.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// With `-`: the path the source on stdin belongs to. Configuration, excludes and
    /// the file type follow this path; names in the output use it.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,

    /// A synchronous function, by bare or qualified name (repeatable). With `-f` or
    /// `--method` on the command line, the configuration's `functions` and `methods`
    /// are both replaced (its `replace-with` still applies).
    #[arg(
        short = 'f',
        long = "function",
        value_name = "NAME",
        help_heading = "Rules"
    )]
    pub functions: Vec<String>,

    /// A synchronous method name to match on any receiver (`obj.NAME(...)`;
    /// repeatable). Like `-f`, replaces the configuration's `functions` and `methods`.
    #[arg(long = "method", value_name = "NAME", help_heading = "Rules")]
    pub methods: Vec<String>,

    /// Keep the await and rename OLD to its async twin NEW (repeatable; added to the
    /// configuration's `replace-with`).
    #[arg(long = "replace-with", value_name = "OLD=NEW", value_parser = parse_pair, help_heading = "Rules")]
    pub replace_with: Vec<(String, String)>,

    /// Also change awaits inside `pytest.raises(TypeError)` / `assertRaises(TypeError)`.
    #[arg(long, help_heading = "Rules")]
    pub no_keep_in_raises: bool,

    /// Exit 2 when a rule matches no await and names nothing the project defines (a
    /// misspelt name, a module that is not in the tree); without it, a warning.
    #[arg(long, help_heading = "Rules")]
    pub strict: bool,

    /// Fix what a type checker proves: read its output from FILE (`-` for stdin), its
    /// format told from the content: ty `check --output-format gitlab` or `sarif`,
    /// pyright `--outputjson`, mypy `-O json`, pyrefly `check --output-format sarif`.
    /// With rules as well, only the flagged awaits a rule names are fixed.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "type_checker",
        help_heading = "Type checker"
    )]
    pub diagnostics: Option<PathBuf>,

    /// Run this type checker on the scanned files (in the project root, found on PATH
    /// or as `python3 -m`) and fix what it proves, as with --diagnostics.
    #[arg(
        long,
        value_enum,
        value_name = "CHECKER",
        help_heading = "Type checker"
    )]
    pub type_checker: Option<TypeChecker>,

    /// Read settings from FILE instead of the nearest unawait.toml / pyproject.toml.
    #[arg(long, value_name = "FILE", help_heading = "Configuration")]
    pub config: Option<PathBuf>,

    /// Print the resolved settings (rules, excludes, roots, and where each value came
    /// from) and exit.
    #[arg(long, help_heading = "Configuration")]
    pub show_settings: bool,

    /// Skip paths matching GLOB (repeatable; adds to the configuration's excludes).
    #[arg(long, value_name = "GLOB", help_heading = "Files")]
    pub exclude: Vec<String>,

    /// Apply the excludes to paths named on the command line too (for pre-commit and
    /// editors, which name every file).
    #[arg(long, help_heading = "Files")]
    pub force_exclude: bool,

    /// Do not respect .gitignore, .ignore or the default excludes.
    #[arg(long, help_heading = "Files")]
    pub no_ignore: bool,

    /// Also look at Python blocks in Markdown and reST files found in walks, and doctest
    /// examples in docstrings (config `docs`).
    #[arg(long, help_heading = "Files")]
    pub docs: bool,

    /// Number of worker threads (default: all cores).
    #[arg(short = 'j', long, value_name = "N", help_heading = "Output and speed")]
    pub threads: Option<usize>,

    /// When to colour the output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, help_heading = "Output and speed")]
    pub color: ColorChoice,

    /// Print no summary or notes on stderr (errors are still printed).
    #[arg(short, long, help_heading = "Output and speed")]
    pub quiet: bool,

    /// Say more on stderr: every await left on a rule's name (not only the first 20),
    /// each mention of a rule's call in strings and comments, and under `fix` what
    /// `--show-fixes` lists.
    #[arg(
        short,
        long,
        conflicts_with = "quiet",
        help_heading = "Output and speed"
    )]
    pub verbose: bool,
}

/// The command line's description, with what one subcommand's flag does said in that
/// subcommand's words (`--docs` fixes under `fix`, checks under `check`).
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    let docs = [
        ("diff", "Also diff"),
        ("fix", "Also fix"),
        ("patch", "Also put into the patch the fixes of"),
        ("check", "Also check"),
        ("suggest", "Also survey"),
    ];
    let mut cmd = Cli::command();
    for (name, verb) in docs {
        cmd = cmd.mut_subcommand(name, |sub| {
            sub.mut_arg("docs", |a| {
                // `suggest` surveys code, never docstrings.
                let doctests = if name == "suggest" {
                    ""
                } else {
                    ", and doctest examples in docstrings"
                };
                a.help(format!(
                    "{verb} Python blocks in Markdown and reST files found in walks{doctests} (config `docs`)"
                ))
            })
        });
    }
    // `suggest` lists what the checker flags; it fixes nothing.
    cmd.mut_subcommand("suggest", |sub| {
        sub.mut_arg("diagnostics", |a| {
            a.help(
                "List the callees of the awaits a type checker flagged, instead of the survey \
by names: read its output from FILE (`-` for stdin), its format told from the content: ty \
`check --output-format gitlab` or `sarif`, pyright `--outputjson`, mypy `-O json`, pyrefly \
`check --output-format sarif`. Each function or method is listed with its flagged awaits, how \
many `fix --diagnostics` would fix, keep or leave (and why), and confidence `proven` when \
the checker proves every one of them not awaitable",
            )
        })
        .mut_arg("type_checker", |a| {
            a.help(
                "Run this type checker on the scanned files (in the project root, found on PATH \
or as `python3 -m`) and list the callees it flags, as with --diagnostics",
            )
        })
    })
}

/// Parse the process's arguments (clap exits on `--help`, `--version` and errors).
pub fn parse() -> Cli {
    use clap::FromArgMatches;
    let matches = command().get_matches();
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

fn parse_pair(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((a, b)) if !a.is_empty() && !b.is_empty() => {
            Ok((a.trim().to_string(), b.trim().to_string()))
        }
        _ => Err(format!("expected OLD=NEW, got `{s}`")),
    }
}

/// `suggest` only lists candidates for rules: refuse the flags it has no use for,
/// rather than ignore them. `Err` says which flag and why.
pub fn refuse_unused_by_suggest(common: &Common) -> Result<(), String> {
    let unused = [
        (
            !common.replace_with.is_empty(),
            "--replace-with",
            "it changes no call; give the async twin to `diff`, `fix`, `patch` or `check`",
        ),
        (
            common.no_keep_in_raises,
            "--no-keep-in-raises",
            "it never counts awaits in blocks that expect a `TypeError`",
        ),
        (
            common.strict,
            "--strict",
            "its rules only mark what is already configured",
        ),
        (
            common.docs,
            "--docs",
            "it reads Python files only, not Markdown or reST",
        ),
        (
            common.stdin_filename.is_some(),
            "--stdin-filename",
            "it needs a tree to look at, not stdin",
        ),
    ];
    match unused.iter().find(|(given, _, _)| *given) {
        Some((_, flag, why)) => Err(format!("`suggest` does not take {flag}: {why}")),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
        command().debug_assert();
    }

    #[test]
    fn docs_is_described_in_each_subcommand_s_words() {
        let mut cmd = command();
        let fix = cmd.find_subcommand_mut("fix").unwrap();
        let help = fix.render_help().to_string();
        assert!(help.contains("Also fix Python blocks"), "{help}");
        let check = cmd.find_subcommand_mut("check").unwrap();
        let help = check.render_help().to_string();
        assert!(help.contains("Also check Python blocks"), "{help}");
        assert!(!help.contains("Also fix"), "{help}");
    }

    #[test]
    fn backup_suffix_is_optional() {
        let cli = Cli::try_parse_from(["unawait", "fix", "--backup", "x.py"]).unwrap();
        match cli.command {
            Command::Fix { backup, common, .. } => {
                assert_eq!(backup.as_deref(), Some(".orig"));
                assert_eq!(common.paths, vec![PathBuf::from("x.py")]);
            }
            _ => panic!(),
        }
        let cli = Cli::try_parse_from(["unawait", "fix", "--backup=.bak"]).unwrap();
        assert!(matches!(cli.command, Command::Fix { backup: Some(ref s), .. } if s == ".bak"));
    }

    #[test]
    fn replace_with_pairs() {
        assert_eq!(parse_pair("a.b=c").unwrap(), ("a.b".into(), "c".into()));
        assert!(parse_pair("a").is_err());
    }
}
