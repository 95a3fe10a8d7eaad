#!/usr/bin/env bash
# The step of the GitHub Action (action.yml): install unawait, run `unawait check` twice
# (GitHub annotations into the log, SARIF into a file for
# github/codeql-action/upload-sarif), and only then exit with the check's status, so that
# findings never stop the SARIF file from being written and an `if: always()` upload
# step finds it.
#
# action.yml passes the inputs in the environment (never spliced into the script text):
#   UNAWAIT_INSTALL     `pip` (the default): pip-install the action's own checkout,
#                       $GITHUB_ACTION_PATH (built by maturin, see pyproject.toml), in a
#                       virtual environment $RUNNER_TEMP/unawait-venv, and put its bin
#                       folder on $GITHUB_PATH for later steps; `none`: use the `unawait`
#                       already on PATH
#   UNAWAIT_PATHS       what to check, separated by blanks or newlines (default `.`)
#   UNAWAIT_ARGS        more arguments for `unawait check`, separated by blanks or
#                       newlines (no quoting): `-f get_websocket_manager --docs`
#   UNAWAIT_SARIF_FILE  where to write the SARIF (default $RUNNER_TEMP/unawait.sarif);
#                       relative to the working folder, the workspace
#
# It appends to $GITHUB_OUTPUT `sarif-file` (the absolute path, only once written),
# `findings` (the awaits to fix, as annotated) and `exit-code`, and writes a short
# report to $GITHUB_STEP_SUMMARY. Exit status: unawait's, 0 nothing found, 1 findings,
# 2 an error (a file unawait could not process, a usage or configuration error); also 2
# when unawait cannot be installed or the SARIF file cannot be written.
set -uo pipefail

# A workflow command that shows as an error in the log and on the run's page.
fail() {
    printf '::error title=unawait::%s\n' "$1"
}

# Append `name=value` to $GITHUB_OUTPUT (when the runner gives one).
output() {
    if [ -n "${GITHUB_OUTPUT:-}" ]; then
        printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"
    fi
}

# --- install -------------------------------------------------------------------------
case "${UNAWAIT_INSTALL:-pip}" in
pip)
    venv="${RUNNER_TEMP:?RUNNER_TEMP is not set}/unawait-venv"
    python=$(command -v python3 || command -v python) || {
        fail "install: pip needs python3 on PATH (or set install: none and install unawait yourself)"
        exit 2
    }
    echo "::group::Install unawait from ${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set}"
    if ! "$python" -m venv "$venv" ||
        ! "$venv/bin/python" -m pip install --disable-pip-version-check "$GITHUB_ACTION_PATH"; then
        echo "::endgroup::"
        fail "install: pip install $GITHUB_ACTION_PATH failed (see the log above)"
        exit 2
    fi
    echo "::endgroup::"
    PATH="$venv/bin:$PATH"
    if [ -n "${GITHUB_PATH:-}" ]; then
        echo "$venv/bin" >>"$GITHUB_PATH"
    fi
    ;;
none) ;;
*)
    fail "install: unknown method '${UNAWAIT_INSTALL}' (pip or none)"
    exit 2
    ;;
esac
unawait=$(command -v unawait) || {
    fail "no unawait command on PATH"
    exit 2
}

# --- check ---------------------------------------------------------------------------
read -r -d '' -a paths <<<"${UNAWAIT_PATHS:-.}"
[ ${#paths[@]} -gt 0 ] || paths=(.)
read -r -d '' -a args <<<"${UNAWAIT_ARGS:-}"
sarif="${UNAWAIT_SARIF_FILE:-}"
[ -n "$sarif" ] || sarif="${RUNNER_TEMP:?RUNNER_TEMP is not set}/unawait.sarif"
case "$sarif" in
/*) ;;
*) sarif="$PWD/$sarif" ;;
esac
scratch=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/unawait-action.XXXXXX") || exit 2
trap 'rm -rf "$scratch"' EXIT

# Annotations: stdout goes to the log as it is (GitHub reads the workflow commands);
# stderr (kept notes, file errors, the summary) after it.
"$unawait" check --output-format github ${args[@]+"${args[@]}"} -- "${paths[@]}" \
    >"$scratch/annotations" 2>"$scratch/stderr"
status=$?
cat "$scratch/annotations"
cat "$scratch/stderr" >&2

# SARIF, whatever the first run found. Its stderr repeats the first run's, so it is
# shown only when this run ends differently. (No `-q` for that: ARGS may hold one, and
# clap refuses a flag given twice.)
mkdir -p "$(dirname "$sarif")" 2>/dev/null
"$unawait" check --output-format sarif ${args[@]+"${args[@]}"} -- "${paths[@]}" \
    >"$sarif" 2>"$scratch/sarif-stderr"
sarif_status=$?
if [ "$sarif_status" != "$status" ]; then
    cat "$scratch/sarif-stderr" >&2
fi
if [ -s "$sarif" ]; then
    output sarif-file "$sarif"
    written=yes
else
    rm -f "$sarif"
    fail "no SARIF written to $sarif (unawait check exited with status $sarif_status)"
    written=no
fi

# --- report, and the exit status last --------------------------------------------------
findings=$(grep -c '^::error file=[^,]*,line=' "$scratch/annotations")
summary=$(grep '^unawait: .* scanned (' "$scratch/stderr" | tail -n 1)
final=$status
if [ "$written" = no ] && [ "$final" -lt 2 ]; then
    final=2
fi
output findings "$findings"
output exit-code "$final"
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    {
        echo "### unawait check"
        echo
        case "$final" in
        0) echo "No \`await\` on a synchronous call." ;;
        1) echo "Awaits to fix: $findings (see the annotations)." ;;
        *) echo "Failed with exit status $final (see the log)." ;;
        esac
        if [ -n "$summary" ]; then
            echo
            echo "    $summary"
        fi
        if [ "$written" = yes ]; then
            echo
            echo "SARIF: \`$sarif\`"
        fi
    } >>"$GITHUB_STEP_SUMMARY"
fi
exit "$final"
