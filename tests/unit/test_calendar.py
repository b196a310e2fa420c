"""Unit tests for workflows.calendar: working days, sources, periods, the holiday file."""

import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workflows import calendar as cal
from workflows.calendar import (
    Deadline,
    HolidayTable,
    add_working_days,
    is_working_day,
    parse_holiday_file,
    period_end,
    today_shanghai,
    working_days_between,
)

D = date.fromisoformat
EXAMPLE_FILE = Path(__file__).resolve().parents[2] / "docs" / "holidays-2027.example.csv"
T2027 = HolidayTable(years=[2027])  # 2027 declared complete, no listed days: plain weekdays
T2027_NY = HolidayTable([(D("2027-01-01"), False, "元旦"), (D("2027-01-09"), True, "调休上班")])


# ---- the package data this module relies on -------------------------------------------------


def test_package_years_come_from_package_data():
    assert cal.PACKAGE_YEARS[0] == min(chinese_calendar.holidays).year == 2004
    assert cal.PACKAGE_YEARS[-1] == max(chinese_calendar.holidays).year
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(cal.PACKAGE_YEARS[-1] + 1, 1, 4))


@pytest.mark.parametrize(
    "day, working",
    [
        ("2026-02-14", True),
        ("2026-02-15", False),
        ("2026-02-23", False),
        ("2026-02-24", True),
        ("2026-02-28", True),
        ("2026-03-01", False),
        ("2026-02-13", True),
    ],
    ids=lambda v: str(v),
)
def test_spring_festival_2026_matches_package(day, working):
    assert chinese_calendar.is_workday(D(day)) is working
    assert is_working_day(D(day)) == (working, "chinesecalendar")


# ---- add_working_days: examples ---------------------------------------------------------------


@pytest.mark.parametrize(
    "start, days, due, provisional, source, table",
    [
        ("2022-09-29", 3, "2022-10-09", False, "chinesecalendar", None),  # DOMAIN.md: make-up Sunday
        ("2022-10-01", 3, "2022-10-10", False, "chinesecalendar", None),  # DOMAIN.md: start on a holiday
        ("2022-09-29", 0, "2022-09-29", False, "chinesecalendar", None),
        ("2022-10-01", 0, "2022-10-01", False, "chinesecalendar", None),  # a holiday start, N = 0
        ("2026-02-13", 1, "2026-02-14", False, "chinesecalendar", None),  # Sat 14 Feb is a make-up day
        ("2026-02-14", 1, "2026-02-24", False, "chinesecalendar", None),  # 15–23 Feb off
        ("2026-02-12", 3, "2026-02-24", False, "chinesecalendar", None),
        ("2026-02-20", 4, "2026-02-27", False, "chinesecalendar", None),
        ("2026-02-26", 2, "2026-02-28", False, "chinesecalendar", None),  # Sat 28 Feb counts
        ("2026-02-27", 2, "2026-03-02", False, "chinesecalendar", None),
        ("2027-03-01", 3, "2027-03-04", True, "weekdays_provisional", None),
        ("2027-03-05", 1, "2027-03-08", True, "weekdays_provisional", None),
        ("2027-03-01", 0, "2027-03-01", True, "weekdays_provisional", None),
        ("2027-03-01", 3, "2027-03-04", False, "holiday_table", T2027),
        ("2027-03-01", 0, "2027-03-01", False, "holiday_table", T2027),
        ("2026-12-29", 3, "2027-01-04", True, "chinesecalendar+weekdays_provisional", None),  # 元旦 skipped
        ("2026-12-30", 3, "2027-01-05", False, "chinesecalendar+holiday_table", T2027_NY),
        ("2027-01-06", 3, "2027-01-09", False, "holiday_table", T2027_NY),  # a listed make-up Saturday
        ("2026-12-31", 1, "2027-01-04", True, "weekdays_provisional", None),  # start day not consulted
        ("2003-12-29", 5, "2004-01-06", True, "weekdays_provisional+chinesecalendar", None),
        ("2027-12-30", 2, "2028-01-03", True, "holiday_table+weekdays_provisional", T2027),
    ],
    ids=lambda v: v if isinstance(v, (str, int)) else None,
)
def test_add_working_days_examples(start, days, due, provisional, source, table):
    d = add_working_days(D(start), days, table)
    assert d == Deadline(D(due), provisional, D(start), days, source)


