"""API-test fixtures: the engine tests' cheap password hashes apply here too."""
from tests.engine.conftest import _cheap_password_hashes, fast_pdf  # noqa: F401  (fixtures)
