"""Integration fixtures: the QuickBooks Online sandbox over real HTTP, a real RQ worker process,
and a company connected to a fresh sandbox realm."""
from __future__ import annotations

import os
from datetime import timedelta

import pytest

from webapp import crypto
from webapp.extensions import db
from webapp.models import QuickBooksConnection, QuickBooksSettings, RunStatus, SyncRun
from webapp.models.base import utcnow
from webapp.quickbooks.online import oauth
from tests import processes
from tests.waiting import wait_until

TEST_SETTINGS = {"SYNC_RETRY_DELAYS": "1,1,1,1,1", "QBO_THROTTLE_DELAY": "1", "SYNC_DEBOUNCE_SECONDS": "1",
                 "SYNC_MAX_ATTEMPTS": "6"}


@pytest.fixture(scope="session")
def sandbox_server(tmp_path_factory):
    from sandbox.online.testing import start_sandbox

    server = start_sandbox(tmp_path_factory.mktemp("qbo") / "sandbox.sqlite")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def _qbo_configured(_app, sandbox_server):
    _app.config.update(QBO_SANDBOX_URL=sandbox_server.base_url, QBO_API_BASE=sandbox_server.base_url,
                       QBO_DISCOVERY_URL=sandbox_server.discovery_url, QBO_CLIENT_ID="cc-sandbox-client",
                       QBO_CLIENT_SECRET="cc-sandbox-secret", SYNC_RETRY_DELAYS=[1.0] * 5, QBO_THROTTLE_DELAY=1.0,
                       SYNC_DEBOUNCE_SECONDS=1.0)
    oauth.init_app(_app)
    return _app


@pytest.fixture(scope="session")
def worker(_qbo_configured, database_url, redis_url, sandbox_server, tmp_path_factory):
    """A real `python -m workers.worker` process on the test database and Redis."""
    env = dict(os.environ, DATABASE_URL=database_url, REDIS_URL=redis_url, SECRET_KEY="test-secret",
               QBO_SANDBOX_URL=sandbox_server.base_url, QBO_API_BASE=sandbox_server.base_url,
               QBO_DISCOVERY_URL=sandbox_server.discovery_url, INSTANCE_PATH=str(tmp_path_factory.mktemp("winst")),
               **TEST_SETTINGS)
    process = processes.worker(env, tmp_path_factory.mktemp("worker"))
    yield process.proc
    process.stop()


@pytest.fixture
def qbo(app, _qbo_configured, sandbox_server):
    return sandbox_server


@pytest.fixture
def connect_company(app, qbo, admin):
    """Connect `company` to a fresh sandbox realm with tokens issued by the sandbox's OAuth server."""
    def connect(company=None, user=None, access_ttl=None, **settings_kw):
        user = user or admin
        realm = qbo.control.create_company("small")
        token = qbo.control.issue_tokens(realm, access_ttl=access_ttl)
        connection = QuickBooksConnection(user_id=user.id, company_id=user.company_id, realm_id=realm,
                                          access_token_encrypted=crypto.encrypt(token["access_token"]),
                                          refresh_token_encrypted=crypto.encrypt(token["refresh_token"]),
                                          access_expires_at=utcnow() + timedelta(seconds=int(token["expires_in"])))
        db.session.add(connection)
        db.session.flush()
        settings = QuickBooksSettings(company_id=user.company_id, enabled=True, realm_id=realm,
                                      connection_id=connection.id, **settings_kw)
        db.session.add(settings)
        db.session.commit()
        return settings
    return connect


def wait_for_run(run_id: int, timeout: float = 45, statuses=None) -> SyncRun:
    """Wait until the worker finishes the run (or it reaches one of `statuses`)."""
    wanted = statuses or (RunStatus.succeeded, RunStatus.failed, RunStatus.partial)

    def reached():
        run = db.session.get(SyncRun, run_id)
        return run if run.status in wanted else None

    def still():
        run = db.session.get(SyncRun, run_id)
        lines = "\n".join(e.message for e in run.events)
        return f"run {run_id} (still {run.status.value}):\n{lines}"

    return wait_until(reached, timeout, still)
