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
#   target/test-wheels the maturin wheel, so that the isolated PEP 517 builds of
#                      `pip install .` in tests/packaging.rs run offline (PIP_NO_INDEX)
#   target/test-node   the npm package @microsoft/sarif-multitool (a SARIF validator:
#                      target/test-node/node_modules/.bin/sarif-multitool validate F.sarif);
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
SARIF_MULTITOOL=5.7.0

venv=target/test-venv
wheels=target/test-wheels
node=target/test-node
pins=("nbformat==$NBFORMAT" "jsonschema==$JSONSCHEMA" "pre-commit==$PRE_COMMIT" "maturin==$MATURIN")
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

# --- SARIF validator from npm ------------------------------------------------------------
multitool="$node/node_modules/.bin/sarif-multitool"
multitool_pkg="$node/node_modules/@microsoft/sarif-multitool/package.json"
if ! command -v npm >/dev/null 2>&1; then
    echo "install-test-deps: npm not found: skipping @microsoft/sarif-multitool (SARIF validation tests need it)" >&2
elif [ -x "$multitool" ] && grep -q "\"version\": \"$SARIF_MULTITOOL\"" "$multitool_pkg" 2>/dev/null; then
    :
else
    mkdir -p "$node"
    npm install --prefix "$node" --no-audit --no-fund --save-exact --loglevel=error \
        "@microsoft/sarif-multitool@$SARIF_MULTITOOL"
    [ -x "$multitool" ] || { echo "install-test-deps: $multitool missing after npm install" >&2; exit 1; }
    echo "install-test-deps: @microsoft/sarif-multitool $SARIF_MULTITOOL in $node"
fi
