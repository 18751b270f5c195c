"""Browser journeys: the real app under gunicorn, a real RQ worker, a private Redis, the QuickBooks
Online sandbox over HTTP, and Debian's Chromium driven headless by playwright.

Everything the person sees goes through the same processes `make run` starts:

    sandbox (in this process, werkzeug thread)  <-  worker (python -m workers.worker)
                                                 <-  gunicorn wsgi:app  <-  Chromium

The database is a fresh SQLite file for the session, or, when TEST_DATABASE_URL names a PostgreSQL
database, a fresh database next to it (created here and dropped at the end), built by the real
migrations (`flask db upgrade`) and filled by `flask demo seed`.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests
import sqlalchemy as sa

from tests import processes
from tests.conftest import free_port
from tests.processes import BIN, ROOT, Process

OUTPUT = ROOT / "test-output" / "e2e"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
ADMIN_EMAIL, ADMIN_PASSWORD = "admin@summit.example", "summit-demo-2026"
# Expectations wait for the worker and its 1 s polls; nothing in a journey should take longer.
EXPECT_TIMEOUT_MS = 20_000


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    # The page fixture reads this after the test to decide whether to keep the trace.
    setattr(item, "rep_" + report.when, report)
    return report


# ---- database --------------------------------------------------------------------------------------

def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def _admin_engine(url: str):
    from webapp.config import _normalise_db_url

    admin_url = _with_database(_normalise_db_url(url), "postgres")
    return sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)


@pytest.fixture(scope="session")
def e2e_database_url(tmp_path_factory):
    """A database of its own for the browser session (the app under test writes to it for real)."""
    base = os.environ.get("TEST_DATABASE_URL", "")
    if base.startswith(("postgres://", "postgresql://", "postgresql+psycopg://")):
        name = f"cc_e2e_{uuid.uuid4().hex[:10]}"
        engine = _admin_engine(base)
        with engine.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        yield _with_database(base, name)
        with engine.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()
    else:
        yield "sqlite:///" + str(tmp_path_factory.mktemp("e2e-db") / "e2e.db")


@pytest.fixture(scope="session")
def e2e_db(e2e_database_url):
    """A plain SQLAlchemy engine on the app's database, for the few facts a journey checks behind the UI."""
    from webapp.config import _normalise_db_url

    engine = sa.create_engine(_normalise_db_url(e2e_database_url), poolclass=sa.pool.NullPool)
    yield engine
    engine.dispose()


# ---- the processes -------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def qbo_sandbox(tmp_path_factory):
    from sandbox.online.testing import start_sandbox

    server = start_sandbox(tmp_path_factory.mktemp("e2e-qbo") / "sandbox.sqlite", companies=("small",))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def app_env(e2e_database_url, redis_url, qbo_sandbox, tmp_path_factory):
    web_port = free_port()
    env = dict(
        os.environ,
        FLASK_APP="wsgi",
        DATABASE_URL=e2e_database_url,
        REDIS_URL=redis_url.rsplit("/", 1)[0] + "/1",  # its own Redis db: the integration worker uses /0
        SECRET_KEY="e2e-secret",
        INSTANCE_PATH=str(tmp_path_factory.mktemp("e2e-instance")),
        QBO_SANDBOX_URL=qbo_sandbox.base_url,
        QBO_API_BASE=qbo_sandbox.base_url,
        QBO_DISCOVERY_URL=qbo_sandbox.discovery_url,
        APP_BASE_URL=f"http://127.0.0.1:{web_port}",
        WEB_PORT=str(web_port),
        SYNC_RETRY_DELAYS="1,1,1,1,1",
        QBO_THROTTLE_DELAY="1",
        SYNC_DEBOUNCE_SECONDS="1",
        PYTHONUNBUFFERED="1",
    )
    env.pop("TEST_DATABASE_URL", None)
    return env


def _flask(env, *args):
    result = subprocess.run([str(BIN / "flask"), *args], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=180)
    if result.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


@pytest.fixture(scope="session")
def seeded(app_env):
    """The real migrations, then the demo company (what `make run` does on a fresh machine)."""
    # "heads": while two branches of work each add a revision the tree has two heads until the lead
    # merges them; the browser journeys test the screens, tests/integration/test_migrations the tree.
    _flask(app_env, "db", "upgrade", "heads")
    _flask(app_env, "demo", "seed")
    return app_env


@pytest.fixture(scope="session")
def process_logs(tmp_path_factory):
    return tmp_path_factory.mktemp("e2e-logs")


