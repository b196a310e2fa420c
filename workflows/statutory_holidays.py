"""The holidays the law fixes for every year (全国年节及纪念日放假办法, as amended 2024): what a year whose
schedule is not yet published is known to have off. Pure functions, no Flask, no SQLAlchemy."""

from __future__ import annotations

import functools
from datetime import date, timedelta

import chinese_calendar
from lunardate import LunarDate

# lunardate's tables cover lunar years 1900-2099; chinese_calendar's solar-term formula 1900-2100. Outside
# them only the Gregorian holidays are known: a provisional count then skips fewer days, never crashes.
LUNAR_YEARS = range(1901, 2100)
SOLAR_TERM_YEARS = range(1900, 2101)


def _lunar(year: int, month: int, day: int) -> date | None:
    """The Gregorian date of a lunar date of lunar year `year` (None outside the tables)."""
    try:
        return LunarDate(year, month, day).to_solar_date()
    except (ValueError, IndexError):
        return None


def qingming(year: int) -> date | None:
    """清明: the day the sun reaches 15° of ecliptic longitude (寿星公式, as chinese_calendar computes the
    24 solar terms, with its table of corrections)."""
    if year not in SOLAR_TERM_YEARS:
        return None
    found = [d for d, name in chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 30)) if name == "清明"]
    return found[0] if found else None


@functools.lru_cache(maxsize=512)
def statutory_holidays(year: int) -> dict[date, str]:
    """Every day off that the law fixes in Gregorian year `year`, with its name: 元旦 1 Jan; 春节 除夕 and
    正月初一至初三; 清明节; 劳动节 1-2 May; 端午节 五月初五; 中秋节 八月十五; 国庆节 1-3 Oct.

    What each year's published schedule adds (a weekday in lieu of a holiday on a weekend, art. 6) or moves
    (调休 make-up working days) is not here: it is unknown until published."""
    days: dict[date, str] = {}
    if not 1 <= year <= 9999:
        return days
    days[date(year, 1, 1)] = "元旦"
    for d in (1, 2):
        days[date(year, 5, d)] = "劳动节"
    for d in (1, 2, 3):
        days[date(year, 10, d)] = "国庆节"
    day = qingming(year)
    if day:
        days[day] = "清明节"
    # a Gregorian year holds the Spring Festival of its own lunar year (late Jan to mid Feb); 端午 and 中秋 too
    if year in LUNAR_YEARS:
        new_year = _lunar(year, 1, 1)
        if new_year:
            days[new_year - timedelta(days=1)] = "春节"  # 除夕, whether the 12th month has 29 or 30 days
            for offset in range(3):
                days[new_year + timedelta(days=offset)] = "春节"
        for (month, d), name in (((5, 5), "端午节"), ((8, 15), "中秋节")):
            found = _lunar(year, month, d)
            if found:
                days[found] = name
    return {d: n for d, n in days.items() if d.year == year}


def is_statutory_holiday(day: date) -> bool:
    return day in statutory_holidays(day.year)