def test_table_listed_day_decides_and_unlisted_day_is_weekday():
    t = HolidayTable([(D("2027-10-01"), False, "国庆节"), (D("2027-10-09"), True, "国庆节调休")])
    assert is_working_day(D("2027-10-01"), t) == (False, "holiday_table")  # listed Friday off
    assert is_working_day(D("2027-10-09"), t) == (True, "holiday_table")  # listed Saturday on
    assert is_working_day(D("2027-10-04"), t) == (True, "holiday_table")  # unlisted Monday
    assert is_working_day(D("2027-10-10"), t) == (False, "holiday_table")  # unlisted Sunday
    assert is_working_day(D("2028-10-04"), t) == (True, "weekdays_provisional")


def test_table_takes_precedence_over_package_for_its_years():
    correction = HolidayTable([(D("2026-03-02"), False, "更正示例")])
    assert is_working_day(D("2026-03-02"), correction) == (False, "holiday_table")
    assert is_working_day(D("2026-03-02")) == (True, "chinesecalendar")
    # a table with no entry for 2026 leaves the package in charge of 2026
    assert is_working_day(D("2026-02-16"), T2027) == (False, "chinesecalendar")


def test_tables_are_not_cached_across_calls():
    a = HolidayTable([(D("2027-03-01"), False, "甲")])
    b = HolidayTable([(D("2027-03-01"), True, "乙")])
    assert is_working_day(D("2027-03-01"), a)[0] is False
    assert is_working_day(D("2027-03-01"), b)[0] is True
    assert add_working_days(D("2027-02-26"), 1, a).due == D("2027-03-02")
    assert add_working_days(D("2027-02-26"), 1, b).due == D("2027-03-01")


def test_holiday_table_knows_declared_and_entry_years():
    t = HolidayTable([(D("2030-05-01"), False, "劳动节")], years=[2027])
    assert t.knows(2027) and t.knows(2030) and not t.knows(2028)
    assert t.lookup(D("2030-05-01")) is False and t.lookup(D("2030-05-02")) is None
    assert t.name(D("2030-05-01")) == "劳动节" and len(t) == 1
    assert not HolidayTable().knows(2027)


def test_as_dict():
    assert add_working_days(D("2022-09-29"), 3).as_dict() == {
        "due": "2022-10-09",
        "provisional": False,
        "start": "2022-09-29",
        "days": 3,
        "source": "chinesecalendar",
    }


def test_datetime_arguments_are_taken_as_their_date():
    assert add_working_days(datetime(2022, 9, 29, 23, 0), 3).due == D("2022-10-09")
    assert is_working_day(datetime(2026, 2, 14, 8, 0)) == (True, "chinesecalendar")


# ---- add_working_days: errors and extremes ----------------------------------------------------


@pytest.mark.parametrize(
    "start, days",
    [
        (date.max, 1),
        (date.max - timedelta(days=3), 5),
        (date.max - timedelta(days=10), 3650),
        (date(9990, 1, 1), 10**9),
    ],
    ids=["max+1", "near-max", "near-max-3650", "huge-n"],
)
def test_overflow_is_value_error(start, days):
    with pytest.raises(ValueError, match="date"):
        add_working_days(start, days)


@pytest.mark.parametrize("days", [-1, -3650], ids=["-1", "-3650"])
def test_negative_days_is_value_error(days):
    with pytest.raises(ValueError, match="negative"):
        add_working_days(D("2026-01-05"), days)


@pytest.mark.parametrize(
    "start, days, due",
    [
        (date.max, 0, date.max),
        (date.min, 0, date.min),
        (date.min, 5, D("0001-01-08")),
        (date.max - timedelta(days=2), 2, date.max),  # 9999-12-31 is a Friday
    ],
    ids=["max-0", "min-0", "min-5", "to-max"],
)
def test_extremes_do_not_raise(start, days, due):
    d = add_working_days(start, days)
    assert d.due == due and d.provisional and d.source == "weekdays_provisional"


def test_3650_days_is_fast():
    for start in (D("2004-01-01"), D("2026-06-01"), D("2040-01-01")):
        add_working_days(start, 3650)  # warm the per-day package cache
        t0 = time.perf_counter()
        d = add_working_days(start, 3650)
        assert time.perf_counter() - t0 < 0.05, start
        assert working_days_between(start, d.due) == 3650


