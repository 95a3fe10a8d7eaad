#!/usr/bin/env python3
"""An independent judge of a mechanical "remove the await" rewrite of a Python tree.

Given the tree before a run, one or more trees after it (one per tool), and the rules
(`-f NAME` functions by bare name, `--method NAME` methods), it decides on its own --
with CPython's `ast` and `tokenize` only, sharing nothing with unawait's Rust code --
which `await`s must go (docs/contract.md), and checks each file of each after-tree:

  1. it parses (CPython);
  2. its AST equals the before AST with exactly the expected `Await` nodes replaced
     by their operands;
  3. its bytes are the before bytes minus, at each expected `await` token (found with
     `tokenize`), the keyword and the spaces/tabs after it -- only the keyword when a
     comment follows and code precedes it on its line
     (docs/contract.md#what-an-edit-is; the byte and tree rules are in judgelib.py,
     which tests/judge.py shares);
  4. no file appeared or vanished.

Which awaits must go (docs/contract.md#which-calls-match, for bare-name rules): the
operand is a call (parentheses are invisible in the AST) whose callee is
  - a name `f` bound, in the scope Python would look it up in, only by a sync `def f`
    or by `from m import f [as g]` with `f` a rule; or unbound (builtin, star import)
    with `f` a rule -- unless every way in ends at an `async def`; a star import of a
    parsed module of the tree brings only its `__all__` (literals) or, without one,
    its public names; one from elsewhere may bring anything;
  - a name that resolves, through re-exports, to a rule's function under another name
    (`from .mod import f as g` in an `__init__.py`), or to what a re-export named as a
    rule leads to -- decided by resolution, never by the name;
  - `M.a.f` where every binding of `M` is an import (`import m [as M]`,
    `from p import M`) and `f` is a rule -- but classes are not modules: when
    `from p import M` (p a module of the tree, p.M not one) leads, through `from`
    imports of any file, to a module-level `class M` of the tree, `M.f` keeps the await
    (an `async def f` of the class body itself, or anything else: a sync or inherited
    method, a deeper chain); a def or an object of the tree keeps it too; so does
    `m.C.f` on a class `C` of a tree module `m` (other names reached through a module,
    and anything from outside the tree, stay module attributes);
  - `anything.f` when `f` is a method rule, except `C.f` and `C(...).f` where `C` (a
    name or `mod.C`) is a class of the file or, through the imports, of the tree whose
    body has `async def f`;
and never when a binding of that name is a parameter, an assignment or other target,
a class, or an `async def`; nor when the import it came through resolves, in the
before tree (module names as Python and pytest see them: from the top of each file's
`__init__.py` chain and from every project root -- the tree's own root, each folder
holding `pyproject.toml` or `setup.cfg`, and their `src/` folders -- through namespace
packages; re-exports followed through `__init__.py`, star imports of parsed modules
among them), to an `async def` of any file
that has that name. Where several bindings may reach the call, the await
goes only when one is the function and none can be awaited; what an `except
ImportError:` handler binds in place of a name its `try` imports (`None`, a mock, a
lambda, a sync `def`) neither counts nor blocks, an `AsyncMock` there blocks. A `def`
with a decorator that is not known to keep it synchronous (functools' caches and
`wraps`, `staticmethod`, `property`, typing's markers, `contextlib.contextmanager`, ...)
blocks, in its own file and through the index. Scopes follow CPython: defaults,
decorators, annotations and bases where the definition is, a comprehension's first
iterable outside it, PEP 695 type parameters in a scope of their own. Awaits in `with pytest.raises(TypeError)` /
`assertRaises(TypeError)` blocks, on lines with `# unawait: ignore`, and in files with
`# unawait: skip-file` stay (unless --no-keep-in-raises for the first).

    python3 bench/judge.py --before B --after A1 [--after A2 ...] -f NAME [--method M]
    python3 bench/judge.py --self-test

Prints one line per wrong file (`WRONG tool path: why`), then one summary line per
after-tree, and exits 1 when any file is wrong. `--json FILE` writes the counts.
Standard library only; runs on CPython 3.11+ (use the newest Python you have: a file
that the judging Python cannot parse is counted as `unjudged`, never as right).
"""

import argparse
import ast
import functools
import io
import json
import os
import re
import sys
import tempfile
import tokenize
from multiprocessing import Pool
from pathlib import Path

sys.dont_write_bytecode = True  # the test suite runs this judge: leave bench/ as it was
from judgelib import JudgeError, expected_bytes, first_difference, without_awaits  # noqa: E402

RAISES = {"raises", "assertRaises", "assertRaisesRegex", "assertRaisesRegexp"}
COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
# A handler of one of these runs when the `try` body's import fails.
IMPORT_FAILURES = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}
# unittest.mock classes: neither they nor their instances can be awaited; calling an
# AsyncMock instance returns a coroutine.
MOCKS = {"MagicMock", "Mock", "NonCallableMagicMock", "NonCallableMock"}
ASYNC_MOCK = "AsyncMock"
# Decorators that give back a synchronous callable for a synchronous function.
SYNC_DECORATORS = {
    "abc.abstractmethod", "classmethod", "contextlib.contextmanager", "functools.cache",
    "functools.cached_property", "functools.lru_cache", "functools.wraps", "property",
    "staticmethod", "typing.final", "typing.no_type_check", "typing.overload",
    "typing.override", "typing_extensions.deprecated", "typing_extensions.final",
    "typing_extensions.overload", "typing_extensions.override", "warnings.deprecated",
}


def dotted(expr):
    """`a.b.c` for a chain of names, else None."""
    parts = []
    while isinstance(expr, ast.Attribute):
        parts.append(expr.attr)
        expr = expr.value
    if not isinstance(expr, ast.Name):
        return None
    parts.append(expr.id)
    return ".".join(reversed(parts))


def decorator_names(node):
    """Each decorator of a def as written: the dotted name called, or None."""
    return [dotted(d.func if isinstance(d, ast.Call) else d) for d in node.decorator_list]


def handles_import_failure(handler):
    t = handler.type
    if t is None:
        return True
    kinds = t.elts if isinstance(t, ast.Tuple) else [t]
    return any((dotted(k) or "").rpartition(".")[2] in IMPORT_FAILURES for k in kinds)


def stand_in_kind(value):
    """"inert" for None, a lambda, a mock or a mock's call; "awaitable" for AsyncMock."""
    if isinstance(value, ast.Constant) and value.value is None:
        return "inert"
    if isinstance(value, ast.Lambda):
        return "inert"
    if isinstance(value, ast.Call):
        value = value.func
    last = (dotted(value) or "").rpartition(".")[2]
    if last == ASYNC_MOCK:
        return "awaitable"
    return "inert" if last in MOCKS else None


def imported_in(stmts):
    """Names that `from ... import` statements among `stmts` bind, in this scope."""
    out = set()
    todo = list(stmts)
    while todo:
        n = todo.pop()
        if isinstance(n, ast.ImportFrom):
            out.update(a.asname or a.name for a in n.names if a.name != "*")
        elif not isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            todo.extend(ast.iter_child_nodes(n))
    return out


def class_methods(node):
    """name -> is_async of the defs directly in a class body (an `async def` wins)."""
    out = {}
    for s in node.body:
        if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out[s.name] = out.get(s.name, False) or isinstance(s, ast.AsyncFunctionDef)
    return out


# ---------------------------------------------------------------------------------
# Module names and the project index (what each module defines at top level).


@functools.lru_cache(maxsize=None)
def is_package_dir(folder):
    """Does `folder` hold an `__init__`? Asked once per folder: every file of a package
    walks up through the same folders, and the before-tree never changes in a run."""
    d = Path(folder)
    return (d / "__init__.py").is_file() or (d / "__init__.pyi").is_file()


def module_name(path):
    """(dotted name, is_package) of `path`, walking up while folders hold __init__."""
    path = Path(path)
    is_package = path.stem == "__init__"
    parts = [] if is_package else [path.stem]
    d = path.parent
    while True:
        if not is_package_dir(str(d)) or d == d.parent:
            break
        parts.append(d.name)
        d = d.parent
    if not parts:
        return None
    return ".".join(reversed(parts)), is_package


