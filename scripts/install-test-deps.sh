#!/usr/bin/env bash
# Installs what the notebook tests check against: the real `nbformat` from PyPI, in a
# virtual environment at target/test-venv (never the system Python).
# tests/notebooks_docs.rs uses target/test-venv/bin/python when it exists.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/test-venv
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import nbformat' 2>/dev/null; then
    exit 0
fi
mkdir -p target
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check nbformat
"$venv/bin/python" -c 'import nbformat; print("nbformat", nbformat.__version__, "in", "'"$venv"'")'
