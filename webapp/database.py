"""Engine settings that differ per backend."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from webapp.extensions import db


def init_app(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets the web process read while a worker writes; foreign keys are off by default in SQLite;
    # busy_timeout makes concurrent writers (web + RQ worker) wait instead of failing at once.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


__all__ = ["init_app", "Engine"]