def is_project_root(folder):
    d = Path(folder)
    return ((d / "pyproject.toml").is_file() or (d / "setup.cfg").is_file()
            or (d / ".git").exists())


def project_roots(top):
    """The folders module names start from, for the tree `top`: its project root (the
    nearest folder at or above it with pyproject.toml, setup.cfg or .git, else `top`
    itself), every folder below it holding pyproject.toml or setup.cfg (hidden folders
    are not walked), and the `src/` folder of each of them."""
    top = os.path.abspath(top)
    root = next((d for d in [top, *map(str, Path(top).parents)] if is_project_root(d)), top)
    found = {root}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        if "pyproject.toml" in filenames or "setup.cfg" in filenames:
            found.add(dirpath)
    return frozenset(found | {os.path.join(d, "src") for d in found
                              if os.path.isdir(os.path.join(d, "src"))})


def module_names(path, roots):
    """(primary, others): the primary (dotted name, is_package) from the __init__
    chain, and every other name a root above `path` gives it (each part an
    identifier), longest first, then by name."""
    path = os.path.abspath(path)
    primary = module_name(path)
    is_package = Path(path).stem == "__init__"
    found = []
    d = os.path.dirname(path)
    while True:
        if d in roots:
            rel = Path(os.path.relpath(path, d))
            parts = list(rel.parent.parts) + ([] if is_package else [rel.stem])
            if parts and all(p.isidentifier() for p in parts):
                found.append(".".join(parts))
        parent = os.path.dirname(d)
        if parent == d:
            break
        d = parent
    if primary is None:
        if not found:
            return None
        primary = (found[0], is_package)
    others = sorted({n for n in found if n != primary[0]}, key=lambda n: (-n.count("."), n))
    return primary, others


def absolute(mod, target):
    """The absolute module of `from <target> import` in module `mod`, or None."""
    dots = len(target) - len(target.lstrip("."))
    if dots == 0:
        return target
    if mod is None:
        return None
    name, is_package = mod
    package = name.split(".")
    if not is_package:
        package.pop()
    for _ in range(dots - 1):
        if not package:
            return None
        package.pop()
    rest = target[dots:]
    if rest:
        package.append(rest)
    return ".".join(package) if package else None


def absolute_in(names, target):
    """`absolute` against a file's primary name, else against its longest name (a
    relative import that climbs into a namespace package)."""
    if names is None:
        return absolute(None, target)
    primary, others = names
    m = absolute(primary, target)
    if m is None and others:
        m = absolute((others[0], primary[1]), target)
    return m


def top_level_entries(tree, names):
    """name -> ("def", is_async, decorators) | ("alias", qualified): the last top-level
    def or `from` import of each name (re-exports only count in a package's __init__),
    but an `async def` of the name wins wherever it is, and a sync def in an `except
    ImportError:` handler for the name its `try` imports does not count. `decorators`
    are (written, qualified) pairs, qualified through the module's top-level names."""
    out = {}
    is_package = names[0][1]
    asyncs = set()
    top = Collector().run(tree).module

    def visit(stmts, fallbacks=frozenset()):
        for s in stmts:
            if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)):
                is_async = isinstance(s, ast.AsyncFunctionDef)
                if s.name in asyncs or (not is_async and s.name in fallbacks):
                    continue
                if is_async:
                    asyncs.add(s.name)
                decos = [(w, qualify_name(top, top, w, names)) for w in decorator_names(s)]
                out[s.name] = ("def", is_async, decos)
            elif isinstance(s, ast.ImportFrom) and is_package:
                m = absolute_in(names, "." * s.level + (s.module or ""))
                for a in s.names:
                    name = a.asname or a.name
                    if a.name != "*" and m and name not in asyncs:
                        out[name] = ("alias", f"{m}.{a.name}")
            elif isinstance(s, ast.If):
                visit(s.body, fallbacks)
                visit(s.orelse, fallbacks)
            elif isinstance(s, ast.Try) or type(s).__name__ == "TryStar":
                visit(s.body, fallbacks)
                imported = imported_in(s.body) if isinstance(s, ast.Try) else set()
                for h in s.handlers:
                    visit(h.body, fallbacks | imported if handles_import_failure(h) else fallbacks)
                visit(s.orelse, fallbacks)
                visit(s.finalbody, fallbacks)
            elif isinstance(s, (ast.With, ast.For, ast.While)):
                visit(s.body, fallbacks)
                visit(getattr(s, "orelse", []), fallbacks)

    visit(tree.body)
    out["*"] = ("exports", star_modules(tree, names), dunder_all(tree))
    return out


def star_modules(tree, names):
    """The absolute modules a file's module-level `from m import *` statements name."""
    out = []
    for node in module_level(tree.body):
        if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
            m = absolute_in(names, "." * node.level + (node.module or ""))
            if m and m not in out:
                out.append(m)
    return out


def module_level(stmts):
    """Every statement run at module level: into if/try/with/for/while/match bodies,
    never into a def or a class."""
    for s in stmts:
        yield s
        if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for field in ("body", "orelse", "finalbody"):
            yield from module_level(getattr(s, field, []))
        for h in getattr(s, "handlers", []):
            yield from module_level(h.body)
        for case in getattr(s, "cases", []):
            yield from module_level(case.body)


def literal_strings(node):
    """The strings of a literal list/tuple (or a sum of them), or None."""
    if isinstance(node, (ast.List, ast.Tuple)):
        if all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
            return [e.value for e in node.elts]
        return None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = literal_strings(node.left), literal_strings(node.right)
        return None if left is None or right is None else left + right
    return None


def dunder_all(tree):
    """The names a module's `__all__` can hold -- every literal assigned, added,
    extended or appended, in any branch -- or None when there is no `__all__` or
    something else builds it (then any public name may be exported)."""
    names, seen = [], False

    def is_all(t):
        return isinstance(t, ast.Name) and t.id == "__all__"

    for s in module_level(tree.body):
        value = None
        if isinstance(s, ast.Assign) and any(is_all(t) for t in s.targets):
            if len(s.targets) != 1:
                return None
            value = s.value
        elif isinstance(s, ast.AnnAssign) and is_all(s.target):
            if s.value is None:
                continue
            value = s.value
        elif isinstance(s, ast.AugAssign) and is_all(s.target):
            if not isinstance(s.op, ast.Add):
                return None
            value = s.value
        elif isinstance(s, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            continue
        elif (isinstance(s, ast.Expr) and isinstance(s.value, ast.Call)
              and isinstance(s.value.func, ast.Attribute) and is_all(s.value.func.value)):
            call, method = s.value, s.value.func.attr
            if method == "extend" and len(call.args) == 1 and not call.keywords:
                value = call.args[0]
            elif method == "append" and len(call.args) == 1 and not call.keywords:
                arg = call.args[0]
                if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                    return None
                names.append(arg.value)
                seen = True
                continue
            elif method in ("remove", "sort", "reverse", "index", "count"):
                continue  # narrows or reads: the wider list is the safe side
            else:
                return None
        else:
            continue
        got = literal_strings(value)
        if got is None:
            return None
        names.extend(got)
        seen = True
    return set(names) if seen else None


def index_file(roots, path):
    """(every module name, top-level entries) of the file at `path`, or None."""
    names = module_names(path, roots)
    if names is None:
        return None
    try:
        tree = ast.parse(Path(path).read_bytes())
    except (SyntaxError, ValueError):
        return None
    return [names[0][0], *names[1]], top_level_entries(tree, names)


def tree_modules(before, files, roots):
    """module name -> [path of each file of the tree importable under that name]."""
    out = {}
    for rel in files:
        path = os.path.join(before, rel)
        names = module_names(path, roots)
        if names:
            for name in [names[0][0], *names[1]]:
                out.setdefault(name, []).append(path)
    return out


def assigned_targets(s):
    """The targets a simple module-level statement assigns (not its nested bodies)."""
    if isinstance(s, ast.Assign):
        return s.targets
    if isinstance(s, (ast.AnnAssign, ast.AugAssign, ast.For, ast.AsyncFor)):
        return [s.target]
    if isinstance(s, (ast.With, ast.AsyncWith)):
        return [i.optional_vars for i in s.items if i.optional_vars is not None]
    if type(s).__name__ == "TypeAlias":
        return [s.name]
    return []


# What the module-level names of a file are, read only when a class or object question
# arises (`C.f()`, `C().m()` on an imported `C`): the index parses only the files that
# may define a rule's function. One cache per process (each pool worker fills its own);
# the before-tree never changes in a run.
_module_level = {}


def module_level_names(path, roots):
    """name -> [what each module-level statement of the file binds it to: ("class",
    methods) (see `class_methods`), ("def",), ("alias", qualified) for a `from` import
    (in any file), ("module", name) for an `import`, OTHER], and "*" -> (the modules it
    star-imports, its `__all__`); None when the file cannot be read or named."""
    if path in _module_level:
        return _module_level[path]
    out = None
    names = module_names(path, roots)
    try:
        tree = ast.parse(Path(path).read_bytes()) if names else None
    except (OSError, SyntaxError, ValueError):
        tree = None
    if tree is not None:
        out = {}
        for s in module_level(tree.body):
            if isinstance(s, ast.ClassDef):
                out.setdefault(s.name, []).append(("class", class_methods(s)))
            elif isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)):
                out.setdefault(s.name, []).append(("def",))
            elif isinstance(s, ast.ImportFrom):
                m = absolute_in(names, "." * s.level + (s.module or ""))
                for a in s.names:
                    if a.name != "*":
                        what = ("alias", f"{m}.{a.name}") if m else OTHER
                        out.setdefault(a.asname or a.name, []).append(what)
            elif isinstance(s, ast.Import):
                for a in s.names:
                    bound = a.asname or a.name.split(".")[0]
                    out.setdefault(bound, []).append(("module", a.name if a.asname else bound))
            else:
                for target in assigned_targets(s):
                    for n in ast.walk(target):
                        if isinstance(n, ast.Name):
                            out.setdefault(n.id, []).append(OTHER)
        out["*"] = (star_modules(tree, names), dunder_all(tree))
    _module_level[path] = out
    return out


class Index:
    def __init__(self, modules, paths=None, roots=frozenset()):
        # module name -> [entries of each file importable under that name]
        self.modules = modules
        # module name -> [path of every file of the tree importable under that name]
        self.paths = paths or {}
        self._packages = None
        self.roots = roots
        self._chains = {}

    def what_is(self, qualified):
        """What `qualified` is in the before-tree, following `from` and `import`
        bindings of any file and star imports (16 names at most): a list of ("module",
        name) for a module of the tree, ("outside", name) for a name in a module that
        is not one (or a file that cannot be read), and the ("class", methods), ("def",)
        and OTHER bindings (OTHER too for a name its module does not bind) reached."""
        names, out, i = [qualified], [], 0
        while i < len(names) and i < 16:
            q = names[i]
            i += 1
            if q in self.paths or q in self.packages():
                out.append(("module", q))
                continue
            mod, _, name = q.rpartition(".")
            if mod not in self.paths:
                out.append(("outside", q))
                continue
            for path in self.paths[mod]:
                entries = module_level_names(path, self.roots)
                if entries is None:
                    out.append(("outside", q))
                    continue
                found = entries.get(name)
                if found is None:
                    brought = [f"{m}.{name}" for m in entries["*"][0]
                               if self.star_may_bring(m, name)]
                    if not brought:
                        out.append(OTHER)
                    names.extend(t for t in brought if t not in names)
                    continue
                for b in found:
                    if b[0] in ("alias", "module"):
                        if b[1] not in names:
                            names.append(b[1])
                    else:
                        out.append(b)
        return out

    def packages(self):
        """Every package above a module of the tree: namespace packages (PEP 420)
        have no file."""
        if self._packages is None:
            self._packages = set()
            for n in self.paths:
                n = n.rpartition(".")[0]
                while n and n not in self._packages:
                    self._packages.add(n)
                    n = n.rpartition(".")[0]
        return self._packages

    def star_may_bring(self, mod, name):
        """`star_brings` for any file of the tree, parsed on demand."""
        for path in self.paths.get(mod) or [None]:
            entries = module_level_names(path, self.roots) if path else None
            if entries is None:
                return True
            listed = entries["*"][1]
            if (name in listed) if listed is not None else not name.startswith("_"):
                return True
        return False

    def star_brings(self, mod, name):
        """Can `from mod import *` bind `name`? Only a parsed file of the tree can say
        no: by its `__all__`, else by the name's leading underscore."""
        files = self.modules.get(mod)
        if not files:
            return True
        for entries in files:
            _, _, listed = entries["*"]
            if (name in listed) if listed is not None else not name.startswith("_"):
                return True
        return False

    def walk(self, qualified):
        """(names, defs): `qualified` and every name it re-exports in turn, through
        `from m import x [as y]` and star imports of every file that has the module's
        name (16 names at most: chains can loop), and the def entries reached."""
        names = [qualified]
        found = []
        i = 0
        while i < len(names) and i < 16:
            mod, _, name = names[i].rpartition(".")
            i += 1
            for entries in self.modules.get(mod, ()):
                entry = entries.get(name) if name != "*" else None
                if entry is None:
                    # Not bound by the file itself: what its star imports bring.
                    for star in entries["*"][1]:
                        target = f"{star}.{name}"
                        if self.star_brings(star, name) and target not in names:
                            names.append(target)
                    continue
                if entry[0] == "def":
                    found.append(entry)
                elif entry[1] not in names:
                    names.append(entry[1])
        return names, found

    def reaches_rule(self, qualified, rules):
        """Is `qualified` a rule's function under another name: does its chain pass a
        name a rule has, or meet the chain of a re-export named as a rule?"""
        names = self.walk(qualified)[0]
        if any(n.rpartition(".")[2] in rules for n in names):
            return True
        return any(n in self.rule_chains(rules) for n in names)

    def rule_chains(self, rules):
        """Every name reached from a re-export whose name is a rule's."""
        key = tuple(sorted(rules))
        if self._chains.get(key) is None:
            out = set()
            for mod, files in self.modules.items():
                for entries in files:
                    for r in rules:
                        if entries.get(r, ("",))[0] == "alias":
                            out.update(self.walk(f"{mod}.{r}")[0])
            self._chains[key] = out
        return self._chains[key]

    def renamed(self, rules):
        """The names other than the rules' under which the tree re-exports a rule's
        function (for a filter: a file may call it by one of them)."""
        key = ("renamed", *sorted(rules))
        if self._chains.get(key) is None:
            self._chains[key] = self._renamed(rules)
        return self._chains[key]

    def _renamed(self, rules):
        out = set()
        for mod, files in self.modules.items():
            for entries in files:
                for name, entry in entries.items():
                    if (entry[0] == "alias" and name not in rules
                            and self.reaches_rule(f"{mod}.{name}", rules)):
                        out.add(name)
                for r in rules:
                    if entries.get(r, ("",))[0] == "alias":
                        out.update(n.rpartition(".")[2] for n in self.walk(f"{mod}.{r}")[0])
        return out - set(rules)

    def definition(self, qualified):
        """The ("def", is_async, decorators) entry `qualified` can end at, following
        re-exports (see `walk`): an `async def` when any way leads to one, else a def
        with a decorator that may make it awaitable, else the first def; or None."""
        found = self.walk(qualified)[1]
        for pick in (lambda d: d[1], lambda d: first_unsafe(d[2]), lambda d: True):
            for d in found:
                if pick(d):
                    return d
        return None

    def ends_async(self, qualified):
        """Can `qualified`, following re-exports, end at an `async def`?"""
        d = self.definition(qualified)
        return bool(d and d[1])


# ---------------------------------------------------------------------------------
# Scopes: which binding a name refers to, as Python's compiler decides it.


class Scope:
    __slots__ = ("kind", "parent", "bindings", "globals", "nonlocals")

    def __init__(self, kind, parent):
        self.kind = kind
        self.parent = parent
        self.bindings = {}
        self.globals = set()
        self.nonlocals = set()

    def bind(self, name, what):
        self.bindings.setdefault(name, []).append(what)


OTHER = ("other",)


