"""Bulk import benchmark: the first import of the large sandbox company's 10,000 items (and 2,000
accounts) against importing them again with nothing changed, side by side.

    .venv/bin/python bench/import_bench.py            # SQLite in a temporary folder
    DATABASE_URL=postgresql://... .venv/bin/python bench/import_bench.py

It starts the QuickBooks Online sandbox in-process, builds the schema in a scratch database, connects
a company to the large realm and runs the import jobs synchronously (the code a worker runs, without
Redis in the way), timing each.
"""
from __future__ import annotations

import os
import socket
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.sync_job_bench import start_redis  # noqa: E402


def main() -> int:
    from sandbox.online.seed import LARGE_REALM_ID
    from sandbox.online.testing import start_sandbox
    from webapp import create_app, crypto
    from webapp.extensions import db
    from webapp.models import Company, QuickBooksConnection, QuickBooksSettings, Role, RunStatus, SyncRun, User
    from webapp.models.base import utcnow
    from webapp.quickbooks.online import inbound_runs

    workdir = Path(tempfile.mkdtemp(prefix="cc-import-bench-"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        redis_port = s.getsockname()[1]
    redis_proc = start_redis(redis_port, str(workdir))  # the per-company import lock and rate limiter
    server = start_sandbox(workdir / "qbo.sqlite", companies=("large",), rate_limits=False)
    database = os.environ.get("DATABASE_URL") or f"sqlite:///{workdir / 'bench.db'}"
    from webapp.config import _normalise_db_url

    app = create_app({"SQLALCHEMY_DATABASE_URI": _normalise_db_url(database), "SECRET_KEY": "bench",
                      "QBO_API_BASE": server.base_url, "QBO_DISCOVERY_URL": server.discovery_url,
                      "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0"})
    try:
        with app.app_context():
            db.drop_all()
            db.create_all()
            company = Company(name="Bench Builders", quickbooks_allowed=True)
            db.session.add(company)
            db.session.flush()
            admin = User(company_id=company.id, name="Bench", email="bench@example.com", role=Role.admin)
            admin.set_password("bench-password")
            db.session.add(admin)
            db.session.flush()
            token = server.control.issue_tokens(LARGE_REALM_ID)
            connection = QuickBooksConnection(
                user_id=admin.id, company_id=company.id, realm_id=LARGE_REALM_ID,
                access_token_encrypted=crypto.encrypt(token["access_token"]),
                refresh_token_encrypted=crypto.encrypt(token["refresh_token"]),
                access_expires_at=utcnow() + timedelta(seconds=int(token["expires_in"])))
            db.session.add(connection)
            db.session.flush()
            db.session.add(QuickBooksSettings(company_id=company.id, enabled=True, realm_id=LARGE_REALM_ID,
                                              connection_id=connection.id))
            db.session.commit()

            def timed_import(key: str) -> tuple[float, dict]:
                # Recorded like a button press, executed here instead of by a worker.
                run = SyncRun(company_id=company.id, kind="import", target_type=f"import:{key}",
                              target_label=f"bench {key}", status=RunStatus.queued, options={})
                db.session.add(run)
                db.session.commit()
                started = time.perf_counter()
                outcome = inbound_runs.execute(run.id)
                elapsed = time.perf_counter() - started
                assert outcome == "succeeded", [e.message for e in db.session.get(SyncRun, run.id).events]
                return elapsed, dict(db.session.get(SyncRun, run.id).counts)

            rows = []
            for key, size in (("accounts", 2000), ("items", 10000)):
                first, first_counts = timed_import(key)
                again, again_counts = timed_import(key)
                assert first_counts["added"] == size and again_counts["unchanged"] == size, (first_counts, again_counts)
                rows.append((key, size, first, again))
        print(f"database: {database.split(':', 1)[0]}   sandbox: {server.base_url} (large company, no throttling)")
        print(f"{'list':<10}{'rows':>8}{'first import':>16}{'re-import (unchanged)':>24}{'ratio':>9}")
        for key, size, first, again in rows:
            print(f"{key:<10}{size:>8}{first:>15.2f}s{again:>23.2f}s{first / again:>8.1f}x")
    finally:
        server.stop()
        redis_proc.terminate()
    return 0


if __name__ == "__main__":
    sys.exit(main())
