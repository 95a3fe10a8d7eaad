#!/usr/bin/env python3
"""Compare unawait with ast-grep, sed and grep/ripgrep on the same corpus and jobs.

For each job (a set of rule names) it times, on the pristine corpus:
  unawait check / unawait diff, ast-grep's dry run, and `grep -rl` / `rg -l` (the cost
  of just reading the files); then, each on a fresh copy of the corpus:
  unawait fix, ast-grep -U and the naive `sed -i 's/await NAME(/NAME(/g'`.
Every timing is the median wall time of --runs runs (after one warm-up run of the
dry commands, which run interleaved: one run of each in turn, --runs times), with the
largest peak RSS seen (GNU time's %M of the process tree). The `suggest` job times
`unawait suggest` against ast-grep's `await $F($$$A)` (every awaited call), and fixes
nothing.
The independent judge (bench/judge.py) then checks the three fixed trees of each job
and counts the files each tool got wrong.

    cargo build --release
    python3 bench/compare.py                       # full corpus, 5 runs, all jobs
    python3 bench/compare.py --runs 3 --job rare   # one job
    python3 bench/compare.py --smoke --runs 1      # the small corpus

Prints a Markdown table on stdout and writes CACHE/results/compare.json. Tools:
target/release/unawait (or --unawait), ast-grep-cli from PyPI in CACHE/venv (made
here), grep, and rg when on PATH. Standard library only.
"""

import argparse
import functools
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple, Optional

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import corpus  # noqa: E402

AST_GREP = "ast-grep-cli==0.51.1"

# name, functions (-f), methods (--method), what it shows.
JOBS = [
    ("nowhere", ["get_websocket_manager"], [],
     "a name that occurs nowhere: the cost of reading the tree"),
    ("rare", ["sync_to_async", "greenlet_spawn", "get_async_backend"], [],
     "names in a small share of files; `await sync_to_async(f)()` and "
     "`await get_async_backend().x()` must stay"),
    ("chains", ["super", "get_instance", "get_running_loop", "async_get_clientsession",
                "sleep", "gather"], [],
     "`await super().f()` (618 sites) and other call chains must stay; "
     "`asyncio.sleep`/`gather` go; anyio's own `async def sleep` stays"),
    ("methods", [], ["async_add_executor_job", "async_forward_entry_setups",
                     "async_unload_platforms", "async_set_unique_id"],
     "method rules on any receiver: thousands of edits"),
    ("broad", ["get"], [],
     "a name in nearly every file that has an `await`, but rarely awaited itself: the "
     "prefilter's closer look turns most of those files away"),
    ("dense", [], ["get"],
     "a method rule on that name (any receiver, so no closer look): nearly every file "
     "with an `await` is parsed"),
    ("suggest", [], [],
     "`unawait suggest` (no rules): which synchronous functions of the tree are awaited; "
     "ast-grep lists every awaited call (`await $F($$$A)`)"),
]


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def pick_python():
    """The newest CPython >= 3.11 here, so the judge parses the newest syntax."""
    cands = ["python3.13", "python3.12"]
    pyenv = Path.home() / ".pyenv" / "versions"
    if pyenv.is_dir():
        for v in sorted(pyenv.iterdir(), reverse=True):
            cands.append(str(v / "bin" / "python3"))
    cands.append(sys.executable)
    best = None
    for c in cands:
        try:
            out = subprocess.run([c, "-c", "import sys; print(sys.version_info[:2])"],
                                 capture_output=True, text=True, timeout=20)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if out.returncode != 0:
            continue
        ver = tuple(int(x) for x in re.findall(r"\d+", out.stdout)[:2])
        if ver >= (3, 11) and (best is None or ver > best[0]):
            best = (ver, c)
    return best[1] if best else sys.executable


def ensure_ast_grep(cache):
    venv = cache / "venv"
    exe = venv / "bin" / "ast-grep"
    if not exe.exists():
        log(f"installing {AST_GREP} into {venv}")
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet",
                        "--disable-pip-version-check", AST_GREP], check=True)
    return str(exe)


# GNU time, for the peak RSS of a command and its children (none: RSS is not measured).
TIME = "/usr/bin/time" if os.path.exists("/usr/bin/time") else None


