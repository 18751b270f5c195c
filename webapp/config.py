"""Configuration, read from the environment inside create_app (never at import time).

Every setting has an embedded default so `make run` works on a fresh machine; production sets the
environment variables listed in the README.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path


def _instance_secret(instance_path: str, name: str) -> str:
    """A random secret generated once and kept in the instance folder (dev/demo only).

    Production must set SECRET_KEY and ENCRYPTION_KEY explicitly; this only keeps a local
    `make run` stable across restarts without asking a newcomer to invent keys.
    """
    path = Path(instance_path) / name
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    path.write_text(value)
    path.chmod(0o600)
    return value


def from_environment(instance_path: str) -> dict:
    env = os.environ
    default_db = "sqlite:///" + str(Path(instance_path) / "contractors.db")
    secret_key = env.get("SECRET_KEY") or _instance_secret(instance_path, "secret_key")
    sandbox_url = env.get("QBO_SANDBOX_URL", "http://127.0.0.1:5055").rstrip("/")
    intuit = bool(env.get("QBO_CLIENT_ID"))
    qbo_environment = env.get("QBO_ENVIRONMENT", "sandbox" if intuit else "local")
    return {
        "SECRET_KEY": secret_key,
        # Fernet key for secrets at rest (OAuth tokens). Derived from SECRET_KEY when not given.
        "ENCRYPTION_KEY": env.get("ENCRYPTION_KEY", ""),
        "SQLALCHEMY_DATABASE_URI": _normalise_db_url(env.get("DATABASE_URL", default_db)),
        "REDIS_URL": env.get("REDIS_URL", "redis://127.0.0.1:6389/0"),
        "APP_BASE_URL": env.get("APP_BASE_URL", "http://127.0.0.1:5000"),
        # QuickBooks Online: Intuit when QBO_CLIENT_ID is set, the local sandbox otherwise.
        "QBO_ENVIRONMENT": qbo_environment,
        "QBO_CLIENT_ID": env.get("QBO_CLIENT_ID", "cc-sandbox-client"),
        "QBO_CLIENT_SECRET": env.get("QBO_CLIENT_SECRET", "cc-sandbox-secret"),
        "QBO_SANDBOX_URL": sandbox_url,
        "QBO_API_BASE": env.get("QBO_API_BASE", _qbo_api_base(qbo_environment, sandbox_url)),
        "QBO_DISCOVERY_URL": env.get("QBO_DISCOVERY_URL", _qbo_discovery(qbo_environment, sandbox_url)),
        # The local sandbox signs its webhooks with this token (sandbox/online/knobs.py).
        "QBO_WEBHOOK_VERIFIER": env.get("QBO_WEBHOOK_VERIFIER",
                                        "cc-sandbox-verifier" if qbo_environment == "local" else ""),
        "QBO_MINOR_VERSION": int(env.get("QBO_MINOR_VERSION", "75")),
        "SYNC_DEBOUNCE_SECONDS": float(env.get("SYNC_DEBOUNCE_SECONDS", "5")),
        # Backoff between attempts of a run after 5xx / timeouts; Intuit asks for 60 s after a 429.
        "SYNC_RETRY_DELAYS": [float(x) for x in env.get("SYNC_RETRY_DELAYS", "5,30,120,300,900").split(",")],
        "QBO_THROTTLE_DELAY": float(env.get("QBO_THROTTLE_DELAY", "60")),
        "SYNC_MAX_ATTEMPTS": int(env.get("SYNC_MAX_ATTEMPTS", "6")),
        "SYNC_STUCK_SECONDS": int(env.get("SYNC_STUCK_SECONDS", "1800")),
        "SESSION_PROTECTION": "strong",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        "PAGE_SIZE": 25,
    }


def _normalise_db_url(url: str) -> str:
    # Heroku-style postgres:// and plain postgresql:// both mean psycopg 3 here.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def _qbo_api_base(environment: str, sandbox_url: str) -> str:
    return {
        "production": "https://quickbooks.api.intuit.com",
        "sandbox": "https://sandbox-quickbooks.api.intuit.com",
    }.get(environment, sandbox_url)


def _qbo_discovery(environment: str, sandbox_url: str) -> str:
    return {
        "production": "https://developer.api.intuit.com/.well-known/openid_configuration",
        "sandbox": "https://developer.api.intuit.com/.well-known/openid_sandbox_configuration",
    }.get(environment, sandbox_url + "/.well-known/openid_configuration/")