@pytest.fixture(scope="session")
def worker_process(seeded, process_logs):
    process = processes.worker(seeded, process_logs)
    yield process
    process.stop()
    _keep_log(process)


@pytest.fixture(scope="session")
def live_server(seeded, worker_process, process_logs):
    """gunicorn serving wsgi:app on a free port; ready when it answers the login page."""
    port = seeded["WEB_PORT"]
    process = Process("web", [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "2",
                              "--threads", "4", "--access-logfile", "-", "wsgi:app"], seeded, process_logs)
    base_url = seeded["APP_BASE_URL"]
    try:
        _wait_until_serving(base_url, process)
        if worker_process.proc.poll() is not None:
            raise RuntimeError("the RQ worker exited:\n" + worker_process.tail())
    except BaseException:  # never leave a gunicorn behind (it runs in its own session)
        process.stop()
        raise
    yield base_url
    process.stop()
    _keep_log(process)


def _wait_until_serving(base_url: str, process: Process, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while True:  # poll the real port until it answers: readiness, not a guessed delay
        try:
            if requests.get(base_url + "/login", timeout=5).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or still importing the app
            pass
        if process.proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("gunicorn did not start:\n" + process.tail())
        time.sleep(0.05)


def _keep_log(process: Process):
    OUTPUT.mkdir(parents=True, exist_ok=True)
    shutil.copy(process.log_path, OUTPUT / process.log_path.name)


# ---- the browser ---------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    OUTPUT.mkdir(parents=True, exist_ok=True)
    for stale in OUTPUT.glob("*-trace.zip"):  # a trace from an earlier run would pass for this run's failure
        stale.unlink()

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session", autouse=True)
def _expect_timeout():
    from playwright.sync_api import expect

    expect.set_options(timeout=EXPECT_TIMEOUT_MS)


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name)


@pytest.fixture
def context(browser, live_server, request):
    OUTPUT.mkdir(parents=True, exist_ok=True)
    ctx = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(EXPECT_TIMEOUT_MS)
    ctx.tracing.start(screenshots=True, snapshots=True, sources=False)
    yield ctx
    failed = any(getattr(request.node, f"rep_{when}", None) is not None and getattr(request.node, f"rep_{when}").failed
                 for when in ("setup", "call"))
    if failed:
        ctx.tracing.stop(path=str(OUTPUT / f"{_safe(request.node.name)}-trace.zip"))
    else:
        ctx.tracing.stop()
    ctx.close()


@pytest.fixture
def page(context, request):
    """A logged-out page; the journey's final state is saved as a screenshot whatever happens."""
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    try:
        pg.screenshot(path=str(OUTPUT / f"{_safe(request.node.name)}.png"), full_page=True)
    except Exception:  # noqa: BLE001 - a screenshot must never hide the test's own outcome
        pass
    # An uncaught script error in the browser is a bug even if every assertion passed.
    assert not errors, f"JavaScript errors on the page: {errors}"


def screenshot(page, name: str, full_page: bool = True):
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"{name}.png"), full_page=full_page)


def login(page, email: str = ADMIN_EMAIL, password: str = ADMIN_PASSWORD):
    from playwright.sync_api import expect

    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()


@pytest.fixture
def admin_page(page):
    login(page)
    return page


# ---- QuickBooks Online, connected through the screens --------------------------------------------

def connect_quickbooks_online(page, company_name: str):
    """User profile → Integrations → Connect a QuickBooks account → sandbox consent → back."""
    from playwright.sync_api import expect

    page.goto("/profile/")
    integrations = page.locator("#integrations")
    integrations.get_by_role("button", name="Connect a QuickBooks account").click()
    expect(page).to_have_title("Connect to QuickBooks (sandbox)")
    page.get_by_label(company_name).check()
    page.get_by_role("button", name="Connect", exact=True).click()
    expect(page).to_have_url(re.compile(r"/profile/?$"))
    expect(page.locator("#flashes")).to_contain_text("Your QuickBooks account is connected")


def company_settings(e2e_db) -> dict:
    with e2e_db.connect() as conn:
        row = conn.execute(sa.text("SELECT enabled, realm_id, quickbooks_type FROM quickbooks_settings")).mappings().first()
    return dict(row) if row else {}


