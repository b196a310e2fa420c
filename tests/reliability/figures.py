"""Figures from a real run (counts, seconds), appended to test-artifacts/reliability/<database>.jsonl for RELIABILITY.md."""

from __future__ import annotations

import json
import time
from pathlib import Path

OUT = Path(__file__).resolve().parents[2] / "test-artifacts" / "reliability"


def record(app, test: str, **figures) -> None:
    dialect = "postgresql" if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql") else "sqlite"
    OUT.mkdir(parents=True, exist_ok=True)
    line = {"test": test, "database": dialect, "at": time.strftime("%Y-%m-%d %H:%M:%S"), **figures}
    with open(OUT / f"{dialect}.jsonl", "a", encoding="utf-8") as fh:
        fh.write(json.dumps(line, ensure_ascii=False) + "\n")
    print(f"[figures] {json.dumps(line, ensure_ascii=False)}")