class Collector:
    """Walks a module once: scopes, bindings, awaits (with their scope), star
    imports, and the awaits inside blocks that expect a TypeError."""

    def __init__(self):
        self.module = Scope("module", None)
        self.awaits = []  # (Await node, Scope)
        self.stars = []
        self.in_raises = set()  # id() of Await nodes inside raises blocks
        # (scope, names its `try` imports) of the `except ImportError:` handlers the
        # walk is inside.
        self.handlers = []

    def is_fallback(self, scope, name):
        return any(s is scope and name in names for s, names in self.handlers)

    def type_param_scope(self, node, scope):
        """The scope of a generic definition's PEP 695 type parameters, or `scope`."""
        params = getattr(node, "type_params", None)
        if not params:
            return scope
        inner = Scope("typeparams", scope)
        for p in params:
            inner.bind(p.name, OTHER)
        for p in params:
            for field in ("bound", "default_value"):
                if getattr(p, field, None) is not None:
                    self.visit(getattr(p, field), inner)
        return inner

    def run(self, tree):
        for s in tree.body:
            self.visit(s, self.module)
        return self

    def visit_all(self, nodes, scope):
        for n in nodes:
            if n is not None:
                self.visit(n, scope)

    def bind_args(self, args, scope):
        for a in args.posonlyargs + args.args + args.kwonlyargs:
            scope.bind(a.arg, OTHER)
        for a in (args.vararg, args.kwarg):
            if a is not None:
                scope.bind(a.arg, OTHER)

    def arg_outer(self, args, scope, annotations=None):
        """Defaults are evaluated in `scope`, annotations in `annotations` (the type
        parameters' scope of a generic def) or `scope`."""
        self.visit_all(args.defaults + [d for d in args.kw_defaults if d], scope)
        for a in args.posonlyargs + args.args + args.kwonlyargs + [args.vararg, args.kwarg]:
            if a is not None and a.annotation is not None:
                self.visit(a.annotation, annotations or scope)

    def visit(self, node, scope):
        t = type(node)
        if t in (ast.FunctionDef, ast.AsyncFunctionDef):
            is_async = t is ast.AsyncFunctionDef
            fallback = not is_async and self.is_fallback(scope, node.name)
            scope.bind(node.name, ("def", is_async, decorator_names(node), fallback))
            self.visit_all(node.decorator_list, scope)
            params = self.type_param_scope(node, scope)
            self.arg_outer(node.args, scope, params)
            if node.returns is not None:
                self.visit(node.returns, params)
            inner = Scope("function", params)
            self.bind_args(node.args, inner)
            self.visit_all(node.body, inner)
        elif t is ast.Lambda:
            self.arg_outer(node.args, scope)
            inner = Scope("function", scope)
            self.bind_args(node.args, inner)
            self.visit(node.body, inner)
        elif t is ast.ClassDef:
            scope.bind(node.name, ("class", class_methods(node)))
            self.visit_all(node.decorator_list, scope)
            params = self.type_param_scope(node, scope)
            self.visit_all(node.bases, params)
            self.visit_all([k.value for k in node.keywords], params)
            inner = Scope("class", params)
            self.visit_all(node.body, inner)
        elif type(node).__name__ == "TypeAlias":
            self.visit(node.name, scope)
            self.visit(node.value, self.type_param_scope(node, scope))
        elif t is ast.Try:
            self.visit_all(node.body, scope)
            imported = imported_in(node.body)
            for h in node.handlers:
                fallback = handles_import_failure(h) and imported
                if fallback:
                    self.handlers.append((scope, imported))
                self.visit(h, scope)
                if fallback:
                    self.handlers.pop()
            self.visit_all(node.orelse + node.finalbody, scope)
        elif t in (ast.Assign, ast.AnnAssign) and node.value is not None and self.handlers:
            targets = node.targets if t is ast.Assign else [node.target]
            kind = stand_in_kind(node.value)
            for target in targets:
                if kind and isinstance(target, ast.Name) and self.is_fallback(scope, target.id):
                    scope.bind(target.id, ("standin", kind))
                else:
                    self.visit(target, scope)
            if t is ast.AnnAssign:
                self.visit(node.annotation, scope)
            self.visit(node.value, scope)
        elif t in COMPREHENSIONS:
            gens = node.generators
            self.visit(gens[0].iter, scope)
            inner = Scope("comprehension", scope)
            for i, g in enumerate(gens):
                if i:
                    self.visit(g.iter, inner)
                self.visit(g.target, inner)
                self.visit_all(g.ifs, inner)
            if t is ast.DictComp:
                self.visit_all([node.key, node.value], inner)
            else:
                self.visit(node.elt, inner)
        elif t is ast.Name:
            if not isinstance(node.ctx, ast.Load):
                scope.bind(node.id, OTHER)
        elif t is ast.NamedExpr:
            target = scope
            while target.kind == "comprehension":
                target = target.parent
            target.bind(node.target.id, OTHER)
            self.visit(node.value, scope)
        elif t is ast.Import:
            for a in node.names:
                if a.asname:
                    scope.bind(a.asname, ("module", a.name))
                else:
                    first = a.name.split(".")[0]
                    scope.bind(first, ("module", first))
        elif t is ast.ImportFrom:
            target = "." * node.level + (node.module or "")
            for a in node.names:
                if a.name == "*":
                    self.stars.append(target)
                else:
                    scope.bind(a.asname or a.name, ("from", target, a.name))
        elif t is ast.Global:
            scope.globals.update(node.names)
        elif t is ast.Nonlocal:
            scope.nonlocals.update(node.names)
        elif t is ast.ExceptHandler:
            if node.name:
                scope.bind(node.name, OTHER)
            self.visit_all([node.type] + node.body, scope)
        elif t in (ast.MatchAs, ast.MatchStar):
            if node.name:
                scope.bind(node.name, OTHER)
            if t is ast.MatchAs and node.pattern is not None:
                self.visit(node.pattern, scope)
        elif t is ast.MatchMapping:
            if node.rest:
                scope.bind(node.rest, OTHER)
            self.visit_all(node.keys + node.patterns, scope)
        elif t is ast.Await:
            self.awaits.append((node, scope))
            self.visit(node.value, scope)
        elif t in (ast.With, ast.AsyncWith):
            if any(expects_type_error(item.context_expr) for item in node.items):
                for n in ast.walk(node):
                    if isinstance(n, ast.Await):
                        self.in_raises.add(id(n))
            self.generic(node, scope)
        else:
            self.generic(node, scope)

    def generic(self, node, scope):
        for field in node._fields:
            v = getattr(node, field, None)
            if isinstance(v, ast.AST):
                self.visit(v, scope)
            elif isinstance(v, list):
                for x in v:
                    if isinstance(x, ast.AST):
                        self.visit(x, scope)


def expects_type_error(expr):
    if not isinstance(expr, ast.Call):
        return False
    f = expr.func
    last = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None
    if last not in RAISES:
        return False
    expected = expr.args[0] if expr.args else None
    if expected is None:
        expected = next((k.value for k in expr.keywords if k.arg == "expected_exception"), None)
    if expected is None:
        return False
    return any(isinstance(n, ast.Name) and n.id == "TypeError" for n in ast.walk(expected))


def resolve(scope, name, module):
    """The scope whose binding `name` refers to, or None (builtin / star import)."""
    if name in scope.globals:
        return module if name in module.bindings else None
    s = scope
    first = True
    while s is not None:
        if name in s.globals and not first:
            return module if name in module.bindings else None
        if s.kind == "class" and not first:
            s = s.parent
            continue
        if name in s.nonlocals and first:
            s = s.parent
            first = False
            continue
        if name in s.bindings:
            return s
        s = s.parent
        first = False
    return None


def qualify_name(scope, module_scope, written, names):
    """The qualified name of the dotted name `written` read in `scope`, through the
    last binding of its first name: an import, or a module-level name of the module
    whose names (primary, others) are `names`."""
    if written is None:
        return None
    root, _, rest = written.partition(".")
    s = resolve(scope, root, module_scope)
    if s is None:
        return None
    b = s.bindings[root][-1]
    tail = f".{rest}" if rest else ""
    if b[0] == "from":
        m = absolute_in(names, b[1])
        return f"{m}.{b[2]}{tail}" if m else None
    if b[0] == "module":
        return f"{b[1]}{tail}" if rest else None
    if s is module_scope and b[0] in ("def", "class", "other") and names:
        return f"{names[0][0]}.{written}"
    return None