@pytest.fixture
def online_realm(admin_page, e2e_db, qbo_sandbox):
    """The realm the demo company syncs with. Journey 1 connects it through the screens; a journey
    run on its own connects the same way here, so every journey can run alone."""
    from playwright.sync_api import expect

    settings = company_settings(e2e_db)
    if settings.get("realm_id") and settings.get("enabled"):
        return settings["realm_id"]
    page = admin_page
    connect_quickbooks_online(page, "Cedar Ridge Contracting")
    page.goto("/quickbooks/settings")
    section = page.locator("#qb-connection")
    section.get_by_role("button", name="Realm ID").first.click()
    expect(section).to_contain_text("Connected to Realm ID")
    enabled = section.get_by_label("Enable QuickBooks for this Company")
    if not enabled.is_checked():
        enabled.check()
        section.get_by_role("button", name="Save connection").click()
        expect(section).to_contain_text("QuickBooks is enabled")
    return company_settings(e2e_db)["realm_id"]


# ---- demo records for the journeys ----------------------------------------------------------------

INVOICES_WITH_ACCOUNTS = sa.text("""
    SELECT i.id, i.number, i.customer_id, i.project_id, a.number AS account_number, it.name AS item_name
    FROM invoices i JOIN invoice_lines l ON l.invoice_id = i.id
    JOIN invoice_items it ON it.id = l.item_id JOIN financial_accounts a ON a.id = it.income_account_id
    ORDER BY i.id
""")


class DemoInvoices:
    """Hands each journey an invoice of its own, on a customer no other journey touches, so journeys
    neither depend on each other's order nor share QuickBooks records."""

    # Invoices 1001-1003 exist in the sandbox company already (initial-sync matching by DocNumber).
    ALREADY_IN_QUICKBOOKS = {"1001", "1002", "1003"}

    def __init__(self, engine):
        self.used_customers: set[int] = set()
        invoices: dict[int, dict] = {}
        with engine.connect() as conn:
            for row in conn.execute(INVOICES_WITH_ACCOUNTS).mappings():
                inv = invoices.setdefault(row["id"], dict(row, items={}))
                inv["items"][row["item_name"]] = row["account_number"]
            self.projects = [dict(r) for r in conn.execute(sa.text(
                "SELECT id, number, customer_id FROM projects ORDER BY id")).mappings()]
        self.invoices = list(invoices.values())

    def pick_project(self) -> dict:
        for project in self.projects:
            if project["customer_id"] not in self.used_customers:
                self.used_customers.add(project["customer_id"])
                return project
        raise LookupError("no demo project fits")

    def pick(self, with_item_on_account: str | None = None) -> dict:
        """An invoice; with an account number, one whose item (named in "item") has that income account."""
        for inv in self.invoices:
            if inv["number"] in self.ALREADY_IN_QUICKBOOKS or inv["customer_id"] in self.used_customers:
                continue
            if with_item_on_account:
                item = next((name for name, acct in inv["items"].items() if acct == with_item_on_account), None)
                if item is None:
                    continue
                inv = dict(inv, item=item)
            self.used_customers.add(inv["customer_id"])
            return inv
        raise LookupError("no demo invoice fits")


@pytest.fixture(scope="session")
def demo_invoices(e2e_db, live_server):
    return DemoInvoices(e2e_db)


# ---- a second company, on QuickBooks Desktop ------------------------------------------------------

DESKTOP_ADMIN = "admin@alpine.example"
SEED_DESKTOP_COMPANY = """
from webapp import create_app, demo
from webapp.extensions import db
app = create_app()
with app.app_context():
    result = demo.seed(company_name="Alpine Exteriors", admin_email="%s", rng_seed=7)
    print(result.company.id)
""" % DESKTOP_ADMIN


@pytest.fixture(scope="session")
def desktop_company(seeded, live_server):
    """A company of its own for the Desktop journey: the QuickBooks type is per company, and the other
    journeys need the demo company on QuickBooks Online."""
    result = subprocess.run([str(BIN / "python"), "-c", SEED_DESKTOP_COMPANY], cwd=ROOT, env=seeded,
                            capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"seeding the Desktop company failed:\n{result.stdout}\n{result.stderr}")
    return int(result.stdout.strip().splitlines()[-1])


def run_web_connector(env: dict, company_id: int) -> str:
    """`flask sandbox webconnector run`: one simulated Web Connector session against the live app."""
    result = subprocess.run([str(BIN / "flask"), "sandbox", "webconnector", "run", "--company", str(company_id),
                             "--noop-wait", "0.2"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"the Web Connector session failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout
