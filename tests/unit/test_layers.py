"""The layers (docs/ARCHITECTURE.md): what import-linter cannot see, and lint-imports itself."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# One known reader; then its entry goes:
# - workflows/security.py client_address() reads the caller's address for lockouts and the security log: the
#   views are to pass it in with the operations layer's admin actions.
REQUEST_ALLOWED = {"workflows/security.py"}


def test_the_engine_never_reads_the_request():
    found = []
    for path in sorted((ROOT / "workflows").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "flask":
                names = {a.name for a in node.names} & {"request", "has_request_context", "session", "g"}
                if names and path.relative_to(ROOT).as_posix() not in REQUEST_ALLOWED:
                    found.append(f"{path.relative_to(ROOT)}: {sorted(names)}")
    assert not found


def test_no_import_inside_a_function_dodges_a_cycle():
    """Imports sit at the top of a module; inside a function only for an optional heavy module, said why."""
    optional = {"rq", "redis", "psycopg", "prometheus_client", "weasyprint"}
    found = []
    for path in sorted(ROOT.glob("*/**/*.py")) + sorted(ROOT.glob("*.py")):
        rel = path.relative_to(ROOT)
        if rel.parts[0] in {"tests", "migrations", "bench", ".venv"}:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for inner in ast.walk(node):
                    if isinstance(inner, (ast.Import, ast.ImportFrom)):
                        names = [inner.module] if isinstance(inner, ast.ImportFrom) else [a.name for a in inner.names]
                        if any((n or "").split(".")[0] not in optional for n in names):
                            found.append(f"{rel}:{inner.lineno}: {names}")
    assert not found


def test_lint_imports_keeps_every_contract():
    """.importlinter's contracts (the layers, pure procedures, nothing builds the app); .ci/run runs it too."""
    done = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports"))], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout[-3000:]