def first_unsafe(decorators):
    """The first (written, qualified) decorator not known to keep a def synchronous."""
    for written, qualified in decorators:
        name = qualified if qualified is not None else written
        if name not in SYNC_DECORATORS:
            return written or "?"
    return None


# ---------------------------------------------------------------------------------
# The expected edits of one file.

# A binding's verdict: the rule's function; not it; an async def (or an import of
# one); the function, decorated with what may make it awaitable; a stand-in for a
# failed import that cannot be awaited; an AsyncMock stand-in.
MATCH, NO, ASYNC, DECORATED, STANDIN, AMOCK = (
    "match", "no", "async", "decorated", "standin", "asyncmock")


def combine(verdicts):
    """The verdict on a call that bindings with these verdicts may reach: nothing to do
    unless one is the function (or an async def); kept when any can be awaited, not the
    function when one is not, kept when one is decorated; stand-ins change nothing."""
    verdicts = set(verdicts)
    if not verdicts & {MATCH, ASYNC, DECORATED}:
        return NO
    if verdicts & {ASYNC, AMOCK}:
        return ASYNC
    if NO in verdicts:
        return NO
    return DECORATED if DECORATED in verdicts else MATCH


class FileJudge:
    def __init__(self, mod, rules, methods, index, keep_in_raises=True):
        self.mod = mod
        self.rules = rules
        self.methods = methods
        self.index = index
        self.renamed = index.renamed(rules)
        self.keep_in_raises = keep_in_raises

    def verdict_for(self, last, qualified):
        # A rule's name, or (decided by where the name leads, never by the name) a
        # rule's function re-exported under another name.
        if last not in self.rules and not (
                qualified and self.index.reaches_rule(qualified, self.rules)):
            return NO
        d = self.index.definition(qualified) if qualified else None
        if d and d[1]:
            return ASYNC
        if d and first_unsafe(d[2]):
            return DECORATED
        return MATCH

    def name_verdict(self, c, scope, name):
        s = resolve(scope, name, c.module)
        if s is None:
            if name not in self.rules and name not in self.renamed:
                return NO
            # A star import brings it when its module exports it (a module of the tree
            # by its `__all__` or public names; one from outside may bring anything):
            # an async def behind one keeps the await, else the first that reaches a
            # definition decides (a decorated one too). Brought by none, it is a
            # builtin: a rule's name matches.
            first = None
            for star in c.stars:
                m = absolute_in(self.mod, star)
                if not m or not self.index.star_brings(m, name):
                    continue
                v = self.verdict_for(name, f"{m}.{name}")
                if v == ASYNC:
                    return ASYNC
                if v != NO and first is None:
                    first = v
            return first or (MATCH if name in self.rules else NO)
        out = []
        for b in s.bindings[name]:
            if b[0] == "def":
                _, is_async, written, fallback = b
                if is_async:
                    out.append(ASYNC if name in self.rules else NO)
                    continue
                # This file's own def decides on its decorators, not the index's entry.
                decos = [(w, qualify_name(s, c.module, w, self.mod)) for w in written]
                if fallback and not first_unsafe(decos):
                    out.append(STANDIN)
                    continue
                q = f"{self.mod[0][0]}.{name}" if s is c.module and self.mod else None
                v = self.verdict_for(name, q)
                if v in (MATCH, DECORATED):
                    v = DECORATED if first_unsafe(decos) else MATCH
                out.append(v)
            elif b[0] == "from":
                m = absolute_in(self.mod, b[1])
                out.append(self.verdict_for(b[2], f"{m}.{b[2]}" if m else None))
            elif b[0] == "standin":
                out.append(AMOCK if b[1] == "awaitable" else STANDIN)
            else:
                out.append(NO)
        return combine(out)

    def attribute_verdict(self, c, scope, func):
        last = func.attr
        parts = [last]
        obj = func.value
        while isinstance(obj, ast.Attribute):
            parts.append(obj.attr)
            obj = obj.value
        verdict = NO
        if isinstance(obj, ast.Name) and (last in self.rules or last in self.renamed):
            s = resolve(scope, obj.id, c.module)
            if s is not None:
                bindings = s.bindings[obj.id]
                imports = [b for b in bindings if b[0] in ("module", "from")]
                if imports and all(b[0] in ("module", "from", "standin") for b in bindings):
                    rest = list(reversed(parts))
                    out = []
                    for b in bindings:
                        if b[0] == "standin":
                            out.append(AMOCK if b[1] == "awaitable" else STANDIN)
                            continue
                        if b[0] == "module":
                            base = b[1]
                        else:
                            m = absolute_in(self.mod, b[1])
                            base = f"{m}.{b[2]}" if m else None
                        if base is None:
                            out.append(self.verdict_for(last, None))
                            continue
                        written = f"{base}.{'.'.join(rest)}"
                        out.append(self.import_verdict(base, rest, written))
                    verdict = combine(out)
        if verdict == NO and last in self.methods:
            return self.method_verdict(c, scope, func)
        return verdict

    def import_verdict(self, base, rest, written):
        """The verdict on `base.rest...()` for a function rule, `base` being what an
        import binds (`written` the whole callee, qualified): a module attribute, as
        the index says, unless `base` is a class of the tree -- then its own `async def`
        of the name keeps the await and anything else is not the function -- or a def
        or an object of the tree (imported, or an attribute of a module of the tree)."""
        last = rest[-1]
        out = []
        for what in self.index.what_is(base):
            if what[0] == "class":
                out.append(ASYNC if len(rest) == 1 and what[1].get(last) else NO)
            elif what[0] == "module" and len(rest) > 1:
                out.append(self.import_verdict(f"{what[1]}.{rest[0]}", rest[1:], written))
            elif what[0] in ("module", "outside"):
                out.append(self.verdict_for(last, written))
            else:
                out.append(NO)
        return combine(out)

    def method_verdict(self, c, scope, func):
        """A method rule's `X.m()` or `X(...).m()`: the await goes unless `X` is a class
        of the tree (of the file, or imported) whose body has `async def m`."""
        receiver = func.value
        if isinstance(receiver, ast.Call):
            receiver = receiver.func
        chain = dotted(receiver)
        s = resolve(scope, chain.split(".")[0], c.module) if chain else None
        if s is None:
            return MATCH
        root, *rest = chain.split(".")
        for b in s.bindings[root]:
            if b[0] == "class":
                kept = not rest and b[1].get(func.attr)
            elif b[0] == "module":
                kept = self.receiver_is_async(b[1], rest, func.attr)
            elif b[0] == "from":
                m = absolute_in(self.mod, b[1])
                kept = bool(m) and self.receiver_is_async(f"{m}.{b[2]}", rest, func.attr)
            else:
                kept = False
            if kept:
                return ASYNC
        return MATCH

    def receiver_is_async(self, base, rest, method):
        """Is `base.rest...` (`base` bound by an import) a class of the tree whose body
        has `async def method`?"""
        for what in self.index.what_is(base):
            if what[0] == "class" and not rest and what[1].get(method):
                return True
            if (what[0] == "module" and rest
                    and self.receiver_is_async(f"{what[1]}.{rest[0]}", rest[1:], method)):
                return True
        return False

    def expected(self, tree, comments):
        """The Await nodes that must go."""
        c = Collector().run(tree)
        if comments["skip_file"]:
            return []
        out = []
        for node, scope in c.awaits:
            call = node.value
            if not isinstance(call, ast.Call):
                continue
            f = call.func
            if isinstance(f, ast.Name):
                v = self.name_verdict(c, scope, f.id)
            elif isinstance(f, ast.Attribute):
                v = self.attribute_verdict(c, scope, f)
            else:
                v = NO
            if v != MATCH:
                continue
            if id(node) in c.in_raises and self.keep_in_raises:
                continue
            ign = comments["ignore_lines"]
            if node.lineno in ign or node.end_lineno in ign:
                continue
            out.append(node)
        return out