# ---- working_days_between ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, end, n, table",
    [
        ("2022-09-29", "2022-10-09", 3, None),
        ("2022-10-09", "2022-09-29", 0, None),
        ("2022-09-29", "2022-09-29", 0, None),
        ("2026-02-13", "2026-02-28", 6, None),
        ("2026-12-31", "2027-01-04", 1, None),
        ("2026-12-31", "2027-01-09", 6, T2027_NY),
        ("2026-12-31", "2027-12-31", 254, None),  # 7 weekday holidays ("2026-12-31", "2027-12-31", 261, T2027),
        ("2027-01-01", "2027-12-31", 260, T2027),
    ],
    ids=lambda v: v if isinstance(v, (str, int)) else None,
)
def test_working_days_between(start, end, n, table):
    assert working_days_between(D(start), D(end), table) == n


def test_working_days_between_full_range_is_fast():
    t0 = time.perf_counter()
    assert working_days_between(date.min, date.max) > 2_500_000
    assert time.perf_counter() - t0 < 2


# ---- period_end --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "decision, years, first, last",
    [
        ("2026-12-01", 5, "2026-12-02", "2031-12-01"),
        ("2028-02-29", 5, "2028-03-01", "2033-02-28"),
        ("2028-02-29", 4, "2028-03-01", "2032-02-29"),
        ("2026-12-31", 1, "2027-01-01", "2027-12-31"),
        ("2026-01-31", 100, "2026-02-01", "2126-01-31"),
        ("9898-06-30", 100, "9898-07-01", "9998-06-30"),
    ],
    ids=lambda v: v if isinstance(v, (str, int)) else None,
)
def test_period_end(decision, years, first, last):
    assert period_end(D(decision), years) == (D(first), D(last))


@pytest.mark.parametrize(
    "decision, years",
    [
        (D("2026-12-01"), 0),
        (D("2026-12-01"), 101),
        (D("2026-12-01"), -5),
        (date.max, 1),
        (D("9999-01-01"), 1),
        (D("9950-01-01"), 50),
    ],
    ids=["0", "101", "-5", "max", "9999", "past-max"],
)
def test_period_end_errors(decision, years):
    with pytest.raises(ValueError):
        period_end(decision, years)


# ---- today_shanghai ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "now, today",
    [
        (datetime(2026, 5, 31, 16, 0, tzinfo=UTC), "2026-06-01"),
        (datetime(2026, 5, 31, 15, 59, tzinfo=UTC), "2026-05-31"),
        (datetime(2026, 5, 31, 16, 0), "2026-06-01"),  # naive = UTC
        (datetime(2026, 5, 31, 12, 0, tzinfo=ZoneInfo("America/New_York")), "2026-06-01"),
        (datetime(2026, 6, 1, 0, 30, tzinfo=ZoneInfo("Asia/Shanghai")), "2026-06-01"),
    ],
    ids=["utc-16h", "utc-15h59", "naive", "new-york", "shanghai"],
)
def test_today_shanghai(now, today):
    assert today_shanghai(now) == D(today)


@pytest.mark.parametrize("tz", ["UTC", "America/Los_Angeles", "Pacific/Kiritimati"])
def test_today_shanghai_ignores_server_tz(monkeypatch, tz):
    monkeypatch.setenv("TZ", tz)
    time.tzset()
    try:
        before = datetime.now(ZoneInfo("Asia/Shanghai")).date()
        got = today_shanghai()
        after = datetime.now(ZoneInfo("Asia/Shanghai")).date()
        assert got in (before, after)
    finally:
        monkeypatch.undo()
        time.tzset()


# ---- parse_holiday_file ---------------------------------------------------------------------------


def test_parse_good_file():
    text = (
        "\ufeff# 注释 comment\n\ndate,kind,name\nyear,2028\n"
        "2027-01-01,holiday,元旦\n 2027-02-20 , WORKDAY , 春节调休, 上班 \n"
    )
    entries, years = parse_holiday_file(text)
    assert entries == [(D("2027-01-01"), False, "元旦"), (D("2027-02-20"), True, "春节调休, 上班")]
    assert years == {2028}
    t = HolidayTable(entries, years)
    assert t.knows(2027) and t.knows(2028)