def run_once(cmd, cwd=None):
    """(wall seconds, peak RSS in MB, exit code, stderr text) of one run. Peak RSS is
    GNU time's %M (the largest resident set of the process and its children), so the
    forked Python that starts the command does not count."""
    with tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile("r") as mem:
        if isinstance(cmd, str):
            cmd = ["/bin/bash", "-c", cmd]
        if TIME:
            cmd = [TIME, "-f", "%M", "-o", mem.name, *cmd]
        t0 = time.perf_counter()
        p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err)
        wall = time.perf_counter() - t0
        err.seek(0)
        text = err.read().decode(errors="replace")
        kb = mem.read().strip().splitlines()
    rss = float(kb[-1]) / 1024 if kb and kb[-1].isdigit() else float("nan")
    return wall, rss, p.returncode, text


def summarize(samples):
    """Median wall time, max RSS, and the last exit code and stderr of `run_once`
    samples."""
    walls = [w for w, _, _, _ in samples]
    _, _, code, err = samples[-1]
    return {"median": statistics.median(walls), "min": min(walls), "max": max(walls),
            "rss_mb": max(r for _, r, _, _ in samples), "exit": code,
            "stderr_tail": err.strip().splitlines()[-3:]}


def timed(cmd, runs, warmup=True, prepare=None):
    """Median wall time, max RSS and the last stderr over `runs` runs."""
    if warmup and prepare is None:
        run_once(cmd)
    samples = []
    for _ in range(runs):
        cwd = prepare() if prepare else None
        samples.append(run_once(cmd if cwd is None else cmd(cwd)))
    return summarize(samples)


def timed_together(cmds, runs):
    """`timed` for several commands, interleaved: a warm-up run of each, then `runs`
    rounds of one run of each in turn, so that the machine's noise falls on all alike."""
    for cmd in cmds.values():
        run_once(cmd)
    samples = {name: [] for name in cmds}
    for _ in range(runs):
        for name, cmd in cmds.items():
            samples[name].append(run_once(cmd))
    return {name: summarize(got) for name, got in samples.items()}


def rule_flags(funcs, methods):
    out = []
    for f in funcs:
        out += ["-f", f]
    for m in methods:
        out += ["--method", m]
    return out


def ast_grep_cmd(exe, funcs, methods, path, update):
    """The plan's ast-grep rewrite: `await NAME($$$A)` -> `NAME($$$A)`; for several
    names one inline rule with a regex constraint (one parse of each file)."""
    if len(funcs) == 1 and not methods:
        n = funcs[0]
        cmd = [exe, "run", "-l", "python", "-p", f"await {n}($$$A)", "-r", f"{n}($$$A)"]
    else:
        docs = []
        if funcs:
            docs.append(
                "id: unawait-f\nlanguage: python\nrule:\n  pattern: await $F($$$A)\n"
                f"constraints:\n  F:\n    regex: '^({'|'.join(funcs)})$'\nfix: $F($$$A)\n")
        if methods:
            docs.append(
                "id: unawait-m\nlanguage: python\nrule:\n  pattern: await $O.$M($$$A)\n"
                f"constraints:\n  M:\n    regex: '^({'|'.join(methods)})$'\nfix: $O.$M($$$A)\n")
        cmd = [exe, "scan", "--inline-rules", "---\n".join(docs)]
    if update:
        cmd.append("-U")
    return cmd + [path]


def sed_script(funcs, methods):
    parts = []
    if funcs:
        parts.append(f"s/await ({'|'.join(funcs)})\\(/\\1(/g")
    if methods:
        parts.append(f"s/await (([A-Za-z_][A-Za-z0-9_]*\\.)+)({'|'.join(methods)})\\(/\\1\\3(/g")
    return "; ".join(parts)


def sh_quote(s):
    return "'" + s.replace("'", "'\\''") + "'"


def parse_summary(stderr_lines):
    """The file counts of unawait's summary line, and the line itself."""
    text = " ".join(stderr_lines)
    m = re.search(r"(\d+) files? scanned \((\d+) parsed\)", text)
    return {"scanned": int(m.group(1)) if m else None, "parsed": int(m.group(2)) if m else None,
            "summary": text}


def count_files_with(pattern, root):
    """How many `.py` files under `root` contain the extended regex `pattern`."""
    out = subprocess.run(["grep", "-rlEZ", "--include=*.py", pattern, root],
                         capture_output=True)
    return out.stdout.count(b"\0")


def copy_tree(src, dst):
    """Replace `dst` by a fresh copy of `src`; returns `dst`."""
    if os.path.exists(dst):
        shutil.rmtree(dst)
    shutil.copytree(src, dst, symlinks=True)
    return dst


class Tools(NamedTuple):
    """The programs compared; ast-grep and rg are None when absent."""

    unawait: str
    ast_grep: Optional[str]
    rg: Optional[str]


