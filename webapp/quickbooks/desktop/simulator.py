"""The simulated Web Connector for development and demos (`flask sandbox webconnector run`, and its
schedule under `make run`): sandbox.desktop's QBWC client, the company's own .qwc, and a simulated
company file under instance/qbd/.

Like QBWC, the simulator remembers the password it was given (QBWC keeps it on the customer's PC);
here that is a file readable only by its owner under instance/qbwc-simulator/, written when an admin
sets the password while the simulator is enabled (development), or passed once to the command.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from flask import current_app, url_for
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import QuickBooksSettings, QuickBooksType, WebConnectorSession
from webapp.models.base import utcnow
from webapp.quickbooks.desktop import accounts


def enabled() -> bool:
    """On where QuickBooks Online is the local sandbox too (development, demos, tests)."""
    return bool(current_app.config.get("QBWC_SIMULATOR", current_app.config.get("QBO_ENVIRONMENT") == "local"))


def company_file(company_id: int) -> Path:
    return Path(current_app.instance_path) / "qbd" / f"company-{company_id}.sqlite"


def _secret_path(company_id: int) -> Path:
    return Path(current_app.instance_path) / "qbwc-simulator" / f"company-{company_id}.secret"


def remember_password(company_id: int, password: str) -> None:
    path = _secret_path(company_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(password)


def remembered_password(company_id: int) -> str | None:
    path = _secret_path(company_id)
    return path.read_text() if path.exists() else None


def qwc_text(company_id: int) -> str:
    """The same .qwc an admin downloads, with URLs built for APP_BASE_URL (no request here)."""
    account = accounts.ensure(company_id)
    with current_app.test_request_context(base_url=current_app.config["APP_BASE_URL"]):
        return accounts.qwc_file(account, url_for("desktop.qbwc", _external=True),
                                 url_for("desktop.support", _external=True))


def run(company_id: int, password: str | None = None, *, noop_wait: float = 1.0, http=None):
    """One Web Connector session for the company against its simulated company file."""
    from sandbox.desktop.company import DesktopCompany
    from sandbox.desktop.webconnector import run_session

    password = password or remembered_password(company_id)
    if not password:
        raise LookupError("No Web Connector password known for this company: set one in Company Settings → "
                          "QuickBooks, or pass --password.")
    path = company_file(company_id)
    new_file = not path.exists()
    company = DesktopCompany(path, company_name=f"Company {company_id} (simulated)")
    if new_file:
        _add_chart_of_accounts(company, company_id)
    return run_session(qwc_text(company_id), password, company,
                       wait=lambda seconds: time.sleep(min(seconds, noop_wait)), http=http)


def _add_chart_of_accounts(company, company_id: int) -> None:
    """A new simulated company file gets the app company's accounts too, as the customer's real
    QuickBooks would have them (accounts are imported from QuickBooks, never sent to it), so the
    demo's items and bills find their accounts."""
    from sandbox.desktop.book import Book

    from webapp.models import FinancialAccount
    from webapp.quickbooks.desktop.imports import ACCOUNT_TYPES

    desktop_type = {ours: theirs for theirs, ours in ACCOUNT_TYPES.items()}
    accounts_here = db.session.scalars(select(FinancialAccount).where(FinancialAccount.company_id == company_id)).all()
    with company.store.transaction() as doc:
        book = Book(doc, company.clock.now())
        for account in accounts_here:
            if book.by_full_name("Account", account.name) is None:
                book.new_list_record("Account", {"Name": account.name, "FullName": account.name, "IsActive": "true",
                                                 "Sublevel": "0", "AccountType": desktop_type[account.account_type],
                                                 "AccountNumber": account.number, "Balance": "0.00",
                                                 "TotalBalance": "0.00"})


def start_due_sessions() -> dict:
    """The scheduler's tick: start a simulated session (its own process, so the worker stays free to
    apply the answers) for each Desktop company whose RunEveryNMinutes has passed."""
    if not enabled():
        return {"started": 0}
    started = 0
    for settings in db.session.scalars(select(QuickBooksSettings).where(
            QuickBooksSettings.quickbooks_type == QuickBooksType.desktop, QuickBooksSettings.enabled.is_(True))):
        company_id = settings.company_id
        account = accounts.for_company(company_id)
        if account is None or not remembered_password(company_id):
            continue
        last = db.session.scalar(select(WebConnectorSession.created_at).where(
            WebConnectorSession.company_id == company_id).order_by(WebConnectorSession.id.desc()).limit(1))
        if last is not None and last > utcnow() - timedelta(minutes=account.run_every_minutes):
            continue
        subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "sandbox", "webconnector", "run",
                          "--company", str(company_id)], cwd=_root(), start_new_session=True,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        started += 1
    return {"started": started}


def _root() -> str:
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
