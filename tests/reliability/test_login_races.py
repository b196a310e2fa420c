"""Issue 14 items 3–4: the lockout cannot be raced and user names do not leak by timing.

Parallel processes (each its own app and database connections, as gunicorn's workers) send a burst of
logins to one account at the same moment, through the API's token endpoint and the login page. Five
failures in a row lock the account: at most five passwords are ever checked and answered 401 before
the lock, and once the threshold is crossed no attempt gets in, the right password included.
"""

from __future__ import annotations

import multiprocessing
import statistics
import time

import pytest
from werkzeug.security import generate_password_hash

from models import db
from tests.conftest import FIXED_TODAY
from tests.reliability import workers
from tests.reliability.figures import record
from tests.reliability.test_contention import gather
from workflows import accounts

RIGHT, WRONG = "right-password-7", "wrong-password-7"
PROCESSES = 2  # as gunicorn's two workers; each sends its share of the burst from threads
SUCCESS = {"api": 201, "web": 302}
PATHS = {"api": "/api/v1/tokens", "web": "/login"}


@pytest.fixture
def real_hashes(monkeypatch):
    """The real password hash (scrypt, ~50–150 ms a check): the window the race needs, and what timing compares."""
    monkeypatch.setattr("models.user.generate_password_hash", generate_password_hash)


def make_user(app, name: str) -> None:
    with app.app_context():
        accounts.create_user(name, RIGHT, "applicant")
        db.session.commit()


def burst(app, entry: str, passwords: list[str], name: str) -> list[int]:
    """Every password of `passwords` tried at once for `name`, spread over PROCESSES processes; the statuses."""
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(PROCESSES), ctx.Queue()
    config = {
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "STORAGE_DIR": app.config["STORAGE_DIR"],
        "TODAY": FIXED_TODAY,
        "BASE_URL": app.config["BASE_URL"],
        "WTF_CSRF_ENABLED": False,
        "SECRET_KEY": "burst",
    }
    calls = [(PATHS[entry], {"username": name, "password": p}) for p in passwords]
    procs = [
        ctx.Process(target=workers.log_in_at_once, args=(config, barrier, results, i, calls[i::PROCESSES]))
        for i in range(PROCESSES)
    ]
    for p in procs:
        p.start()
    outcomes = [o for _w, out, _s in gather(results, procs, PROCESSES) for o in out]
    assert all(s != -1 for s, _ in outcomes), [t for s, t in outcomes if s == -1]
    return [s for s, _t in outcomes]


@pytest.mark.parametrize("entry", ["api", "web"])
def test_twenty_wrong_passwords_at_once_are_checked_five_times(app, client, real_hashes, entry):
    make_user(app, "target")
    statuses = burst(app, entry, [WRONG] * 20, "target")
    assert statuses.count(401) == 5, statuses  # the probe saw 10: the count was read, then written
    assert statuses.count(423) == 15, statuses
    record(
        app,
        "parallel login burst",
        entry=entry,
        tries=20,
        wrong=20,
        answered_401=statuses.count(401),
        answered_423=statuses.count(423),
        tokens=statuses.count(SUCCESS[entry]),
    )
    right = client.post(
        PATHS[entry], **({"data" if entry == "web" else "json": {"username": "target", "password": RIGHT}})
    )
    assert right.status_code == 423, "locked, the right password too"


@pytest.mark.parametrize("entry", ["api", "web"])
def test_the_right_password_in_a_burst_past_the_threshold_gets_nothing(app, client, real_hashes, entry):
    """Four failures already; then 8 wrong and 1 right at once. Whichever try is the fifth decides: if a wrong
    one, the account locks and nothing else is checked (the right one answers 423); if the right one, it
    gets in and the count starts again. Never a token after five failures in a row."""
    make_user(app, "target")
    for _ in range(4):
        assert client.post("/api/v1/tokens", json={"username": "target", "password": WRONG}).status_code == 401
    statuses = burst(app, entry, [WRONG] * 8 + [RIGHT], "target")
    ok = statuses.count(SUCCESS[entry])
    assert ok <= 1 and statuses.count(401) <= 5 and set(statuses) <= {401, 423, SUCCESS[entry]}, statuses
    if not ok:
        assert statuses.count(401) == 1, statuses  # the fifth failure, then the lock
    record(
        app,
        "parallel login burst after 4 failures",
        entry=entry,
        tries=9,
        wrong=8,
        right=1,
        answered_401=statuses.count(401),
        answered_423=statuses.count(423),
        tokens=ok,
    )


def _timed(client, name: str) -> float:
    started = time.perf_counter()
    r = client.post("/api/v1/tokens", json={"username": name, "password": WRONG + "x"})
    assert r.status_code == 401, r.get_json()
    return (time.perf_counter() - started) * 1000


def test_an_unknown_user_takes_as_long_as_a_wrong_password(app, client, real_hashes):
    """The probe: ~155 ms for an existing user, ~4 ms for an unknown one. The check runs against a dummy
    hash made the same way, so the medians differ by under 20 % (rounds alternate, so that the load of a
    shared machine weighs on both alike)."""
    app.config.update(LOCKOUT_FAILURES=10_000)  # never locked while measuring
    make_user(app, "existing")
    for name in ("existing", "nobody-here"):  # warm both paths
        _timed(client, name)
    known, unknown = [], []
    for _ in range(21):
        known.append(_timed(client, "existing"))
        unknown.append(_timed(client, "nobody-here"))
    known_ms, unknown_ms = statistics.median(known), statistics.median(unknown)
    record(app, "login timing", existing_user_ms=round(known_ms, 1), unknown_user_ms=round(unknown_ms, 1))
    assert known_ms > 20, "the real hash is in use (the test means nothing with a cheap one)"
    assert abs(known_ms - unknown_ms) / max(known_ms, unknown_ms) < 0.20, (known_ms, unknown_ms)
