"""A procedure is a declaration: no shared module names one, and a procedure module is pure Python.

Every registered procedure's name may appear only in its own module (workflows/<name>.py) and in the
templates of the document kinds it declares (pdf/templates/<kind>.html); the engine, pages, API, jobs,
statistics, draws, documents, forms, the command line and static files read its declaration instead
(STYLE.md 12). Migrations (history) and bench/ (fixed benchmark scenarios) are not scanned.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from workflows.registry import PROCEDURES

ROOT = Path(__file__).resolve().parents[2]
SKIPPED = {"tests", "migrations", "bench", ".venv", ".git", "instance", "test-artifacts", "node_modules"}
SUFFIXES = {".py", ".html", ".txt", ".js", ".css", ".svg"}


def _files() -> list[Path]:
    return sorted(
        p
        for p in ROOT.rglob("*")
        if p.is_file() and p.suffix in SUFFIXES and not SKIPPED & set(p.relative_to(ROOT).parts)
    )


def _own_files(name: str) -> set[Path]:
    templates = {ROOT / "pdf" / "templates" / f"{k.template or k.name}.html" for k in PROCEDURES[name].documents}
    return {ROOT / "workflows" / f"{name}.py", *templates}


def test_the_scan_sees_the_code():
    files = {p.relative_to(ROOT).as_posix() for p in _files()}
    assert {
        "workflows/engine.py",
        "views/api/presenters.py",
        "templates/base.html",
        "static/app.js",
        "pdf/templates/_macros.html",
        "cli/demo.py",
    } <= files


@pytest.mark.parametrize("name", sorted(PROCEDURES))
def test_no_module_outside_a_procedure_names_it(name):
    word = re.compile(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])")
    own = _own_files(name)
    found = [
        f"{p.relative_to(ROOT)}:{n}: {line.strip()[:100]}"
        for p in _files()
        if p not in own
        for n, line in enumerate(p.read_text(encoding="utf-8", errors="replace").splitlines(), 1)
        if word.search(line)
    ]
    assert not found, f"{name} is named outside its declaration:\n" + "\n".join(found)


# --- procedure modules: pure Python -------------------------------------------------------------------

FORBIDDEN = ("flask", "sqlalchemy", "flask_sqlalchemy", "flask_login", "flask_wtf", "flask_babel", "werkzeug")


def _imports(module: str) -> set[str]:
    """The modules `module`'s file imports (absolute names; relative imports resolved)."""
    path = ROOT / (module.replace(".", "/") + ".py")
    if not path.exists():
        path = ROOT / module.replace(".", "/") / "__init__.py"
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            base = node.module if not node.level else ".".join(module.split(".")[: -node.level] + [node.module])
            found.add(base)
            found |= {
                f"{base}.{a.name}" for a in node.names if (ROOT / base.replace(".", "/") / f"{a.name}.py").exists()
            }
    return found


def _ours(module: str) -> bool:
    top = ROOT / module.split(".")[0]
    return top.is_dir() or top.with_suffix(".py").exists()


def _closure(module: str) -> dict[str, set[str]]:
    """Every module reachable from `module` through the project's own imports, with what each imports."""
    seen: dict[str, set[str]] = {}
    todo = [module]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen[current] = _imports(current)
        todo += [m for m in seen[current] if _ours(m) and m not in seen]
    return seen


@pytest.mark.parametrize("name", sorted(PROCEDURES))
def test_a_procedure_module_imports_neither_flask_nor_sqlalchemy(name):
    """Not itself, and not through anything it imports (import-linter's contract checks the same in CI)."""
    bad = {
        (module, imported)
        for module, imports in _closure(f"workflows.{name}").items()
        for imported in imports
        if imported.split(".")[0] in FORBIDDEN
    }
    assert not bad, f"workflows.{name} reaches a framework: {sorted(bad)}"


def test_the_purity_check_would_see_a_framework_import():
    assert {"flask", "sqlalchemy"} <= {m.split(".")[0] for m in _closure("workflows.context")["workflows.context"]}
