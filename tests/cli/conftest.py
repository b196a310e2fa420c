"""CLI-test fixtures: the engine tests' fast PDF stub."""

from tests.engine.conftest import fast_pdf  # noqa: F401  (fixture)
