"""A stand-in for the GitHub Actions runner, for the few things unawait's action uses,
so that the tests can run action.yml and the README's workflow here.

    python actions_runner.py WORKFLOW REPORT [--action NAME@REF=DIR]...

WORKFLOW is a workflow file with one job (or a bare list of steps). Its steps run in
order in $GITHUB_WORKSPACE, with $RUNNER_TEMP and $GITHUB_STEP_SUMMARY taken from the
environment, as GitHub's runner does it:

- a `run:` step without `shell:` runs as `bash -e FILE`;
- `if:` takes `success()` (the default), `always()`, `failure()` and `cancelled()`;
- `uses: NAME@REF` runs the composite action in DIR when `--action NAME@REF=DIR` names
  it: its inputs are the `with:` values, or their defaults (an input that the action
  does not declare is an error here, a warning on GitHub); its `run` steps need a
  `shell:`, and `bash` runs as `bash --noprofile --norc -eo pipefail FILE`, with
  $GITHUB_ACTION_PATH set; its outputs are its `outputs.*.value` expressions. Composite
  actions get no `INPUT_*` variables, so none are set;
- `uses: actions/checkout@...` does nothing (the workspace is already there), and
  `uses: github/codeql-action/upload-sarif@...` records its `with:` values in the report;
- each step gets fresh $GITHUB_OUTPUT and $GITHUB_PATH files; `name=value` and
  `name<<DELIMITER` lines are its outputs, and the folders written to $GITHUB_PATH come
  first in PATH for the steps after it;
- `${{ ... }}` takes `inputs.NAME`, `steps.ID.outputs.NAME`, `github.action_path`,
  `github.workspace` and `runner.temp`.

Anything else (another expression, step key or action) stops it with exit status 3:
the tests must not pass on something this file does not know. Otherwise it exits 0
when the job succeeded and 1 when it failed, and REPORT gets a JSON document:
{"conclusion", "steps": [{"id", "outcome", "exit_code", "outputs"}], "uploads":
[{with values}], "path": [folders added]}. The steps' own stdout and stderr are passed
through. Standard library and PyYAML (which pre-commit brings) only.
"""

import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

STEP_KEYS = {"name", "id", "if", "uses", "with", "run", "shell", "env", "working-directory"}
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


class Unsupported(Exception):
    pass


def evaluate(text, context):
    """`text` with each `${{ ... }}` replaced by its value (a missing output is '')."""

    def one(m):
        expr = m.group(1)
        parts = expr.split(".")
        if parts[0] == "inputs" and len(parts) == 2 and "inputs" in context:
            return context["inputs"][parts[1]]
        if parts[0] == "steps" and len(parts) == 4 and parts[2] == "outputs":
            return context["steps"].get(parts[1], {}).get(parts[3], "")
        if expr == "github.action_path" and "action_path" in context:
            return context["action_path"]
        if expr == "github.workspace":
            return os.environ["GITHUB_WORKSPACE"]
        if expr == "runner.temp":
            return os.environ["RUNNER_TEMP"]
        raise Unsupported(f"expression not emulated: ${{{{ {expr} }}}}")

    return EXPRESSION.sub(one, str(text))


def should_run(step, failed):
    cond = str(step.get("if", "success()")).strip()
    m = EXPRESSION.fullmatch(cond)
    if m:
        cond = m.group(1)
    if cond == "success()":
        return not failed
    if cond == "always()":
        return True
    if cond == "failure()":
        return failed
    if cond == "cancelled()":
        return False
    raise Unsupported(f"condition not emulated: if: {step['if']}")


def read_outputs(path):
    outputs = {}
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line:
            continue
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            value = []
            while lines[i] != delimiter:
                value.append(lines[i])
                i += 1
            i += 1
            outputs[name] = "\n".join(value)
        elif "=" in line:
            name, value = line.split("=", 1)
            outputs[name] = value
        else:
            raise Unsupported(f"not an output line in $GITHUB_OUTPUT: {line!r}")
    return outputs