def test_parse_year_only_and_empty():
    assert parse_holiday_file("year,2027\n") == ([], {2027})
    assert parse_holiday_file("") == ([], set())


@pytest.mark.parametrize(
    "text, line, fragment",
    [
        ("2027-13-01,holiday,元旦", 1, "invalid date"),
        ("2027/01/01,holiday,元旦", 1, "invalid date"),
        ("20270101,holiday,元旦", 1, "invalid date"),
        ("2027-02-30,holiday,春节", 1, "invalid date"),
        ("# c\n2027-01-01,off,元旦", 2, "invalid kind"),
        ("2027-01-01,,元旦", 1, "invalid kind"),
        ("2027-01-01,holiday,", 1, "name must not be empty"),
        ("2027-01-01,holiday,  ", 1, "name must not be empty"),
        ("2027-01-01,holiday," + "长" * 65, 1, "name too long"),
        ("2027-01-01,holiday,元旦\n\n2027-01-01,workday,重复", 3, "duplicate date"),
        ("2027-01-01,holiday", 1, "expected three fields"),
        ("2027-01-01", 1, "expected three fields"),
        ("year,27", 1, "invalid year"),
        ("year,abcd", 1, "invalid year"),
        ("year,", 1, "invalid year"),
        ("year,2027,x", 1, "invalid year"),
        ("2027-01-01,holiday,元旦\ndate,kind,name", 2, "invalid date"),  # header only first
    ],
    ids=[
        "month-13",
        "slashes",
        "basic-iso",
        "feb-30",
        "bad-kind",
        "empty-kind",
        "empty-name",
        "blank-name",
        "long-name",
        "duplicate",
        "two-fields",
        "one-field",
        "short-year",
        "word-year",
        "empty-year",
        "year-extra",
        "late-header",
    ],
)
def test_parse_errors(text, line, fragment):
    with pytest.raises(ValueError) as exc:
        parse_holiday_file(text)
    msg = str(exc.value)
    assert msg.startswith(f"line {line}: ") and fragment in msg
    zh = msg[len(f"line {line}: ") :]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh.split(" / ")[0])  # Chinese first


def test_example_file_parses_and_makes_2027_known():
    entries, years = parse_holiday_file(EXAMPLE_FILE.read_text(encoding="utf-8"))
    assert years == {2027} and entries and all(d.year == 2027 for d, _, _ in entries)
    t = HolidayTable(entries, years)
    d = add_working_days(D("2027-03-01"), 3, t)
    assert not d.provisional and d.source == "holiday_table"
    assert is_working_day(D("2027-01-01"), t) == (False, "holiday_table")


# ---- properties ---------------------------------------------------------------------------------

TABLES = st.sampled_from([None, T2027, T2027_NY, HolidayTable(years=[2027, 2028, 2030])])
DAYS_1900_2100 = st.dates(date(1900, 1, 1), date(2100, 12, 31))
N = st.integers(0, 3650)
PROPS = settings(max_examples=60, deadline=None)


def unknown(year, table):
    return (table is None or not table.knows(year)) and year not in cal.PACKAGE_YEARS


@PROPS
@given(start=DAYS_1900_2100, n=N, table=TABLES)
def test_never_raises_and_is_consistent(start, n, table):
    d = add_working_days(start, n, table)
    assert d.start == start and d.days == n and d.due >= start
    assert working_days_between(start, d.due, table) == n
    if n > 0:
        assert is_working_day(d.due, table)[0]
        assert working_days_between(start, d.due - timedelta(days=1), table) == n - 1
        counted_years = range((start + timedelta(days=1)).year, d.due.year + 1)  # years of (start, due]
        assert d.provisional == any(unknown(y, table) for y in counted_years)
    else:
        assert d.due == start and d.provisional == unknown(start.year, table)


@PROPS
@given(start=DAYS_1900_2100, a=N, b=N, table=TABLES)
def test_monotone_in_n(start, a, b, table):
    a, b = sorted((a, b))
    assert add_working_days(start, a, table).due <= add_working_days(start, b, table).due


@PROPS
@given(s1=DAYS_1900_2100, s2=DAYS_1900_2100, n=st.integers(0, 400), table=TABLES)
def test_monotone_in_start(s1, s2, n, table):
    s1, s2 = sorted((s1, s2))
    assert add_working_days(s1, n, table).due <= add_working_days(s2, n, table).due


