"""RQ queues bound to the app's Redis, created lazily per app (never a module-global client at import).

A named queue per kind of work, each with its own job timeout.
"""
from __future__ import annotations

from flask import current_app
from redis import Redis
from rq import Queue

QUEUES = {
    # Pushing records to QuickBooks Online: short calls, retried with backoff.
    "sync": {"default_timeout": 600},
    # Bulk imports and CDC catch-up: long pages of data.
    "imports": {"default_timeout": 3600},
    # Web Connector responses and housekeeping (sweeper).
    "default": {"default_timeout": 300},
}
WORKER_QUEUES = ["sync", "imports", "default"]


def redis_connection(app=None) -> Redis:
    app = app or current_app
    conn = app.extensions.get("cc_redis")
    if conn is None:
        conn = Redis.from_url(app.config["REDIS_URL"])
        app.extensions["cc_redis"] = conn
    return conn


def get_queue(name: str, app=None) -> Queue:
    return Queue(name, connection=redis_connection(app), **QUEUES[name])