class Runner:
    def __init__(self, actions, scratch):
        self.actions = actions
        self.scratch = scratch
        self.path_added = []
        self.uploads = []
        self.count = 0

    def fresh(self, name):
        self.count += 1
        path = os.path.join(self.scratch, f"{self.count}-{name}")
        open(path, "w").close()
        return path

    def env(self, extra):
        env = dict(os.environ)
        env["PATH"] = os.pathsep.join(list(reversed(self.path_added)) + [env["PATH"]])
        env.update(extra)
        return env

    def run_shell(self, step, context, env_extra, composite):
        """One `run:` step; returns (exit status, outputs)."""
        shell = step.get("shell")
        if shell == "bash":
            command = ["bash", "--noprofile", "--norc", "-eo", "pipefail"]
        elif shell is None and not composite:
            command = ["bash", "-e"]
        else:
            raise Unsupported(f"shell not emulated: {shell!r} (a composite step must name one)")
        script = self.fresh("script.sh")
        with open(script, "w", encoding="utf-8") as f:
            f.write(evaluate(step["run"], context))
        output, path = self.fresh("output"), self.fresh("path")
        env = {k: evaluate(v, context) for k, v in (step.get("env") or {}).items()}
        env.update(env_extra, GITHUB_OUTPUT=output, GITHUB_PATH=path)
        folder = evaluate(step.get("working-directory", "."), context)
        sys.stdout.flush()
        code = subprocess.run(
            command + [script],
            cwd=os.path.join(os.environ["GITHUB_WORKSPACE"], folder),
            env=self.env(env),
            stdin=subprocess.DEVNULL,
        ).returncode
        with open(path, encoding="utf-8") as f:
            self.path_added += [line for line in f.read().splitlines() if line]
        return code, read_outputs(output)

    def run_composite(self, uses, inputs):
        directory = self.actions[uses]
        with open(os.path.join(directory, "action.yml"), encoding="utf-8") as f:
            action = yaml.safe_load(f)
        if action["runs"]["using"] != "composite":
            raise Unsupported(f"{uses}: not a composite action")
        declared = action.get("inputs") or {}
        unknown = set(inputs) - set(declared)
        if unknown:
            raise Unsupported(f"{uses}: inputs it does not declare: {sorted(unknown)}")
        values = {}
        for name, spec in declared.items():
            if name in inputs:
                values[name] = str(inputs[name])
            elif spec.get("required") and "default" not in spec:
                raise Unsupported(f"{uses}: required input {name} not given")
            else:
                values[name] = str(spec.get("default", ""))
        context = {"inputs": values, "steps": {}, "action_path": directory}
        failed, code = False, 0
        for i, step in enumerate(action["runs"]["steps"]):
            self.check_keys(step)
            if "uses" in step:
                raise Unsupported(f"{uses}: nested actions not emulated")
            if not should_run(step, failed):
                continue
            code, outputs = self.run_shell(step, context, {"GITHUB_ACTION_PATH": directory}, True)
            context["steps"][step.get("id", f"_{i}")] = outputs
            failed = failed or code != 0
        outputs = {name: evaluate(spec["value"], context) for name, spec in (action.get("outputs") or {}).items()}
        return (code if failed else 0), outputs

    @staticmethod
    def check_keys(step):
        unknown = set(step) - STEP_KEYS
        if unknown:
            raise Unsupported(f"step keys not emulated: {sorted(unknown)}")

    def run_job(self, steps):
        context = {"steps": {}}
        report = []
        failed = False
        for i, step in enumerate(steps):
            self.check_keys(step)
            entry = {"id": step.get("id"), "outcome": "skipped", "exit_code": None, "outputs": {}}
            report.append(entry)
            if not should_run(step, failed):
                continue
            with_ = {k: evaluate(v, context) for k, v in (step.get("with") or {}).items()}
            uses = step.get("uses")
            if uses is None:
                code, outputs = self.run_shell(step, context, {}, False)
            elif uses in self.actions:
                code, outputs = self.run_composite(uses, with_)
            elif uses.startswith("actions/checkout@"):
                code, outputs = 0, {}
            elif uses.startswith("github/codeql-action/upload-sarif@"):
                self.uploads.append(with_)
                code, outputs = 0, {}
            else:
                raise Unsupported(f"action not emulated: uses: {uses}")
            entry.update(outcome="success" if code == 0 else "failure", exit_code=code, outputs=outputs)
            if step.get("id"):
                context["steps"][step["id"]] = outputs
            failed = failed or code != 0
        return failed, report


def main(argv):
    workflow_path, report_path = argv[0], argv[1]
    actions = {}
    rest = argv[2:]
    while rest:
        if rest[0] != "--action" or len(rest) < 2 or "=" not in rest[1]:
            raise Unsupported(f"usage: WORKFLOW REPORT [--action NAME@REF=DIR]... (got {rest})")
        name, directory = rest[1].split("=", 1)
        actions[name] = os.path.abspath(directory)
        rest = rest[2:]
    with open(workflow_path, encoding="utf-8") as f:
        workflow = yaml.safe_load(f)
    if isinstance(workflow, dict):
        jobs = list(workflow["jobs"].values())
        if len(jobs) != 1:
            raise Unsupported("a workflow of one job only")
        steps = jobs[0]["steps"]
    else:
        steps = workflow
    with tempfile.TemporaryDirectory(dir=os.environ["RUNNER_TEMP"]) as scratch:
        runner = Runner(actions, scratch)
        failed, steps_report = runner.run_job(steps)
    with open(report_path, "w", encoding="utf-8") as f:
        json.dump(
            {
                "conclusion": "failure" if failed else "success",
                "steps": steps_report,
                "uploads": runner.uploads,
                "path": runner.path_added,
            },
            f,
            indent=1,
        )
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except (Unsupported, yaml.YAMLError) as e:
        print(f"actions_runner: {e}", file=sys.stderr)
        sys.exit(3)
