"""The admin-loaded holiday table, read from the database and cached until it changes."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select

from infra.extensions import driver_fetchone
from models import Holiday, HolidayYear, db
from workflows.calendar import HolidayTable, parse_holiday_file

_cache: dict = {"key": None, "table": None}
CHECKED = "holiday_table"  # in db.session.info: the table this request (session) has checked against its key
# changes whenever load() runs; asked once per request on the driver's own cursor (plain SQL both databases speak,
# the values only ever compared with the last ones): the deadline of nearly every event pays for it, and SQLAlchemy's
# execution costs more than the query itself
KEY_SQL = f"SELECT count(year), max(loaded_at) FROM {HolidayYear.__tablename__}"


def table() -> HolidayTable:
    """The table, its key (years loaded, last load) compared with the database once per request: a table
    loaded by another process is seen from the next request on, one loaded in this one at once (load())."""
    if CHECKED in db.session.info:
        return db.session.info[CHECKED]
    # on the session's connection, so without an autoflush: the key does not depend on the caller's pending
    # changes (load() flushes its own), and an event asking mid-way would otherwise write its row twice
    key = tuple(driver_fetchone(db.session.connection(), KEY_SQL))
    if _cache["key"] != key:
        rows = db.session.execute(select(Holiday.day, Holiday.is_working_day, Holiday.name)).all()
        years = db.session.execute(select(HolidayYear.year)).scalars().all()
        _cache.update(key=key, table=HolidayTable([(r.day, r.is_working_day, r.name) for r in rows], years))
    db.session.info[CHECKED] = _cache["table"]
    return _cache["table"]


def load(text: str) -> tuple[int, list[int]]:
    """Replace the table's entries for every year the file names; returns (entries, years)."""
    entries, years = parse_holiday_file(text)
    every_year = sorted(years | {d.year for d, _w, _n in entries})
    for year in every_year:
        db.session.execute(delete(Holiday).where(Holiday.day.between(date(year, 1, 1), date(year, 12, 31))))
        db.session.execute(delete(HolidayYear).where(HolidayYear.year == year))
        db.session.add(HolidayYear(year=year))
    db.session.add_all(Holiday(day=d, is_working_day=w, name=n) for d, w, n in entries)
    db.session.flush()
    db.session.info.pop(CHECKED, None)
    return len(entries), every_year


def known_years() -> list[int]:
    return list(db.session.execute(select(HolidayYear.year).order_by(HolidayYear.year)).scalars())


def already_loaded(text_: str) -> tuple[int, list[int]] | None:
    """(entries, years) when every year of the file is loaded with exactly its entries, else None.

    Raises ValueError for a bad file, as holidays.load() does."""
    entries, declared = parse_holiday_file(text_)
    years = sorted(set(declared) | {d.year for d, _w, _n in entries})
    if not years or not set(years) <= set(known_years()):
        return None
    rows = set()
    for year in years:
        rows |= {
            tuple(r)
            for r in db.session.execute(
                select(Holiday.day, Holiday.is_working_day, Holiday.name).where(
                    Holiday.day.between(date(year, 1, 1), date(year, 12, 31))
                )
            )
        }
    return (len(entries), years) if rows == set(entries) and len(rows) == len(entries) else None
