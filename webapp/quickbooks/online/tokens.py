"""Access tokens for QuickBooks Online connections: refreshed before expiry and after a 401,
under a Redis lock so two workers never refresh the same connection at once.

Intuit rotates the refresh token on every refresh and the old one goes stale: a second worker
refreshing with it gets invalid_grant and the connection would be lost. So: take the lock, re-read
the row (another worker may have refreshed while we waited), refresh only if still needed, and
commit both new tokens in one transaction before releasing the lock.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from flask import current_app
from sqlalchemy import select

from webapp import crypto
from webapp.extensions import db
from webapp.models import ConnectionStatus, QuickBooksConnection, QuickBooksSettings
from webapp.models.base import utcnow
from webapp.queues import redis_connection
from webapp.quickbooks.online import oauth

log = logging.getLogger(__name__)
REFRESH_MARGIN = timedelta(minutes=5)


class ReconnectNeeded(Exception):
    """The refresh token was refused (invalid_grant): a person must connect QuickBooks again."""


def store_new_token(connection: QuickBooksConnection, token: dict) -> None:
    connection.access_token_encrypted = crypto.encrypt(token["access_token"])
    if token.get("refresh_token"):
        connection.refresh_token_encrypted = crypto.encrypt(token["refresh_token"])
    connection.access_expires_at, refresh_expiry = oauth.token_expiries(token)
    if refresh_expiry:
        connection.refresh_expires_at = refresh_expiry
    connection.last_refreshed_at = utcnow()
    connection.status = ConnectionStatus.connected
    connection.status_detail = ""


def _fresh_row(connection_id: int) -> QuickBooksConnection:
    db.session.expire_all()
    return db.session.get(QuickBooksConnection, connection_id)


def access_token(connection_id: int) -> str:
    """A valid access token, refreshing first when it expires within the margin."""
    connection = db.session.get(QuickBooksConnection, connection_id)
    if connection is None or connection.status != ConnectionStatus.connected:
        raise ReconnectNeeded("QuickBooks is not connected.")
    if connection.access_expires_at and connection.access_expires_at - REFRESH_MARGIN > utcnow():
        return crypto.decrypt(connection.access_token_encrypted)
    return refresh(connection_id, stale_token=crypto.decrypt(connection.access_token_encrypted))


def refresh(connection_id: int, stale_token: str | None = None) -> str:
    """Refresh under the lock. `stale_token`: the token that just failed or is expiring; if another
    worker already replaced it, the new one is returned without a second refresh."""
    lock = redis_connection().lock(f"cc:qbo-token-refresh:{connection_id}", timeout=60, blocking_timeout=60)
    with lock:
        connection = _fresh_row(connection_id)
        if connection is None or connection.status != ConnectionStatus.connected:
            raise ReconnectNeeded("QuickBooks is not connected.")
        current = crypto.decrypt(connection.access_token_encrypted)
        still_valid = connection.access_expires_at and connection.access_expires_at - REFRESH_MARGIN > utcnow()
        if current and current != stale_token and still_valid:
            return current  # someone refreshed while we waited for the lock
        session = OAuth2Session(current_app.config["QBO_CLIENT_ID"], current_app.config["QBO_CLIENT_SECRET"],
                                token_endpoint_auth_method="client_secret_basic")
        try:
            token = session.refresh_token(oauth.endpoints()["token_endpoint"],
                                          refresh_token=crypto.decrypt(connection.refresh_token_encrypted),
                                          timeout=30)
        except OAuthError as exc:
            if exc.error == "invalid_grant":
                mark_needs_reconnect(connection, "QuickBooks refused the saved authorization (invalid_grant).")
                raise ReconnectNeeded(str(exc)) from exc
            raise
        store_new_token(connection, dict(token))
        db.session.commit()
        log.info("refreshed QuickBooks token for connection %s", connection_id)
        return token["access_token"]


def mark_needs_reconnect(connection: QuickBooksConnection, detail: str) -> None:
    """The connection is lost: flag it, and pause the company's queued runs until someone reconnects."""
    from webapp.sync import runs

    connection.status = ConnectionStatus.needs_reconnect
    connection.status_detail = detail
    db.session.commit()
    settings = db.session.scalar(select(QuickBooksSettings).where(
        QuickBooksSettings.company_id == connection.company_id, QuickBooksSettings.connection_id == connection.id))
    if settings is not None:
        runs.pause_company(connection.company_id, "QuickBooks needs to be reconnected: the sync waits until an "
                                                  "admin presses Reconnect.")
