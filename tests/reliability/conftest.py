"""Reliability-test fixtures: the populated world, the PDF stub, and the PostgreSQL-only mark."""

from __future__ import annotations

import pytest

from tests.conftest import PG_URL
from tests.engine.conftest import fast_pdf  # noqa: F401  (fixture)
from tests.reliability.world import World

requires_postgres = pytest.mark.skipif(
    not PG_URL, reason="real contention needs PostgreSQL: set BIANMIN_TEST_DATABASE_URL (bin/test and CI do)"
)


@pytest.fixture
def world(app, client, fast_pdf):
    """Every role in every authority the procedures involve, with tokens; PDFs stubbed (numbers are real)."""
    return World(app, client).populate()


@pytest.fixture
def bare_world(app, client, fast_pdf):
    """A World not yet populated: the test chooses which authorities' staff to create (fewer is faster)."""
    return World(app, client)
