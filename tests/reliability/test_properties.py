"""Properties that must hold for every input, not just the examples (hypothesis):
fire_filing's 300 m² / ¥300,000 thresholds (DOMAIN §0 Thresholds, §3) and the land period (§0 Periods, 民法典
arts. 201–202), both in the functions and end to end through the public API."""

from __future__ import annotations

import calendar as std_calendar
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from vocabulary import SERVICE_CATEGORIES
from workflows import calendar
from workflows.fire_filing import eligibility, route_of
from workflows.registry import PROCEDURES
from workflows.values import clean_fields

COMMUNITY = [c[0] for c in SERVICE_CATEGORIES if c[0] != "other"]
FIRE = PROCEDURES["fire_filing"]


# amounts near and at the limits, in the forms a client sends them: integers, floats, decimal strings
def around(limit: int) -> st.SearchStrategy:
    near = st.decimals(min_value=Decimal(limit) - 2, max_value=Decimal(limit) + 2, places=2).map(str)
    return st.one_of(
        st.just(limit),
        st.just(float(limit)),
        st.just(f"{limit}.00"),
        near,
        st.floats(min_value=0, max_value=limit * 10, allow_nan=False, allow_infinity=False),
        st.integers(min_value=0, max_value=limit * 10),
        st.sampled_from([limit - 0.01, limit + 0.01, limit + 1e-9, limit - 1e-9]),
    )


AREA, MONEY = around(300), around(300_000)


def at_most(value, limit: int) -> bool:
    """The oracle: '以下' includes the number (民法典 art. 1259), compared exactly on the value as sent."""
    return Decimal(str(value)) <= limit


@settings(max_examples=400, deadline=None)
@given(
    area=AREA,
    money=MONEY,
    facility=st.sampled_from(COMMUNITY + ["other"]),
    special=st.booleans(),
    crowded=st.booleans(),
)
@example(area=300, money=999_999, facility="elderly_care", special=False, crowded=False)
@example(area=300.01, money=300_000, facility="elderly_care", special=False, crowded=False)
@example(area=300.01, money=300_000.01, facility="elderly_care", special=False, crowded=False)
@example(area="300.00", money="300000.00", facility="childcare", special=False, crowded=True)
def test_route_follows_the_inclusive_thresholds(area, money, facility, special, crowded):
    fields, problems = clean_fields(
        FIRE,
        {
            "floor_area_m2": area,
            "total_investment_yuan": money,
            "facility_type": facility,
            "special_construction": special,
            "crowded_place": crowded,
        },
    )
    assert problems == []
    if special:
        want = None  # 特殊建设工程: 消防验收, not this filing
    elif facility != "other" and (at_most(area, 300) or at_most(money, 300_000)):
        want = "simplified"
    else:
        want = "standard"
    assert route_of(fields) == want
    result = eligibility(fields, None)
    assert (result.route, result.eligible) == (want, want is not None) and result.reasons


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(area=AREA, money=MONEY, facility=st.sampled_from(COMMUNITY + ["other"]))
def test_the_public_pre_check_agrees(client, area, money, facility):
    r = client.post(
        "/api/v1/eligibility/fire_filing",
        json={
            "fields": {
                "floor_area_m2": area,
                "total_investment_yuan": money,
                "facility_type": facility,
                "special_construction": False,
            }
        },
    )
    assert r.status_code == 200, r.get_json()
    small_site = facility != "other" and (at_most(area, 300) or at_most(money, 300_000))
    assert r.get_json()["route"] == ("simplified" if small_site else "standard")


@settings(max_examples=300, deadline=None)
@given(
    area=st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.integers(),
        st.text(max_size=20),
        st.booleans(),
        st.none(),
        st.lists(st.integers(), max_size=2),
    )
)
def test_any_area_value_is_cleaned_or_named_never_crashes(area):
    fields, problems = clean_fields(FIRE, {"floor_area_m2": area})
    if area is None or area == "":
        assert (fields, problems) == ({"floor_area_m2": None}, []) or (fields, problems) == ({}, [])
    elif problems:
        assert [p.field for p in problems] == ["floor_area_m2"] and fields == {}
    else:
        assert 0 <= fields["floor_area_m2"] <= 1e12
        route_of({**fields, "facility_type": "elderly_care"})


# ---- the land period --------------------------------------------------------------------------

DECISIONS = st.dates(min_value=date(1900, 1, 1), max_value=date(9899, 12, 31))


@settings(max_examples=500, deadline=None)
@given(decided=DECISIONS, years=st.integers(1, 100))
@example(decided=date(2026, 12, 1), years=5)  # DOMAIN §0: runs 2026-12-02 … 2031-12-01
@example(decided=date(2028, 2, 29), years=5)  # ends 2033-02-28
@example(decided=date(2028, 2, 29), years=4)  # 2032 is a leap year: 2032-02-29
@example(decided=date(2026, 12, 31), years=1)
def test_period_is_n_years_later_or_the_months_last_day(decided, years):
    first, last = calendar.period_end(decided, years)
    assert first == decided + timedelta(days=1)
    year = decided.year + years
    if (decided.month, decided.day) == (2, 29) and not std_calendar.isleap(year):
        assert last == date(year, 2, 28) == date(year, 2, std_calendar.monthrange(year, 2)[1])
    else:
        assert last == date(year, decided.month, decided.day)
    assert first <= last and (last - first).days >= 365 * years - 1


@settings(max_examples=200, deadline=None)
@given(a=DECISIONS, b=DECISIONS, years=st.integers(1, 100))
def test_period_end_is_monotone(a, b, years):
    a, b = min(a, b), max(a, b)
    assert calendar.period_end(a, years)[1] <= calendar.period_end(b, years)[1]


@settings(max_examples=200, deadline=None)
@given(decided=st.dates(), years=st.integers(-5, 200))
def test_period_end_only_ever_raises_value_error(decided, years):
    try:
        first, last = calendar.period_end(decided, years)
    except ValueError:
        assert not 1 <= years <= 100 or decided.year + years > 9999
    else:
        assert 1 <= years <= 100 and first <= last


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(decided=st.dates(), years=st.one_of(st.integers(-3, 130), st.text(max_size=4)))
def test_the_public_period_calculator_agrees_or_says_422(client, decided, years):
    r = client.get(f"/api/v1/calendar/period-end?from={decided.isoformat()}&years={years}")
    assert r.status_code in (200, 400, 422), r.get_data(as_text=True)[:200]  # 400: a NUL in the query
    if r.status_code == 200:
        first, last = calendar.period_end(decided, int(years))
        assert r.get_json() == {"first_day": first.isoformat(), "last_day": last.isoformat()}
    else:
        assert set(r.get_json()["error"]) == {"code", "message", "details"}
