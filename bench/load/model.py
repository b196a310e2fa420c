"""The load model of a working day in Harbin (issue 19): who uses Bianmin in the busiest hour, how often, and why.

Every number is derived in docs/PERFORMANCE.md ("A working day of Harbin under load"), each with its source;
this module only holds the arithmetic, so that the locustfile and the report read the same figures.
"""

from __future__ import annotations

# --- the public figures and the assumptions on top of them (docs/PERFORMANCE.md says which is which) ---------
NEW_ENTERPRISES_JAN_SEP_2024 = 42_900  # Harbin, Jan–Sep 2024 (press conference of 2024-10-23, see the doc)
INDIVIDUAL_PER_ENTERPRISE = (
    2.25  # new individual businesses per new enterprise, national 2023 (SAMR), assumed for Harbin
)
NEW_MARKET_ENTITIES_YEAR = round(NEW_ENTERPRISES_JAN_SEP_2024 * 12 / 9 * (1 + INDIVIDUAL_PER_ENTERPRISE))  # ≈ 185,900
APPLICATIONS_PER_NEW_ENTITY = 1.0  # assumption: one Bianmin filing per new market entity a year (an upper bound)
WORKING_DAYS = 250  # 365 less weekends and statutory holidays, plus make-up days (DOMAIN §0)
PEAK_DAY_FACTOR = 2.0  # the busiest day of the year against the average working day (after the Spring Festival)
PEAK_HOUR_SHARE = 0.15  # the busiest hour's share of a working day (8 office hours, a morning peak 1.2x the mean)

APPLICATIONS_YEAR = NEW_MARKET_ENTITIES_YEAR * APPLICATIONS_PER_NEW_ENTITY
APPLICATIONS_BUSIEST_HOUR = APPLICATIONS_YEAR / WORKING_DAYS * PEAK_DAY_FACTOR * PEAK_HOUR_SHARE  # ≈ 223

# --- what one application brings, in requests, by who sends them -------------------------------------------
# each list is one person's cycle of requests for one application; the locust users walk their cycle in order
CYCLES = {
    # file it (create, upload the one required attachment, submit), then look at it and at the list of one's own
    "applicant": ("create", "upload", "submit", "view", "view", "view", "mine", "mine"),
    # the inbox four times (sorting, paging), the application twice, one decision that issues a document
    "clerk": ("inbox", "inbox", "view", "inbox", "view", "inbox", "decide"),
    # the document verified three times (bank, landlord, a second scan; one of them on the page), progress looked up
    # twice, the register searched three times (one on the page)
    "public": (
        "verify_api",
        "verify_api",
        "verify_page",
        "progress",
        "progress",
        "search_api",
        "search_api",
        "search_page",
    ),
}
REQUESTS_PER_APPLICATION = sum(len(c) for c in CYCLES.values())  # 23
BUSIEST_HOUR_RPS = APPLICATIONS_BUSIEST_HOUR * REQUESTS_PER_APPLICATION / 3600  # ≈ 1.42 requests a second
PACE_S = 5.0  # each simulated person sends one request every PACE_S seconds (locust constant_pacing)
DOCUMENT_EVENTS = ("decide",)  # requests that issue a document: p95 goal 800 ms; every other one 300 ms
P95_GOAL_MS = {"document": 800, "other": 300}


def users_for(multiple: float) -> int:
    """Simulated people for `multiple` × the busiest hour: total rate ÷ each one's rate."""
    return max(len(CYCLES), round(multiple * BUSIEST_HOUR_RPS * PACE_S))


def weights() -> dict[str, int]:
    """Locust user weights: each kind of person in proportion to its share of the requests."""
    return {role: len(cycle) for role, cycle in CYCLES.items()}
