"""Working-day deadlines, year periods and the Shanghai date: pure functions, no Flask, no SQLAlchemy."""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar

from workflows.statutory_holidays import is_statutory_holiday, statutory_holidays

CHINESECALENDAR = "chinesecalendar"
HOLIDAY_TABLE = "holiday_table"
PROVISIONAL = "weekdays_provisional"
SHANGHAI = ZoneInfo("Asia/Shanghai")
ONE_DAY = timedelta(days=1)

# The years chinese_calendar ships data for, read from its own table (the same bounds its
# _validate_date uses); 1.11.0 gives 2004..2026.
PACKAGE_YEARS = range(min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year + 1)


@dataclass(frozen=True)
class Deadline:
    """A computed deadline together with how it was computed."""

    due: date
    provisional: bool  # True when a day counted lies in a year no source knows
    start: date
    days: int
    source: str  # the distinct sources used, "+"-joined in order of first use

    def as_dict(self) -> dict:
        return {
            "due": self.due.isoformat(),
            "provisional": self.provisional,
            "start": self.start.isoformat(),
            "days": self.days,
            "source": self.source,
        }


class HolidayTable:
    """Admin-loaded days for years chinese_calendar does not know (or corrections).

    An entry is (day, is_working_day, name): False = statutory holiday, True = make-up working
    day (调休上班). A year is known when declared complete in `years` or when it has an entry;
    for a known year the table alone decides (unlisted days: Mon-Fri working, Sat/Sun off),
    so a correction for a year the package knows replaces the package for that whole year.
    Later entries for the same day win.
    """

    def __init__(self, entries: Iterable[tuple[date, bool, str]] = (), years: Iterable[int] = ()):
        self._days: dict[date, tuple[bool, str]] = {}
        for day, working, name in entries:
            self._days[_as_date(day)] = (bool(working), name)
        self._years = frozenset({int(y) for y in years} | {d.year for d in self._days})

    @property
    def years(self) -> frozenset[int]:
        return self._years

    def knows(self, year: int) -> bool:
        return year in self._years

    def lookup(self, day: date) -> bool | None:
        hit = self._days.get(_as_date(day))
        return None if hit is None else hit[0]

    def name(self, day: date) -> str | None:
        hit = self._days.get(_as_date(day))
        return None if hit is None else hit[1]

    def __len__(self) -> int:
        return len(self._days)

    def __repr__(self) -> str:
        return f"HolidayTable({len(self._days)} days, years={sorted(self._years)})"


_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_KINDS = {"holiday": False, "workday": True}
NAME_MAX = 64  # the width of holidays.name in the database


def parse_holiday_file(text: str) -> tuple[list[tuple[date, bool, str]], set[int]]:
    """Parse "YYYY-MM-DD,holiday|workday,name" lines; "year,YYYY" declares a year complete.

    Blank lines and lines starting with # are ignored, as is a "date,kind,name" header before
    the first entry. Any bad line raises ValueError("line N: <zh> / <en>").
    """
    entries: list[tuple[date, bool, str]] = []
    years: set[int] = set()
    seen: dict[date, int] = {}
    first = True
    for n, raw in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split(",", 2)]
        if first and [p.lower() for p in parts] == ["date", "kind", "name"]:
            first = False
            continue
        first = False
        if parts[0].lower() == "year":
            y = parts[1] if len(parts) == 2 else ""
            if not (len(y) == 4 and y.isdigit() and int(y) >= 1):
                raise ValueError(
                    f"line {n}: 年份声明无效,应为 year,YYYY:{line!r} / "
                    f"invalid year declaration, expected year,YYYY: {line!r}"
                )
            years.add(int(y))
            continue
        if len(parts) != 3:
            raise ValueError(
                f"line {n}: 应有三个字段 日期,类型,名称:{line!r} / expected three fields date,kind,name: {line!r}"
            )
        text_day, kind, name = parts
        try:
            if not _DATE_RE.fullmatch(text_day):
                raise ValueError
            day = date.fromisoformat(text_day)
        except ValueError:
            raise ValueError(
                f"line {n}: 日期无效 {text_day!r},应为 YYYY-MM-DD / invalid date {text_day!r}, expected YYYY-MM-DD"
            ) from None
        if kind.lower() not in _KINDS:
            raise ValueError(
                f"line {n}: 类型无效 {kind!r},应为 holiday(放假)或 workday(调休上班)/ "
                f"invalid kind {kind!r}, expected holiday or workday"
            )
        if not name:
            raise ValueError(f"line {n}: 名称不能为空 / name must not be empty")
        if len(name) > NAME_MAX:
            raise ValueError(f"line {n}: 名称过长(最多 {NAME_MAX} 字)/ name too long (at most {NAME_MAX} characters)")
        if day in seen:
            raise ValueError(
                f"line {n}: 日期 {day} 重复(第 {seen[day]} 行已有)/ duplicate date {day} (already on line {seen[day]})"
            )
        seen[day] = n
        entries.append((day, _KINDS[kind.lower()], name))
    return entries, years


