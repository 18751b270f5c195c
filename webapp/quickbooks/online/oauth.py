"""The Intuit OAuth 2.0 authorization-code flow, with authlib's Flask client (state is checked by it).

Endpoints come from the discovery document: Intuit's when QBO_CLIENT_ID is configured, the local
sandbox's otherwise (see webapp.config).
"""
from __future__ import annotations

from datetime import timedelta
from functools import lru_cache

import requests
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app

from webapp.models.base import utcnow

SCOPE = "com.intuit.quickbooks.accounting"


def init_app(app: Flask) -> None:
    """One authlib registry per app (config differs between apps, e.g. tests and production)."""
    registry = OAuth(app)
    app.extensions["qbo_oauth"] = registry
    registry.register(
        "intuit",
        client_id=app.config["QBO_CLIENT_ID"],
        client_secret=app.config["QBO_CLIENT_SECRET"],
        server_metadata_url=app.config["QBO_DISCOVERY_URL"],
        client_kwargs={"scope": SCOPE, "token_endpoint_auth_method": "client_secret_basic"},
    )


def intuit():
    """The authlib Flask client for Intuit (or the sandbox)."""
    return current_app.extensions["qbo_oauth"].intuit


@lru_cache(maxsize=8)
def _discovery(url: str) -> dict:
    response = requests.get(url, timeout=15)
    response.raise_for_status()
    return response.json()


def endpoints() -> dict:
    return _discovery(current_app.config["QBO_DISCOVERY_URL"])


def token_expiries(token: dict) -> tuple:
    now = utcnow()
    access = now + timedelta(seconds=int(token.get("expires_in", 3600)))
    refresh_seconds = token.get("x_refresh_token_expires_in")
    refresh = now + timedelta(seconds=int(refresh_seconds)) if refresh_seconds else None
    return access, refresh


def revoke(token: str) -> None:
    """Tell Intuit to revoke the connection; failures are not fatal (the local link is removed anyway)."""
    url = endpoints().get("revocation_endpoint")
    if not url or not token:
        return
    requests.post(url, json={"token": token}, auth=(current_app.config["QBO_CLIENT_ID"],
                                                    current_app.config["QBO_CLIENT_SECRET"]),
                  headers={"Accept": "application/json"}, timeout=15)
