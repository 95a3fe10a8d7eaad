#!/usr/bin/env bash
# Installs the real tools the integration tests drive, inside target/ (never the system):
#
#   target/test-venv   a Python virtual environment with, pinned:
#                        nbformat    (tests/cli/notebooks_docs.rs: is the fixed notebook valid)
#                        jsonschema  (JSON / SARIF output checked against their schemas)
#                        pre-commit  (tests/packaging.rs: the hooks in .pre-commit-hooks.yaml;
#                                     the PyYAML it brings reads workflows in
#                                     tests/actions_runner.py)
#                        maturin     (tests/packaging.rs: the sdist of pyproject.toml)
#                        ty, mypy, pyrefly (tests/typecheck.rs: the type checkers whose
#                                     output src/diagnostics reads, run on
#                                     tests/fixtures/typecheck)
#   target/test-wheels the maturin wheel, so that the isolated PEP 517 builds of
#                      `pip install .` in tests/packaging.rs run offline (PIP_NO_INDEX)
#   target/test-node   the npm packages @microsoft/sarif-multitool (a SARIF validator:
#                      target/test-node/node_modules/.bin/sarif-multitool validate F.sarif)
#                      and pyright (tests/typecheck.rs; the npm package is pyright itself,
#                      where the PyPI one is a wrapper that downloads it on first use);
#                      skipped, with a message, when npm is not installed
#
# Idempotent: when everything is there at the pinned versions it returns in well under a
# second without touching the network. Change a pin here and the next run updates it.
set -euo pipefail
cd "$(dirname "$0")/.."

NBFORMAT=5.11.1
JSONSCHEMA=4.26.0
PRE_COMMIT=4.7.0
MATURIN=1.16.0
TY=0.0.108
MYPY=2.4.1
PYREFLY=1.5.0
SARIF_MULTITOOL=5.7.0
PYRIGHT=1.1.414

venv=target/test-venv
wheels=target/test-wheels
node=target/test-node
pins=("nbformat==$NBFORMAT" "jsonschema==$JSONSCHEMA" "pre-commit==$PRE_COMMIT" "maturin==$MATURIN"
      "ty==$TY" "mypy==$MYPY" "pyrefly==$PYREFLY")
mkdir -p target

# --- Python packages -------------------------------------------------------------------
# Exit 0 when every pin is installed at exactly its version.
have_pins() {
    [ -x "$venv/bin/python" ] || return 1
    "$venv/bin/python" - "${pins[@]}" <<'EOF' 2>/dev/null
import sys
from importlib.metadata import version, PackageNotFoundError
for pin in sys.argv[1:]:
    name, want = pin.split("==")
    try:
        if version(name) != want:
            sys.exit(1)
    except PackageNotFoundError:
        sys.exit(1)
EOF
}
if ! have_pins; then
    [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${pins[@]}"
    have_pins || { echo "install-test-deps: $venv lacks one of ${pins[*]}" >&2; exit 1; }
    echo "install-test-deps: ${pins[*]} in $venv"
fi

# --- maturin wheel for offline PEP 517 builds --------------------------------------------
if ! compgen -G "$wheels/maturin-$MATURIN-*.whl" >/dev/null; then
    # With its dependencies for this Python (tomli below 3.11), binary wheels only.
    "$venv/bin/python" -m pip download --quiet --disable-pip-version-check \
        --only-binary=:all: -d "$wheels" "maturin==$MATURIN"
    echo "install-test-deps: maturin $MATURIN wheel in $wheels"
fi

# --- npm packages: the SARIF validator and pyright ----------------------------------------
# Exit 0 when target/test-node has the package $1 at version $2, with its command $3.
have_npm() {
    [ -x "$node/node_modules/.bin/$3" ] &&
        grep -q "\"version\": \"$2\"" "$node/node_modules/$1/package.json" 2>/dev/null
}
npm_pins=()
have_npm @microsoft/sarif-multitool "$SARIF_MULTITOOL" sarif-multitool ||
    npm_pins+=("@microsoft/sarif-multitool@$SARIF_MULTITOOL")
have_npm pyright "$PYRIGHT" pyright || npm_pins+=("pyright@$PYRIGHT")
if [ ${#npm_pins[@]} -eq 0 ]; then
    :
elif ! command -v npm >/dev/null 2>&1; then
    echo "install-test-deps: npm not found: skipping ${npm_pins[*]} (the SARIF validation and pyright tests need them)" >&2
else
    mkdir -p "$node"
    npm install --prefix "$node" --no-audit --no-fund --save-exact --loglevel=error "${npm_pins[@]}"
    have_npm @microsoft/sarif-multitool "$SARIF_MULTITOOL" sarif-multitool &&
        have_npm pyright "$PYRIGHT" pyright ||
        { echo "install-test-deps: $node lacks one of ${npm_pins[*]} after npm install" >&2; exit 1; }
    echo "install-test-deps: ${npm_pins[*]} in $node"
fi
