"""Helpers shared by the inbound tests: connecting to a given sandbox realm, the app served over real
HTTP (so the sandbox can deliver webhooks to it), and waiting for the runs the worker executes."""
from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from werkzeug.serving import make_server

from webapp import crypto
from webapp.extensions import db
from webapp.models import InboundCursor, Link, QuickBooksConnection, QuickBooksSettings, RunStatus, SyncRun
from webapp.models.base import utcnow
from webapp.sync import runs
from tests.integration.conftest import wait_for_run
from tests.waiting import wait_until

VERIFIER = "inbound-test-verifier"


@pytest.fixture
def connect_realm(app, qbo, admin):
    """Connect the admin's company to a given sandbox realm (e.g. the shared LARGE one, read only)."""
    def connect(realm, **settings_kw):
        token = qbo.control.issue_tokens(realm)
        connection = QuickBooksConnection(user_id=admin.id, company_id=admin.company_id, realm_id=realm,
                                          access_token_encrypted=crypto.encrypt(token["access_token"]),
                                          refresh_token_encrypted=crypto.encrypt(token["refresh_token"]),
                                          access_expires_at=utcnow() + timedelta(seconds=int(token["expires_in"])))
        db.session.add(connection)
        db.session.flush()
        settings = QuickBooksSettings(company_id=admin.company_id, enabled=True, realm_id=realm,
                                      connection_id=connection.id, **settings_kw)
        db.session.add(settings)
        db.session.commit()
        return settings
    return connect


@pytest.fixture(scope="session")
def app_server(_qbo_configured):
    """The test app on a real port: the sandbox posts its webhooks here."""
    _qbo_configured.config["QBO_WEBHOOK_VERIFIER"] = VERIFIER
    server = make_server("127.0.0.1", 0, _qbo_configured, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def webhook_url(app_server: str) -> str:
    return app_server + "/quickbooks/webhooks"


def import_list(company, key: str, timeout: float = 90) -> SyncRun:
    started = runs.start(company.id, "import", f"import:{key}", None, f"Import {key}")
    return wait_for_run(started.run.id, timeout=timeout)


def link_of(local_type: str, local_id: int) -> Link | None:
    db.session.expire_all()
    return db.session.scalar(db.select(Link).where(Link.local_type == local_type, Link.local_id == local_id))


def follow_changes_from_now(settings, qbo) -> InboundCursor:
    """A company whose change feed starts now: everything already in QuickBooks is older than the mark.

    QuickBooks stamps changes to the second, so wait (on the sandbox's clock) for the next second to
    begin: what the test changes from then on is after the mark, the seeded data strictly before it."""
    from sandbox.online.clock import parse_time

    started = parse_time(qbo.control.now()).replace(microsecond=0)
    while parse_time(qbo.control.now()) < started + timedelta(seconds=1):
        time.sleep(0.02)
    cursor = InboundCursor(company_id=settings.company_id, realm=settings.realm_id,
                           changes_since=started + timedelta(seconds=1), last_sweep_at=utcnow())
    db.session.add(cursor)
    db.session.commit()
    return cursor


def catch_up(company, timeout: float = 45) -> SyncRun | None:
    """What the scheduler does each minute, then wait for the worker. None: the run found nothing
    new (such runs leave no trace)."""
    from workers.inbound_jobs import catch_up_quickbooks

    def newest() -> int:
        db.session.expire_all()
        return db.session.scalar(db.select(db.func.max(SyncRun.id)).where(SyncRun.company_id == company.id,
                                                                         SyncRun.kind == "cdc")) or 0

    before = newest()
    assert catch_up_quickbooks() >= 1
    run_id = newest()
    if run_id <= before:
        return None  # already done and, having found nothing new, removed
    outcome: list = []

    def settled():
        run = db.session.get(SyncRun, run_id)
        if run is None or run.status in (RunStatus.succeeded, RunStatus.failed, RunStatus.partial):
            outcome.append(run)  # a run that found nothing new is deleted: None is a result too
            return True
        return False

    wait_until(settled, timeout, f"catch-up run {run_id}")
    return outcome[0]


def webhook_runs(company) -> list[SyncRun]:
    db.session.expire_all()
    return db.session.scalars(db.select(SyncRun).where(SyncRun.company_id == company.id, SyncRun.kind == "webhook")
                              .order_by(SyncRun.id)).all()


def wait_for_webhook_runs(company, count: int = 1, timeout: float = 30) -> list[SyncRun]:
    """Wait until `count` webhook runs exist and all are finished."""
    def finished():
        found = webhook_runs(company)
        return found if len(found) >= count and all(r.status.finished for r in found) else None

    return wait_until(finished, timeout,
                      lambda: f"webhook runs: {[(r.id, r.status.value) for r in webhook_runs(company)]}")