# ---------------------------------------------------------------------------------
# Tokens: where each `await` keyword is, and the `# unawait:` comments. What the file
# must look like after is judgelib's business.


def scan_tokens(data):
    """(await token positions {(row, col)}, comment info) via tokenize."""
    awaits = set()
    ignore_lines = set()
    skip_file = False
    for tok in tokenize.tokenize(io.BytesIO(data).readline):
        if tok.type == tokenize.NAME and tok.string == "await":
            awaits.add(tok.start)
        elif tok.type == tokenize.COMMENT:
            for section in tok.string.split("#"):
                section = section.strip()
                if section.startswith("unawait:"):
                    word = section[len("unawait:"):].strip()
                    if word == "ignore":
                        ignore_lines.add(tok.start[0])
                    elif word == "skip-file":
                        skip_file = True
    return awaits, {"ignore_lines": ignore_lines, "skip_file": skip_file}


def count_awaits(tree):
    return sum(isinstance(n, ast.Await) for n in ast.walk(tree))


# ---------------------------------------------------------------------------------
# Judging one file across the after-trees.

class TreeJudge:
    """What judging one file of the before-tree against every after-tree needs: the
    trees, the rules and the project index. Built once per run; a worker process gets
    it once, through the pool's initializer (see `_start_worker`)."""

    def __init__(self, before, afters, rules, methods, index, keep_in_raises, roots):
        self.before = before
        self.roots = roots
        self.afters = afters
        self.rules = set(rules)
        self.methods = set(methods)
        self.index = index
        self.keep_in_raises = keep_in_raises
        # A file may call a rule's function only by a name it is re-exported under.
        names = sorted(self.rules | self.methods | index.renamed(self.rules))
        self.needles = (re.compile(b"|".join(re.escape(n.encode()) for n in names))
                        if names else re.compile(b"(?!)"))

    def expectation(self, before_path, data):
        """(expected bytes, expected tree or None, number of expected edits) of one
        before file. Raises what CPython raises on a file it cannot read."""
        if b"await" not in data or self.needles.search(data) is None:
            return data, None, 0
        tree = ast.parse(data)
        token_starts, comments = scan_tokens(data)
        judge = FileJudge(module_names(before_path, self.roots), self.rules, self.methods,
                          self.index, self.keep_in_raises)
        positions = [(n.lineno, n.col_offset) for n in judge.expected(tree, comments)]
        if not positions:
            return data, None, 0
        return (expected_bytes(data, positions, token_starts),
                without_awaits(tree, positions), len(positions))

    def judge_file(self, rel):
        """[(verdict, detail, n_expected)] per after-tree; verdict ok|wrong|unjudged."""
        before_path = os.path.join(self.before, rel)
        data = Path(before_path).read_bytes()
        afters = []
        for a in self.afters:
            try:
                afters.append(Path(a, rel).read_bytes())
            except FileNotFoundError:
                afters.append(None)
        expected, want_tree, n_expected = data, None, 0
        unjudged = None
        try:
            expected, want_tree, n_expected = self.expectation(before_path, data)
        except (SyntaxError, ValueError, tokenize.TokenError, JudgeError, UnicodeError) as e:
            unjudged = f"before cannot be judged: {type(e).__name__}: {e}"
        results = []
        for after in afters:
            if after is None:
                results.append(("wrong", "file missing after the run", n_expected))
            elif unjudged:
                verdict = "ok" if after == data else "unjudged"
                results.append((verdict, unjudged, n_expected))
            elif after == expected:
                if want_tree is not None:
                    # The byte rule and the AST rule must agree; if not, the judge is wrong.
                    got = ast.dump(ast.parse(after))
                    if got != ast.dump(want_tree):
                        results.append(("wrong", "JUDGE BUG: expected bytes do not give "
                                        "the expected AST", n_expected))
                        continue
                results.append(("ok", "", n_expected))
            else:
                why = diagnose(data, after, expected, want_tree, n_expected)
                results.append(("wrong", why, n_expected))
        return rel, results


# A worker process's TreeJudge. multiprocessing hands an object to its workers either
# with every task (pickled again for each chunk of files; the index can be large) or
# once, through the pool's initializer, which needs this one slot per process: set once
# when the worker starts, then only read.
_worker_judge = None


def _start_worker(judge):
    global _worker_judge
    _worker_judge = judge


def _judge_in_worker(rel):
    return _worker_judge.judge_file(rel)


def diagnose(before, after, expected, want_tree, n_expected):
    try:
        got = ast.parse(after)
    except (SyntaxError, ValueError) as e:
        return f"does not parse after the run: {getattr(e, 'msg', e)} at line {getattr(e, 'lineno', '?')}"
    want = want_tree if want_tree is not None else ast.parse(before)
    if ast.dump(got) == ast.dump(want):
        i = first_difference(after, expected)
        line = expected[:i].count(b"\n") + 1
        return f"AST right but bytes differ from the expected ones at line {line} (byte {i})"
    have, need = count_awaits(got), count_awaits(want)
    if have > need:
        return f"missed: {have - need} expected await(s) still there (of {n_expected} expected)"
    if have < need:
        return f"removed {need - have} await(s) that must stay (expected {n_expected})"
    return f"AST differs from the expected one (expected {n_expected} removals; same await count)"


def py_files(root):
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for f in filenames:
            if f.endswith((".py", ".pyi")):
                out.append(os.path.relpath(os.path.join(dirpath, f), root))
    return sorted(out)


def build_index(before, files, names, pool, roots):
    """The index of the files that may define or re-export a rule's function: a
    `def NAME`, or an `__init__.py` that mentions a name or star-imports. Built again
    with the other names a rule's function is re-exported under while that finds
    new ones (a chain of renames)."""
    if not names:
        return Index({})
    rules = set(names)
    needles_of = set(names)
    for _ in range(5):
        index = index_with(before, files, sorted(needles_of), pool, roots)
        more = index.renamed(rules) - needles_of
        if not more:
            return index
        needles_of |= more
    return index


def index_with(before, files, names, pool, roots):
    defs = re.compile(rb"\bdef[ \t]+(?:" + b"|".join(re.escape(n.encode()) for n in names) + rb")\b")
    needles = re.compile(b"|".join(re.escape(n.encode()) for n in names) + rb"|import\s*\*")
    wanted = []
    for rel in files:
        p = os.path.join(before, rel)
        data = Path(p).read_bytes()
        if (os.path.basename(rel) == "__init__.py" and needles.search(data)) or defs.search(data):
            wanted.append(p)
    modules = {}
    for r in pool.map(functools.partial(index_file, roots), wanted, chunksize=16):
        if r:
            for name in r[0]:
                modules.setdefault(name, []).append(r[1])
    return Index(modules)


def judge_trees(before, afters, names, methods, keep_in_raises=True, jobs=None, labels=None):
    """{label: {"files", "wrong", "unjudged", "expected_edits", "wrong_files": [...]}}"""
    before = os.path.abspath(before)
    labels = labels or [os.path.basename(a.rstrip("/")) for a in afters]
    files = py_files(before)
    roots = project_roots(before)
    with Pool(jobs or os.cpu_count()) as pool:
        index = build_index(before, files, sorted(set(names)), pool, roots)
    index.paths, index.roots = tree_modules(before, files, roots), roots
    judge = TreeJudge(before, [os.path.abspath(a) for a in afters], names, methods, index,
                      keep_in_raises, roots)
    report = {lab: {"files": 0, "ok": 0, "wrong": 0, "unjudged": 0, "expected_edits": 0,
                    "files_with_edits": 0, "wrong_files": [], "unjudged_files": []} for lab in labels}
    with Pool(jobs or os.cpu_count(), initializer=_start_worker, initargs=(judge,)) as pool:
        for rel, results in pool.imap(_judge_in_worker, files, chunksize=32):
            for lab, (verdict, why, n) in zip(labels, results):
                r = report[lab]
                r["files"] += 1
                r["expected_edits"] += n
                r["files_with_edits"] += 1 if n else 0
                r[verdict] += 1
                if verdict == "wrong":
                    r["wrong_files"].append([rel, why])
                elif verdict == "unjudged":
                    r["unjudged_files"].append([rel, why])
    known = set(files)
    for a, lab in zip(afters, labels):
        for rel in py_files(a):
            if rel not in known:
                report[lab]["wrong"] += 1
                report[lab]["wrong_files"].append([rel, "file appeared after the run"])
    return report


