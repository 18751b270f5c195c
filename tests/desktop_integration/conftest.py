"""QuickBooks Desktop end to end: the real app served over HTTP (werkzeug in a thread), a real RQ
worker process applying the answers, the simulated QuickBooks company and Web Connector (zeep)."""
from __future__ import annotations

import os
import threading

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

# Lock retries without waiting, and set before the worker subprocess (which inherits os.environ) starts.
os.environ.setdefault("QBWC_RETRY_DELAYS", "0")

from sandbox.desktop.company import DesktopCompany  # noqa: E402
from sandbox.desktop.webconnector import run_session  # noqa: E402
from tests import processes  # noqa: E402
from tests.integration.conftest import wait_for_run  # noqa: E402,F401  (a function, not a fixture)
from webapp.extensions import db  # noqa: E402
from webapp.models import QuickBooksSettings, QuickBooksType, Role, SyncRun  # noqa: E402
from webapp.quickbooks.desktop import accounts  # noqa: E402
from webapp.sync import runs  # noqa: E402

PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def live_url(_app):
    """The application itself on a real port, so zeep and the simulated Web Connector speak HTTP to it."""
    server = make_server("127.0.0.1", 0, _app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


@pytest.fixture(scope="package")
def desktop_worker(_app, database_url, redis_url, tmp_path_factory):
    """A real `python -m workers.worker` process for these tests; package-scoped, so it is gone before
    other packages start their own worker on the same Redis (two workers with different settings
    would take each other's jobs). It needs no QuickBooks Online sandbox."""
    env = dict(os.environ, DATABASE_URL=database_url, REDIS_URL=redis_url, SECRET_KEY="test-secret",
               INSTANCE_PATH=str(tmp_path_factory.mktemp("desktop-worker")), QBWC_RETRY_DELAYS="0")
    process = processes.worker(env, tmp_path_factory.mktemp("desktop-worker-log"))
    yield process.proc
    process.stop()


@pytest.fixture
def desktop_app(app, live_url, desktop_worker):
    app.config.update(QBWC_RETRY_DELAYS=[0.0], QBWC_PROCESSING_WAIT=10.0, QBWC_IDLE_SECONDS=300.0,
                      APP_BASE_URL=live_url)
    yield app


@pytest.fixture
def desktop_company(desktop_app, make_company, make_user):
    """A company on QuickBooks Desktop with Enable ON and a Web Connector password; returns a helper."""
    def make(name=None, **settings_kw):
        company = make_company(name)
        admin = make_user(company=company, role=Role.admin)
        settings_kw.setdefault("enabled", True)
        db.session.add(QuickBooksSettings(company_id=company.id, quickbooks_type=QuickBooksType.desktop,
                                          **settings_kw))
        db.session.commit()
        account = accounts.ensure(company.id)
        accounts.set_password(account, PASSWORD)
        return DesktopSetup(company, admin, account, live_url=desktop_app.config["APP_BASE_URL"])
    return make


class DesktopSetup:
    def __init__(self, company, admin, account, live_url):
        self.company, self.admin, self.account, self.live_url = company, admin, account, live_url

    @property
    def settings(self) -> QuickBooksSettings:
        return db.session.scalar(select(QuickBooksSettings).where(QuickBooksSettings.company_id == self.company.id))

    @property
    def qwc(self) -> str:
        return accounts.qwc_file(self.account, self.live_url + "/qbwc", self.live_url + "/qbwc/support")

    def sync(self, kind: str, target_type: str, record) -> SyncRun:
        """Press Sync (or Sync Job): the run goes through RQ to the engine and into the queue."""
        label = f"{target_type} {record.id}"
        started = runs.start(self.company.id, kind, target_type, record.id, label, user_id=self.admin.id,
                             backend="desktop")
        return started.run

    def import_(self, target_type: str) -> SyncRun:
        """Import Accounts / Import Invoice Items from QuickBooks Desktop, as the buttons do."""
        return runs.start(self.company.id, "desktop_import", target_type, None, f"Import {target_type}",
                          user_id=self.admin.id, backend="desktop").run

    def queued(self, run: SyncRun) -> SyncRun:
        """Wait until the worker has put the run's records into the web connector queue."""
        from webapp.models import RunStatus

        return wait_for_run(run.id, statuses=(RunStatus.running, RunStatus.succeeded, RunStatus.failed))

    def session(self, company_file: DesktopCompany, **options):
        db.session.commit()  # nothing of the test's transaction may hide from the app's threads
        options.setdefault("wait", lambda seconds: None)
        return run_session(self.qwc, PASSWORD, company_file, **options)


@pytest.fixture
def qbd(tmp_path):
    """A fresh simulated QuickBooks Desktop company file."""
    def make(name="company"):
        return DesktopCompany(tmp_path / f"{name}.sqlite")
    return make


def events(run_id: int) -> list[str]:
    db.session.expire_all()
    return [e.message for e in db.session.get(SyncRun, run_id).events]


def last_run(company_id: int) -> SyncRun:
    return db.session.scalar(select(SyncRun).where(SyncRun.company_id == company_id).order_by(SyncRun.id.desc()))


@pytest.fixture
def make_item(app, company):
    """Invoice items whose income account exists in the simulated company's chart of accounts
    (QuickBooks Desktop accounts are imported, never created)."""
    from decimal import Decimal

    from tests.factories import _named_account
    from webapp.models import AccountType, InvoiceItem

    counter = iter(range(1, 10_000))

    def make(company=company, name=None, rate="100.00", income_account=None, **kw):
        income_account = income_account or _named_account(company, "Construction Income", AccountType.income)
        item = InvoiceItem(company_id=company.id, name=name or f"Service {next(counter)}", rate=Decimal(rate),
                           income_account_id=income_account.id, **kw)
        db.session.add(item)
        db.session.commit()
        return item
    return make
