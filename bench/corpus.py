#!/usr/bin/env python3
"""Build the benchmark corpus: real, await-heavy Python from PyPI, pinned versions.

Downloads each pinned package with `pip download --no-deps` (wheels only, for
CPython 3.12 on manylinux x86_64, so the same files arrive on any machine) and extracts
only its `.py` files, one folder per package:

    CACHE/dl/                  the downloaded wheels
    CACHE/ex/NAME-VERSION/     the extracted `.py` files
    CACHE/ex/.complete         written last; its presence means the corpus is whole

Built once: a package whose folder is complete is not downloaded or extracted again,
and a finished corpus returns at once. The cache lives outside the repository
(default: $UNAWAIT_BENCH_CACHE, else ~/.cache/unawait-bench), so nothing here is ever
committed or walked by the project's own tools.

    python3 bench/corpus.py                 # the full corpus (~1.6M lines)
    python3 bench/corpus.py --smoke         # a few hundred files, into target/bench-smoke
    python3 bench/corpus.py --newer         # Home Assistant 2026.11.0, into CACHE/ex-newer
    python3 bench/corpus.py --print-root    # just print where the corpus is (build if needed)

Standard library only. Prints the corpus root on stdout; progress goes to stderr.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# (distribution, version). Picked for `await` density and variety: a big application
# (Home Assistant), frameworks, clients, an ORM, a Discord and a Telegram bot library.
FULL = [
    ("homeassistant", "2024.6.0"),
    ("Django", "5.0.6"),
    ("aiohttp", "3.9.5"),
    ("anyio", "4.4.0"),
    ("aiogram", "3.7.0"),
    ("discord.py", "2.3.2"),
    ("fastapi", "0.111.0"),
    ("starlette", "0.37.2"),
    ("SQLAlchemy", "2.0.30"),
    ("httpx", "0.27.0"),
]

# Newer syntax, as a corpus of its own (so the figures of FULL stay comparable): a
# current Home Assistant, which needs Python 3.14.2 and uses PEP 695 generics, `type`
# aliases, PEP 696 type-parameter defaults and PEP 758 `except A, B:`. Into
# CACHE/ex-newer.
NEWER = [
    ("homeassistant", "2026.11.0"),
]
NEWER_PYTHON = "3.14.2"

# For the test suite: a few hundred files, a couple of MB of downloads.
SMOKE = [
    ("anyio", "4.4.0"),
    ("httpx", "0.27.0"),
    ("starlette", "0.37.2"),
    ("aiohttp", "3.9.5"),
    ("discord.py", "2.3.2"),
    ("fastapi", "0.111.0"),
]

def pip_target(python):
    """Wheels for CPython `python` on manylinux x86_64, whatever this machine is."""
    return [
        "--only-binary=:all:",
        "--python-version",
        python,
        "--implementation",
        "cp",
        "--platform",
        "manylinux2014_x86_64",
    ]


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def default_cache(smoke):
    if smoke:
        return REPO / "target" / "bench-smoke"
    env = os.environ.get("UNAWAIT_BENCH_CACHE")
    if env:
        return Path(env)
    return Path.home() / ".cache" / "unawait-bench"


def wheel_for(dl, dist, version):
    """The downloaded wheel of `dist==version`, if any."""
    norm = dist.replace("-", "_").replace(".", "_").lower()
    for w in sorted(dl.glob("*.whl")):
        name, ver = w.name.split("-")[:2]
        if name.replace(".", "_").lower() == norm and ver == version:
            return w
    return None


def pip_command():
    """A pip that works here: this interpreter's, else a `pip3` on PATH."""
    probe = subprocess.run(
        [sys.executable, "-m", "pip", "--version"], capture_output=True
    )
    if probe.returncode == 0:
        return [sys.executable, "-m", "pip"]
    for p in ("pip3", "pip"):
        if shutil.which(p):
            return [p]
    sys.exit("corpus.py: no pip found (install python3-pip or use a venv)")


def download(dl, wanted, python):
    """Download the wheels of `wanted` [(dist, version)] not yet in `dl`, in one pip
    run (one resolver start instead of one per package)."""
    missing = [(d, v) for d, v in wanted if not wheel_for(dl, d, v)]
    if missing:
        log("downloading " + " ".join(f"{d}=={v}" for d, v in missing))
        cmd = pip_command() + [
            "download",
            "--no-deps",
            "--disable-pip-version-check",
            "--quiet",
            "-d",
            str(dl),
            *pip_target(python),
            *[f"{d}=={v}" for d, v in missing],
        ]
        subprocess.run(cmd, check=True)
    wheels = []
    for d, v in wanted:
        w = wheel_for(dl, d, v)
        if not w:
            sys.exit(f"corpus.py: pip downloaded no wheel for {d}=={v}")
        wheels.append(w)
    return wheels


def extract(wheel, dest):
    """Extract the `.py` members of `wheel` into `dest` (atomically: temp + rename)."""
    if dest.is_dir():
        return
    tmp = Path(tempfile.mkdtemp(prefix=dest.name + ".", dir=dest.parent))
    with zipfile.ZipFile(wheel) as z:
        for info in z.infolist():
            name = info.filename
            if not name.endswith(".py") or info.is_dir():
                continue
            parts = Path(name).parts
            if any(p in ("..", "") or p.startswith("/") for p in parts):
                continue
            target = tmp.joinpath(*parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            with z.open(info) as src, open(target, "wb") as out:
                shutil.copyfileobj(src, out)
    try:
        tmp.rename(dest)
    except OSError:
        # Another builder won the race; its copy is identical.
        shutil.rmtree(tmp, ignore_errors=True)


def build(cache, packages, python="3.12", folder="ex"):
    ex = cache / folder
    done = ex / ".complete"
    if done.is_file():
        return ex
    dl = cache / "dl"
    dl.mkdir(parents=True, exist_ok=True)
    ex.mkdir(parents=True, exist_ok=True)
    dests = [ex / f"{d.replace('.', '_').lower()}-{v}" for d, v in packages]
    todo = [(p, dest) for p, dest in zip(packages, dests) if not dest.is_dir()]
    for wheel, (_, dest) in zip(download(dl, [p for p, _ in todo], python), todo):
        extract(wheel, dest)
    files = lines = 0
    for p in ex.rglob("*.py"):
        files += 1
        with open(p, "rb") as f:
            lines += f.read().count(b"\n")
    done.write_text(
        "".join(f"{d}=={v}\n" for d, v in packages) + f"files {files}\nlines {lines}\n"
    )
    log(f"corpus: {files} .py files, {lines} lines in {ex}")
    return ex


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--smoke", action="store_true", help="the small corpus for tests")
    ap.add_argument("--cache", type=Path, help="cache folder (see the module doc)")
    ap.add_argument("--newer", action="store_true",
                    help="the newer-syntax corpus (into CACHE/ex-newer)")
    ap.add_argument("--print-root", action="store_true", help="only print the root")
    args = ap.parse_args()
    cache = (args.cache or default_cache(args.smoke)).resolve()
    if args.newer:
        root = build(cache, NEWER, NEWER_PYTHON, "ex-newer")
    else:
        root = build(cache, SMOKE if args.smoke else FULL)
    print(root)


if __name__ == "__main__":
    main()
