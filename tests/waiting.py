"""Awaiting what another process does (the RQ worker, the app under gunicorn) without fixed sleeps.

Every committed change of a sync run is announced on Redis (webapp.sync.runs.CHANNEL); `wait_until`
re-checks its condition each time something is announced, and at least once a second for changes
that are not runs (a stored Web Connector answer being applied, say), until the deadline.
"""
from __future__ import annotations

import time

from webapp.extensions import db
from webapp.queues import redis_connection
from webapp.sync.runs import CHANNEL


def wait_until(check, timeout: float = 45, what: str = "the condition"):
    """Return check()'s first truthy result; fail the test with `what` after `timeout` seconds."""
    pubsub = redis_connection().pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(CHANNEL)  # before the first check, so no announcement can slip between them
    deadline = time.monotonic() + timeout
    try:
        while True:
            db.session.rollback()  # end the read transaction: see what the other process committed
            db.session.expire_all()
            result = check()
            if result:
                return result
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"timed out after {timeout:g}s waiting for {what() if callable(what) else what}")
            pubsub.get_message(timeout=min(remaining, 1.0))
    finally:
        pubsub.close()
