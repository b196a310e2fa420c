"""Which modules of this package are procedures: those that declare `PROCEDURE = Procedure(...)` at their top
level. Read from the source text, without importing anything (the registry and the import contract use it)."""

from __future__ import annotations

import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
_DECLARES = re.compile(r"^PROCEDURE\s*=\s*Procedure\(", re.M)


def procedure_modules() -> list[str]:
    """The dotted names of the procedure modules, sorted."""
    return sorted(
        f"{__package__}.{path.stem}" for path in HERE.glob("*.py") if _DECLARES.search(path.read_text(encoding="utf-8"))
    )
