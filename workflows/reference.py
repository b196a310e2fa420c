"""Reference data: every Harbin division with an authority of every kind (init-db, seed-demo, tests)."""

from __future__ import annotations

from sqlalchemy import select

from models import Authority, Division, db
from vocabulary import AUTHORITY_KINDS, CITY, DIVISIONS, authority_name


def ensure_reference_data() -> int:
    """Every Harbin division with an authority of every kind; returns how many rows were added."""
    added = 0
    for code, (name, short) in [(CITY[0], (CITY[1], CITY[2])), *DIVISIONS.items()]:
        if db.session.get(Division, code) is None:
            db.session.add(Division(code=code, name=name, short=short, level="city" if code == CITY[0] else "county"))
            added += 1
    db.session.flush()
    existing = {tuple(r) for r in db.session.execute(select(Authority.division_code, Authority.kind))}
    for code in [CITY[0], *DIVISIONS]:
        for kind in AUTHORITY_KINDS:
            if (code, kind) not in existing:
                db.session.add(Authority(division_code=code, kind=kind, name=authority_name(code, kind)))
                added += 1
    db.session.commit()
    return added