def time_job(tools, root, funcs, methods, runs):
    """The dry commands on the pristine corpus: {command: timing}, and what unawait's
    summary and grep say about the job (files scanned, parsed, containing a name)."""
    flags = rule_flags(funcs, methods)
    pattern = "|".join(funcs + methods)
    cmds = {"unawait check": [tools.unawait, "check", "--no-ignore", *flags, root],
            "unawait diff": [tools.unawait, "diff", "--no-ignore", *flags, root]}
    if tools.ast_grep:
        cmds["ast-grep (dry run)"] = ast_grep_cmd(tools.ast_grep, funcs, methods, root, False)
    cmds["grep -rlE"] = ["grep", "-rlE", "--include=*.py", pattern, root]
    if tools.rg:
        cmds["rg -l"] = [tools.rg, "-l", "--no-ignore", "-g", "*.py", "-e", pattern, root]
    dry = timed_together(cmds, runs)
    info = parse_summary(dry["unawait check"]["stderr_tail"])
    info["files_with_name"] = count_files_with(pattern, root)
    return dry, info


def time_suggest(tools, root, runs):
    """`unawait suggest` against ast-grep listing every awaited call, interleaved."""
    cmds = {"unawait suggest": [tools.unawait, "suggest", "--no-ignore", root]}
    if tools.ast_grep:
        cmds["ast-grep (dry run)"] = [tools.ast_grep, "run", "-l", "python", "-p",
                                      "await $F($$$A)", root]
    cmds["grep -rlE"] = ["grep", "-rlE", "--include=*.py", "await", root]
    if tools.rg:
        cmds["rg -l"] = [tools.rg, "-l", "--no-ignore", "-g", "*.py", "-e", "await", root]
    dry = timed_together(cmds, runs)
    info = parse_summary(dry["unawait suggest"]["stderr_tail"])
    info["files_with_name"] = count_files_with("await", root)
    return dry, info


def fix_commands(tools, funcs, methods):
    """{tool: function(tree) -> the command that fixes `tree` in place}."""
    flags = rule_flags(funcs, methods)
    script = sed_script(funcs, methods)
    commands = {"unawait fix": lambda tree: [tools.unawait, "fix", "--no-ignore", *flags, tree]}
    if tools.ast_grep:
        commands["ast-grep -U"] = lambda tree: ast_grep_cmd(
            tools.ast_grep, funcs, methods, tree, True)
    commands["sed -i"] = lambda tree: (f"find {sh_quote(tree)} -name '*.py' -print0 | "
                                       f"xargs -0 -P 2 -n 256 sed -i -E {sh_quote(script)}")
    return commands


def fix_job(tools, root, work, name, funcs, methods, runs):
    """Each fixing tool, timed on a fresh copy of the corpus per run: {tool: timing},
    and {tool: the tree it left}."""
    fixed, trees = {}, {}
    for tool, command in fix_commands(tools, funcs, methods).items():
        tree = str(work / f"{name}-{tool.split()[0]}")
        fixed[tool] = timed(command, runs, prepare=functools.partial(copy_tree, root, tree))
        trees[tool] = tree
    return fixed, trees


