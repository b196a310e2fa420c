"""Alembic: exactly one head; upgrade from empty to head and back down; models match the migrated schema."""

from __future__ import annotations

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from app import create_app
from models import db
from tests.conftest import PG_URL, _throwaway_postgres

MIGRATIONS = os.path.join(os.path.dirname(__file__), "..", "..", "migrations")


def test_single_head():
    from alembic.config import Config

    config = Config(os.path.join(MIGRATIONS, "alembic.ini"))
    config.set_main_option("script_location", MIGRATIONS)
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


@pytest.fixture
def empty_database(tmp_path):
    if PG_URL:
        url, drop = _throwaway_postgres()
        yield url
        drop()
    else:
        yield f"sqlite:///{tmp_path / 'migrate.sqlite'}"


def test_upgrade_matches_models_and_downgrades(empty_database, tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database, "STORAGE_DIR": str(tmp_path)})
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        downgrade(revision="base")
        names = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert names == set()
        db.engine.dispose()