# ---------------------------------------------------------------------------------
# Self-test: the judge must flag each kind of wrong result.

SELF_TEST_DOUBLES = (
    # The pytest layout (`tests/` has no __init__, `tests/helpers/` has one) and a
    # namespace package: the async doubles are found under these names, so the awaits
    # on them stay.
    "from tests.helpers.fakes import get_thing as fake\n"
    "from helpers.fakes import get_thing as sibling\n"
    "from ns.pkg.mod import get_thing as spaced\n"
    "\n"
    "\n"
    "async def test_it():\n"
    "    await fake()\n"
    "    await sibling()\n"
    "    await spaced()\n"
)
SELF_TEST_SRC = {
    "pkg/__init__.py": "from .impl import fetch\n",
    "pkg/impl.py": "async def fetch():\n    pass\n",
    "tests/helpers/__init__.py": "",
    "tests/helpers/fakes.py": "async def get_thing():\n    pass\n",
    "tests/test_doubles.py": SELF_TEST_DOUBLES,
    "ns/pkg/mod.py": "async def get_thing():\n    pass\n",
    "app/__init__.py": "",
    "app/main.py": (
        "import asyncio\n"
        "from helpers import get_thing as gt\n"
        "from pkg import fetch\n"
        "\n"
        "\n"
        "async def run(get_thing):\n"
        "    await get_thing()  # a parameter: stays\n"
        "\n"
        "\n"
        "async def main():\n"
        "    a = await get_thing()\n"
        "    b = await  (get_thing(1,\n"
        "                         2))\n"
        "    c = await gt()\n"
        "    d = await asyncio.get_thing()\n"
        "    e = await get_thing().send()  # the await belongs to send\n"
        "    f = await fetch()  # async def in pkg.impl: stays\n"
        "    s = 'await get_thing()'\n"
        "    x = (await  # why\n"
        "         get_thing())\n"
        "    await obj.get_thing()  # not an import, not a method rule: stays\n"
        "    await obj.sync_method()\n"
        "    with pytest.raises(TypeError):\n"
        "        await get_thing()\n"
        "    await get_thing()  # unawait: ignore\n"
        "    return [await get_thing() for get_thing in things]\n"
    ),
}
# Bindings decided at run time, where Python evaluates a default, decorated defs.
SELF_TEST_SRC["app/runtime.py"] = (
    "import functools\n"
    "from unittest.mock import AsyncMock\n"
    "from asgiref.sync import sync_to_async\n"
    "\n"
    "try:\n"
    "    from helpers import get_thing\n"
    "except ImportError:\n"
    "    get_thing = None\n"
    "\n"
    "\n"
    "async def uses_fallback():\n"
    "    await get_thing()  # None stands in: goes\n"
    "\n"
    "\n"
    "async def default_scope():\n"
    "    def inner(get_thing=None, value=await get_thing()):  # evaluated here: goes\n"
    "        return value\n"
    "    return inner\n"
    "\n"
    "\n"
    "async def decorated():\n"
    "    @sync_to_async\n"
    "    def get_thing():\n"
    "        return 1\n"
    "    return await get_thing()  # may be awaitable: stays\n"
    "\n"
    "\n"
    "async def cached():\n"
    "    @functools.lru_cache(maxsize=None)\n"
    "    def get_thing():\n"
    "        return 1\n"
    "    return await get_thing()  # goes\n"
    "\n"
    "\n"
    "async def mocked():\n"
    "    try:\n"
    "        from helpers import get_thing\n"
    "    except ImportError:\n"
    "        get_thing = AsyncMock()\n"
    "    return await get_thing()  # an AsyncMock can be awaited: stays\n"
)
# Through the index: a decorated def of another module.
SELF_TEST_SRC["pkg/wrapped.py"] = (
    "from asgiref.sync import sync_to_async\n\n\n@sync_to_async\ndef get_thing():\n    return 1\n")
SELF_TEST_SRC["app/cross.py"] = (
    "from pkg.wrapped import get_thing\n\n\nasync def f():\n"
    "    return await get_thing()  # decorated in pkg/wrapped.py: stays\n")
# Star imports and renamed re-exports: a star brings only what `__all__` lists, an
# `__init__.py`'s star is followed, a re-export under another name is the function.
SELF_TEST_SRC.update({
    "star/__init__.py": "from .impl import *\n",
    "star/impl.py": "__all__ = ['shown']\n\n\nasync def get_thing():\n    pass\n",
    "astar/__init__.py": "from .impl import *\n",
    "astar/impl.py": "async def get_thing():\n    pass\n",
    "ren/__init__.py": "from .impl import get_thing as renamed\n",
    "ren/impl.py": "def get_thing():\n    pass\n",
    "app/stars.py": "from star import *\nfrom astar import *\n\n\nasync def s():\n"
                    "    await get_thing()  # async behind astar's star: stays\n",
    "app/hidden.py": "from star import *\n\n\nasync def h():\n"
                     "    await get_thing()  # not in star's __all__: a builtin, goes\n",
    "app/ren.py": "from ren import renamed\n\n\nasync def r():\n    await renamed()  # goes\n",
})
# Classes are not modules: `C.f()` on a class of the tree is decided by the class's own
# method (found through re-exports, `as` renames, a module binding), an object of the
# tree is not the function, and a method rule's `C.m()` / `C().m()` keeps the await when
# the class's body has `async def m`. A class from outside the tree is a module attribute.
SELF_TEST_SRC.update({
    "clsrx/tools/__init__.py": "from .factory import Factory, SyncFactory\n",
    "clsrx/tools/factory.py": (
        "class Base:\n"
        "    async def get_thing(self):\n"
        "        pass\n"
        "\n"
        "\n"
        "class Factory:\n"
        "    @classmethod\n"
        "    async def get_thing(cls):\n"
        "        pass\n"
        "\n"
        "    async def sync_method(self):\n"
        "        pass\n"
        "\n"
        "\n"
        "class SyncFactory(Base):\n"
        "    def other(self):\n"
        "        pass\n"
        "\n"
        "\n"
        "handle = object()\n"
    ),
    "app/classes.py": (
        "import clsrx.tools.factory as fmod\n"
        "import clsrx.tools.factory\n"
        "from clsrx import tools\n"
        "from clsrx.tools import Factory, SyncFactory\n"
        "from clsrx.tools.factory import Factory as F2, SyncFactory as S2, handle\n"
        "from lib import Location\n"
        "\n"
        "\n"
        "class Local:\n"
        "    async def sync_method(self):\n"
        "        pass\n"
        "\n"
        "\n"
        "class LocalSync:\n"
        "    def sync_method(self):\n"
        "        pass\n"
        "\n"
        "\n"
        "async def use(other):\n"
        "    await Factory.get_thing()  # async classmethod: stays\n"
        "    await F2.get_thing()  # stays\n"
        "    await SyncFactory.get_thing()  # inherited, not the function: stays\n"
        "    await S2.get_thing()  # stays\n"
        "    await handle.get_thing()  # an object of the tree: stays\n"
        "    await fmod.Factory.get_thing()  # stays\n"
        "    await tools.SyncFactory.get_thing()  # stays\n"
        "    await clsrx.tools.factory.handle.get_thing()  # through a namespace package: stays\n"
        "    await Factory.sync_method()  # async method: stays\n"
        "    await Factory().sync_method()  # stays\n"
        "    await (F2()).sync_method()  # stays\n"
        "    await fmod.Factory().sync_method()  # stays\n"
        "    await Local().sync_method()  # stays\n"
        "    await other.sync_method()  # goes\n"
        "    await LocalSync().sync_method()  # a sync method: goes\n"
        "    await Location.get_thing()  # a class from outside: goes\n"
    ),
})
SELF_TEST_FIXED = {
    "app/classes.py": SELF_TEST_SRC["app/classes.py"].replace(
        "await other.", "other.").replace(
        "await LocalSync()", "LocalSync()").replace(
        "await Location.", "Location."),
    "app/hidden.py": SELF_TEST_SRC["app/hidden.py"].replace("await get_thing()", "get_thing()"),
    "app/ren.py": SELF_TEST_SRC["app/ren.py"].replace("await renamed()", "renamed()"),
}
SELF_TEST_RUNTIME_AFTER = SELF_TEST_SRC["app/runtime.py"].replace(
    "    await get_thing()  # None", "    get_thing()  # None").replace(
    "value=await get_thing()", "value=get_thing()").replace(
    "return await get_thing()  # goes", "return get_thing()  # goes")