def _as_date(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value


@functools.lru_cache(maxsize=32768)  # only dates in PACKAGE_YEARS reach it: ~8.4k at most
def _package_workday(day: date) -> bool | None:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:  # the package's "no data for this year"
        return None


def _lookup(day: date, table: HolidayTable | None) -> tuple[bool, str]:
    if table is not None and table.knows(day.year):
        listed = table.lookup(day)
        return (day.weekday() < 5 if listed is None else listed), HOLIDAY_TABLE
    if day.year in PACKAGE_YEARS:
        known = _package_workday(day)
        if known is not None:
            return known, CHINESECALENDAR
    # a year no source knows: Monday to Friday less the holidays the law fixes for every year (DOMAIN §0);
    # the schedule's 调休 and in-lieu weekdays stay unknown, hence provisional
    return day.weekday() < 5 and not is_statutory_holiday(day), PROVISIONAL


def is_working_day(day: date, table: HolidayTable | None = None) -> tuple[bool, str]:
    """(is `day` a working day?, the source that said so)."""
    return _lookup(_as_date(day), table)


def _overflow(start: date, days: int) -> ValueError:
    return ValueError(
        f"期限超出可表示的日期范围(最晚 {date.max}):{start} 起 {days} 个工作日 / "
        f"deadline beyond the last representable date {date.max}: {days} working days from {start}"
    )


def add_working_days(start: date, days: int, table: HolidayTable | None = None) -> Deadline:
    """The `days`-th working day strictly after `start` (the start day is not counted).

    days = 0 gives `start` itself. Negative days, or a due date past date.max, raise
    ValueError; nothing else does for any date. Cost is linear in `days` (any size is
    accepted; the HTTP API caps it at 3650).
    """
    start = _as_date(start)
    n = operator.index(days)
    if n < 0:
        raise ValueError(f"工作日数不能为负数:{n} / the number of working days must not be negative: {n}")
    if n == 0:
        _, source = _lookup(start, table)
        return Deadline(start, source == PROVISIONAL, start, 0, source)
    if n > (date.max - start).days:
        raise _overflow(start, n)
    day, left, sources = start, n, []
    while left:
        if day == date.max:
            raise _overflow(start, n)
        day += ONE_DAY
        working, source = _lookup(day, table)
        if source not in sources:
            sources.append(source)
        if working:
            left -= 1
    return Deadline(day, PROVISIONAL in sources, start, n, "+".join(sources))


def _weekdays_after(a: date, b: date) -> int:
    """Mon-Fri days in (a, b], by arithmetic."""
    span = (b - a).days
    count = span // 7 * 5
    wd = a.weekday()
    for i in range(1, span % 7 + 1):
        count += (wd + i) % 7 < 5
    return count


def working_days_between(start: date, end: date, table: HolidayTable | None = None) -> int:
    """Working days strictly after `start` up to and including `end` (0 if end <= start)."""
    start, end = _as_date(start), _as_date(end)
    total, cursor = 0, start  # cursor: the last day already counted
    while cursor < end:
        year = (cursor + ONE_DAY).year  # segments run to the end of each year
        seg_end = min(end, date(year, 12, 31))
        if (table is None or not table.knows(year)) and year not in PACKAGE_YEARS:
            total += _weekdays_after(cursor, seg_end) - sum(
                1 for d in statutory_holidays(year) if cursor < d <= seg_end and d.weekday() < 5
            )
        else:
            day = cursor
            while day < seg_end:
                day += ONE_DAY
                total += _lookup(day, table)[0]
        cursor = seg_end
    return total


def period_end(decision_date: date, years: int) -> tuple[date, date]:
    """(first_day, last_day) of an N-year period (民法典 arts. 201-202).

    It starts the day after the decision and ends on the same month/day N years after the
    decision date; where that day does not exist (29 Feb) on the last day of that month.
    """
    decision_date = _as_date(decision_date)
    n = operator.index(years)
    if not 1 <= n <= 100:
        raise ValueError(f"年数应在 1 到 100 之间:{n} / years must be between 1 and 100: {n}")
    year = decision_date.year + n
    if year > date.max.year:
        raise ValueError(
            f"期间超出可表示的日期范围(最晚 {date.max})/ period ends beyond the last representable date {date.max}"
        )
    month, day = decision_date.month, decision_date.day
    try:
        last = date(year, month, day)
    except ValueError:  # 29 Feb in a common year: the last day of that month
        last = date(year, month, 28)
    return decision_date + ONE_DAY, last


def today_shanghai(now: datetime | None = None) -> date:
    """The Asia/Shanghai calendar date of `now` (default: the current instant).

    A naive `now` is taken as UTC (what SQLite hands back for timestamps stored in UTC).
    """
    if now is None:
        now = datetime.now(UTC)
    elif now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    return now.astimezone(SHANGHAI).date()
