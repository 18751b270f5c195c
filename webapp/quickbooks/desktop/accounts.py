"""The company's Web Connector login (user name, password, FileID) and its .qwc file."""
from __future__ import annotations

import re
import uuid

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.extensions import db
from webapp.models import Company, WebConnectorAccount
from webapp.models.base import utcnow
from webapp.quickbooks.desktop import qwc

# One OwnerID for the application (QBWC pairs it with each company's FileID). A constant, never
# regenerated: changing it makes every installed .qwc look like a different application.
OWNER_ID = "{6B0B7C1E-3C1A-4F57-9D1E-2C7B8A6E51D4}"
APP_NAME = "Contractors Cloud"
APP_DESCRIPTION = "Sends Contractors Cloud customers, jobs, invoices, payments and bills to QuickBooks Desktop."
MIN_PASSWORD_LENGTH = 10
RUN_EVERY_RANGE = (1, 1440)


def _username_for(company: Company) -> str:
    # Readable in the Web Connector's list, and unique because it ends with the company id.
    slug = re.sub(r"[^a-z0-9]+", "-", company.name.lower()).strip("-")[:30] or "company"
    return f"cc-{slug}-{company.id}"


def for_company(company_id: int) -> WebConnectorAccount | None:
    return db.session.scalar(select(WebConnectorAccount).where(WebConnectorAccount.company_id == company_id))


def ensure(company_id: int) -> WebConnectorAccount:
    """The company's account, created with its user name and FileID on first use."""
    account = for_company(company_id)
    if account is not None:
        return account
    company = db.session.get(Company, company_id)
    account = WebConnectorAccount(company_id=company_id, username=_username_for(company),
                                  file_id=qwc.format_guid(uuid.uuid4()))
    db.session.add(account)
    try:
        db.session.commit()
    except IntegrityError:  # created by a concurrent request a moment ago
        db.session.rollback()
        account = for_company(company_id)
    return account


def by_username(username: str) -> WebConnectorAccount | None:
    if not username:
        return None
    return db.session.scalar(select(WebConnectorAccount).where(WebConnectorAccount.username == username))


def set_password(account: WebConnectorAccount, password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"The password needs at least {MIN_PASSWORD_LENGTH} characters.")
    account.password_hash = generate_password_hash(password)
    account.password_set_at = utcnow()
    db.session.commit()


def check_password(account: WebConnectorAccount, password: str) -> bool:
    return bool(account.password_hash) and check_password_hash(account.password_hash, password)


def set_run_every(account: WebConnectorAccount, minutes: int) -> None:
    low, high = RUN_EVERY_RANGE
    if not low <= minutes <= high:
        raise ValueError(f"Run every must be between {low} and {high} minutes.")
    account.run_every_minutes = minutes
    db.session.commit()


def qwc_file(account: WebConnectorAccount, app_url: str, support_url: str) -> str:
    """The .qwc text for this company; the URLs come from url_for(..., _external=True)."""
    company = db.session.get(Company, account.company_id)
    return qwc.build_qwc(app_name=f"{APP_NAME} ({company.name})"[:100], app_url=app_url, app_support=support_url,
                         user_name=account.username, owner_id=OWNER_ID, file_id=account.file_id,
                         app_description=APP_DESCRIPTION, run_every_n_minutes=account.run_every_minutes)


def qwc_filename(account: WebConnectorAccount) -> str:
    return f"{account.username}.qwc"


def session_minutes() -> int:
    return int(current_app.config.get("QBWC_SESSION_MINUTES", 60))