@PROPS
@given(start=DAYS_1900_2100, n=st.integers(1, 3650), table=TABLES)
def test_source_lists_distinct_sources_of_counted_days(start, n, table):
    d = add_working_days(start, n, table)
    seen = []
    day = start
    while day < d.due:
        day += timedelta(days=1)
        source = is_working_day(day, table)[1]
        if source not in seen:
            seen.append(source)
    assert d.source == "+".join(seen)


@settings(max_examples=200, deadline=None)
@given(day=st.dates(), n=st.integers(0, 3650))
def test_any_date_only_value_error(day, n):
    try:
        d = add_working_days(day, n)
    except ValueError as e:
        assert n > (date.max - day).days or "date" in str(e)
        assert day > date.max - timedelta(days=2 * n)  # only near the end of the range
    else:
        assert d.due >= day
    assert isinstance(is_working_day(day)[0], bool)


def test_no_flask_or_sqlalchemy_import():
    code = (
        "import sys, workflows.calendar; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.strip() == "[]"


# ---- the holidays the law fixes, for years no schedule is known of ----------------------------

from workflows.statutory_holidays import statutory_holidays  # noqa: E402


def test_the_example_of_domain_0_skips_new_years_day():
    """2026-12-28 + 10 working days with 2027 unknown: 1 Jan 2027 is skipped (a Friday), provisional."""
    d = add_working_days(D("2026-12-28"), 10)
    assert d.due == D("2027-01-12") and d.provisional


def test_2027_statutory_days_by_name():
    days = statutory_holidays(2027)
    assert {d.isoformat(): n for d, n in days.items()} == {
        "2027-01-01": "元旦",
        "2027-02-05": "春节",
        "2027-02-06": "春节",
        "2027-02-07": "春节",
        "2027-02-08": "春节",
        "2027-04-05": "清明节",
        "2027-05-01": "劳动节",
        "2027-05-02": "劳动节",
        "2027-06-09": "端午节",
        "2027-09-15": "中秋节",
        "2027-10-01": "国庆节",
        "2027-10-02": "国庆节",
        "2027-10-03": "国庆节",
    }
    assert is_working_day(D("2027-02-08"))[0] is False  # 初三, a Monday
    assert is_working_day(D("2027-02-09"), None) == (True, "weekdays_provisional")


@pytest.mark.parametrize("year", range(2004, 2027))
def test_statutory_days_are_holidays_in_chinesecalendar(year):
    """Every day computed (lunar ones by lunardate, 清明 by the solar-term formula) is a holiday in the
    schedules chinesecalendar ships, for the days the law fixed in that year: 除夕 and 2 May were added by the
    2024 amendment (除夕 had been one 2008-2013); 清明, 端午 and 中秋 became holidays in 2008."""
    import chinese_calendar
    from lunardate import LunarDate

    from workflows.calendar import PACKAGE_YEARS

    assert year in PACKAGE_YEARS
    eve = LunarDate(year, 1, 1).to_solar_date() - timedelta(days=1)
    checked = 0
    for day, name in statutory_holidays(year).items():
        if year < 2025 and (day == date(year, 5, 2) or (day == eve and not 2008 <= year <= 2013)):
            continue
        if year < 2008 and (name in ("清明节", "端午节", "中秋节") or day == eve):
            continue
        assert chinese_calendar.is_holiday(day), (day, name)
        checked += 1
    assert checked >= 7


def test_qingming_matches_chinesecalendar_schedules():
    """清明节 is the 清明 solar-term day itself in every schedule since 2008."""
    import chinese_calendar

    from workflows.statutory_holidays import qingming

    for year in range(2008, 2027):
        day = qingming(year)
        assert day.month == 4 and 4 <= day.day <= 5 and chinese_calendar.is_holiday(day), year
        detail = chinese_calendar.get_holiday_detail(day)
        assert detail[1] is not None and "Tomb" in str(detail[1]), (year, detail)


@pytest.mark.parametrize("year", [1, 1899, 1900, 2099, 2100, 2101, 9999])
def test_any_year_has_its_fixed_days_and_never_raises(year):
    days = statutory_holidays(year)
    assert date(year, 1, 1) in days and date(year, 10, 3) in days
    assert all(d.year == year for d in days)