SELF_TEST_EDITS = 14
SELF_TEST_AFTER = SELF_TEST_SRC["app/main.py"].replace(
    "a = await get_thing()", "a = get_thing()").replace(
    "b = await  (get_thing", "b = (get_thing").replace(
    "c = await gt()", "c = gt()").replace(
    "d = await asyncio", "d = asyncio").replace(
    "x = (await  # why", "x = (  # why").replace(
    "    await obj.sync_method()", "    obj.sync_method()")


def self_test():
    def tree(root, files):
        for rel, text in files.items():
            p = Path(root, rel)
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(text.encode())

    good = SELF_TEST_AFTER
    runtime = SELF_TEST_RUNTIME_AFTER
    cases = {
        "right": (good, 0),
        "fallback": ({"app/runtime.py": runtime.replace("    get_thing()  # None",
                                                         "    await get_thing()  # None")}, 1),
        "default": ({"app/runtime.py": runtime.replace("value=get_thing()",
                                                        "value=await get_thing()")}, 1),
        "decorated": ({"app/runtime.py": runtime.replace("return await get_thing()  # may",
                                                          "return get_thing()  # may")}, 1),
        "asyncmock": ({"app/runtime.py": runtime.replace("return await get_thing()  # an",
                                                          "return get_thing()  # an")}, 1),
        "index": ({"app/cross.py": SELF_TEST_SRC["app/cross.py"].replace(
            "return await get_thing()", "return get_thing()")}, 1),
        "missed": (good.replace("a = get_thing()", "a = await get_thing()"), 1),
        "extra": (good.replace("f = await fetch()", "f = fetch()"), 1),
        "chain": (good.replace("e = await get_thing().send()", "e = get_thing().send()"), 1),
        "string": (good.replace("'await get_thing()'", "'get_thing()'"), 1),
        "broken": (good.replace("b = (get_thing(1,", "b = (get_thing(1,,"), 1),
        "byte": (good.replace("# why", "#  why"), 1),
        "spaces": (good.replace("b = (get_thing", "b = ( get_thing"), 1),
        "crlf": (good.replace("\n", "\r\n", 1), 1),
        "star-async": ({"app/stars.py": SELF_TEST_SRC["app/stars.py"].replace(
            "await get_thing()", "get_thing()")}, 1),
        "star-all": ({"app/hidden.py": SELF_TEST_SRC["app/hidden.py"]}, 1),
        "renamed": ({"app/ren.py": SELF_TEST_SRC["app/ren.py"]}, 1),
    }
    classes = SELF_TEST_FIXED["app/classes.py"]
    for name, call in [("cls-async", "Factory.get_thing()"), ("cls-alias", "F2.get_thing()"),
                       ("cls-inherited", "S2.get_thing()"), ("cls-object", "handle.get_thing()"),
                       ("cls-module", "fmod.Factory.get_thing()"),
                       ("cls-submodule", "tools.SyncFactory.get_thing()"),
                       ("cls-namespace", "clsrx.tools.factory.handle.get_thing()"),
                       ("cls-method", "Factory.sync_method()"),
                       ("cls-instance", "(F2()).sync_method()"),
                       ("cls-mod-instance", "fmod.Factory().sync_method()"),
                       ("cls-local", "Local().sync_method()")]:
        assert f"    await {call}" in classes, call
        cases[name] = ({"app/classes.py": classes.replace(f"    await {call}", f"    {call}")}, 1)
    cases["cls-missed"] = ({"app/classes.py": classes.replace(
        "    other.sync_method()", "    await other.sync_method()")}, 1)
    cases["cls-outside"] = ({"app/classes.py": classes.replace(
        "    Location.get_thing()", "    await Location.get_thing()")}, 1)
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        before = os.path.join(tmp, "before")
        tree(before, SELF_TEST_SRC)
        afters = []
        for name, (text, _) in cases.items():
            a = os.path.join(tmp, name)
            files = text if isinstance(text, dict) else {"app/main.py": text}
            tree(a, {**SELF_TEST_SRC, **SELF_TEST_FIXED, "app/main.py": good,
                     "app/runtime.py": runtime, **files})
            afters.append(a)
        for double in ["fake", "sibling", "spaced"]:
            # A tool that does not see the double removes its await: wrong.
            name = f"double-{double}"
            a = os.path.join(tmp, name)
            removed = SELF_TEST_DOUBLES.replace(f"await {double}()", f"{double}()")
            tree(a, {**SELF_TEST_SRC, **SELF_TEST_FIXED, "app/main.py": good,
                     "app/runtime.py": runtime, "tests/test_doubles.py": removed})
            afters.append(a)
            cases[name] = (None, 1)
        vanished = os.path.join(tmp, "vanished")
        tree(vanished, {k: v for k, v in SELF_TEST_SRC.items() if k != "pkg/impl.py"}
             | SELF_TEST_FIXED | {"app/main.py": good, "app/runtime.py": runtime})
        afters.append(vanished)
        cases["vanished"] = (None, 1)
        report = judge_trees(before, afters, ["get_thing"], ["sync_method"], jobs=1, labels=list(cases))
        for name, (_, want_wrong) in cases.items():
            r = report[name]
            ok = r["wrong"] == want_wrong and r["expected_edits"] == SELF_TEST_EDITS
            failures += not ok
            why = "; ".join(w for _, w in r["wrong_files"]) or "no wrong file"
            print(f"self-test {name:16} {'pass' if ok else 'FAIL'}: wrong={r['wrong']} "
                  f"(want {want_wrong}), expected edits={r['expected_edits']} "
                  f"(want {SELF_TEST_EDITS}): {why}")
    print(f"self-test: {len(cases) - failures} passed, {failures} failed")
    return 1 if failures else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--before", help="the tree before the run")
    ap.add_argument("--after", action="append", default=[], help="a tree after a run (repeatable)")
    ap.add_argument("--label", action="append", default=[], help="a name for each --after")
    ap.add_argument("-f", "--function", action="append", default=[], help="a bare function rule")
    ap.add_argument("--method", action="append", default=[], help="a method rule")
    ap.add_argument("--no-keep-in-raises", action="store_true")
    ap.add_argument("-j", "--jobs", type=int)
    ap.add_argument("--json", help="write the report here")
    ap.add_argument("--show", type=int, default=20, help="wrong files to print per tree")
    ap.add_argument("--self-test", action="store_true")
    args = ap.parse_args()
    if args.self_test:
        sys.exit(self_test())
    if not args.before or not args.after:
        ap.error("--before and --after are required")
    if any("." in n for n in args.function):
        ap.error("qualified rules are not implemented by this judge; use bare names")
    labels = args.label if len(args.label) == len(args.after) else None
    report = judge_trees(args.before, args.after, args.function, args.method,
                         not args.no_keep_in_raises, args.jobs, labels)
    any_wrong = False
    for lab, r in report.items():
        for rel, why in r["wrong_files"][: args.show]:
            print(f"WRONG {lab} {rel}: {why}")
        if len(r["wrong_files"]) > args.show:
            print(f"WRONG {lab} ... and {len(r['wrong_files']) - args.show} more")
        for rel, why in r["unjudged_files"][: args.show]:
            print(f"UNJUDGED {lab} {rel}: {why}")
        print(f"judge {lab}: {r['files']} files, {r['expected_edits']} expected edits in "
              f"{r['files_with_edits']} files; {r['ok']} ok, {r['wrong']} wrong, {r['unjudged']} unjudged")
        any_wrong |= r["wrong"] > 0
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1))
    sys.exit(1 if any_wrong else 0)


if __name__ == "__main__":
    main()