def judge_job(python, root, work, name, trees, funcs, methods):
    """The independent judge on each fixed tree: {tool: verdict counts}, and its time."""
    report_path = work / f"judge-{name}.json"
    cmd = [python, str(HERE / "judge.py"), "--before", root, "--json", str(report_path),
           "--show", "5"]
    for tool, tree in trees.items():
        cmd += ["--after", tree, "--label", tool]
    cmd += rule_flags(funcs, methods)
    t0 = time.perf_counter()
    jr = subprocess.run(cmd, capture_output=True, text=True)
    log(jr.stdout.strip())
    if jr.returncode not in (0, 1):
        log(jr.stderr)
        sys.exit("compare.py: the judge failed")
    report = json.loads(report_path.read_text())
    verdicts = {t: {"wrong": r["wrong"], "unjudged": r["unjudged"],
                    "expected_edits": r["expected_edits"],
                    "files_with_edits": r["files_with_edits"],
                    "examples": r["wrong_files"][:5]} for t, r in report.items()}
    return verdicts, time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--smoke", action="store_true", help="use the small corpus")
    ap.add_argument("--newer", action="store_true", help="use the newer-syntax corpus")
    ap.add_argument("--cache", type=Path, help="corpus cache (see bench/corpus.py)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--job", action="append", help="only these jobs (repeatable)")
    ap.add_argument("--unawait", default=str(HERE.parent / "target" / "release" / "unawait"))
    ap.add_argument("--python", help="Python for the judge (default: newest >= 3.11)")
    ap.add_argument("--no-ast-grep", action="store_true")
    args = ap.parse_args()

    cache = (args.cache or corpus.default_cache(args.smoke)).resolve()
    if args.newer:
        root = str(corpus.build(cache, corpus.NEWER, corpus.NEWER_PYTHON, "ex-newer"))
    else:
        root = str(corpus.build(cache, corpus.SMOKE if args.smoke else corpus.FULL))
    work = cache / ("work-newer" if args.newer else "work")
    work.mkdir(exist_ok=True)
    una = os.path.abspath(args.unawait)
    if not os.path.exists(una):
        sys.exit(f"compare.py: no binary at {una}; run `cargo build --release`")
    tools = Tools(una, None if args.no_ast_grep else ensure_ast_grep(cache), shutil.which("rg"))
    py = args.python or pick_python()
    load = os.getloadavg()
    log(f"corpus {root}; judge python {py}; load {load[0]:.2f}")

    jobs = [j for j in JOBS if not args.job or j[0] in args.job]
    results = {"corpus": (Path(root) / ".complete").read_text(), "runs": args.runs,
               "load_before": load, "jobs": {}}
    for name, funcs, methods, about in jobs:
        log(f"== job {name}: {funcs + methods}")
        if name == "suggest":
            dry, info = time_suggest(tools, root, args.runs)
            results["jobs"][name] = {"functions": funcs, "methods": methods, "about": about,
                                     "info": info, "dry": dry, "fix": {}, "judge": {},
                                     "judge_seconds": 0}
            continue
        dry, info = time_job(tools, root, funcs, methods, args.runs)
        fixed, trees = fix_job(tools, root, work, name, funcs, methods, args.runs)
        info["summary"] = parse_summary(fixed["unawait fix"]["stderr_tail"])["summary"]
        log(f"   judging {list(trees)}")
        verdicts, seconds = judge_job(py, root, work, name, trees, funcs, methods)
        results["jobs"][name] = {"functions": funcs, "methods": methods, "about": about,
                                 "info": info, "dry": dry, "fix": fixed, "judge": verdicts,
                                 "judge_seconds": seconds}
    results["load_after"] = os.getloadavg()
    out = cache / "results"
    out.mkdir(exist_ok=True)
    (out / ("compare-newer.json" if args.newer else "compare.json")).write_text(
        json.dumps(results, indent=1))
    print(markdown(results))


def markdown(results):
    lines = []
    for name, j in results["jobs"].items():
        info = j["info"]
        rules = " ".join([f"-f {f}" for f in j["functions"]] + [f"--method {m}" for m in j["methods"]])
        jd = j["judge"]
        some = next(iter(jd.values()), {})
        lines.append(f"### `{name}`: `{rules}`\n" if rules else f"### `{name}`\n")
        if name == "suggest":
            lines.append(f"{j['about']}. Files containing `await`: {info['files_with_name']}; "
                         f"unawait parsed {info.get('parsed')} of {info.get('scanned')}.\n")
        else:
            lines.append(f"{j['about']}. Files containing a name: {info['files_with_name']}; "
                         f"unawait parsed {info.get('parsed')} of {info.get('scanned')}; "
                         f"the judge expects {some.get('expected_edits', '?')} edits in "
                         f"{some.get('files_with_edits', '?')} files.\n")
        base = j["dry"].get("ast-grep (dry run)", {}).get("median")
        lines.append("| command | median wall | min–max | peak RSS | vs ast-grep dry | wrong files (judge) |")
        lines.append("| --- | ---: | ---: | ---: | ---: | ---: |")
        for tool, t in list(j["dry"].items()) + list(j["fix"].items()):
            ratio = f"{t['median'] / base:.2f}×" if base else "–"
            wrong = "–"
            if tool in jd:
                wrong = str(jd[tool]["wrong"])
                if jd[tool]["unjudged"]:
                    wrong += f" (+{jd[tool]['unjudged']} unjudged)"
            lines.append(f"| {tool} | {t['median']:.3f} s | {t['min']:.2f}–{t['max']:.2f} s | "
                         f"{t['rss_mb']:.0f} MB | {ratio} | {wrong} |")
        lines.append("")
    la, lb = results["load_before"], results["load_after"]
    lines.append(f"Runs per command: {results['runs']}; 1-minute load average "
                 f"{la[0]:.2f} before, {lb[0]:.2f} after.")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
