"""Migrations: one head, upgrade from empty to head and back down, and no drift from the models.

Runs on a database of its own (a new SQLite file, or a new PostgreSQL database beside the one given
in TEST_DATABASE_URL), so it never fights the schema the other tests use.
"""
from __future__ import annotations

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from webapp import create_app
from webapp.config import _normalise_db_url
from webapp.extensions import db


@pytest.fixture
def empty_database_url(tmp_path):
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield "sqlite:///" + str(tmp_path / "migrations.db")
        return
    url = make_url(_normalise_db_url(base))
    name = f"cc_mig_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def migration_app(empty_database_url, redis_url, tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": _normalise_db_url(empty_database_url),
                      "REDIS_URL": redis_url})
    with app.app_context():
        yield app
        db.engine.dispose()


def test_single_head(migration_app):
    script = ScriptDirectory.from_config(migration_app.extensions["migrate"].migrate.get_config())
    assert len(script.get_heads()) == 1
    for rev in script.walk_revisions():
        assert rev.doc and rev.doc.strip(), f"revision {rev.revision} has no message"


def test_upgrade_to_head_matches_models_then_downgrade_to_empty(migration_app):
    upgrade()
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
    assert diff == [], f"models and migrations disagree: {diff}"
    tables = set(inspect(db.engine).get_table_names())
    assert {"companies", "users", "invoices", "bills"} <= tables
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
