"""Sync Job: Batch API waves vs one request per record, against the sandbox with Intuit-like latency.

    .venv/bin/python bench/sync_job_bench.py [--invoices 60] [--latency-ms 150]

Prints, side by side in one run, the wall time and the number of HTTP requests of both strategies for
the same job (a fresh sandbox company each), and their ratio. Runs the engine in-process (no worker)
so only the QuickBooks traffic differs.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def start_redis(port: int, workdir: str) -> subprocess.Popen:
    from workers.embedded_redis import binary

    proc = subprocess.Popen([binary(), "--port", str(port), "--save", "", "--dir", workdir],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis

    client = redis.Redis(port=port)
    for _ in range(200):
        try:
            client.ping()
            return proc
        except redis.ConnectionError:
            time.sleep(0.02)
    raise RuntimeError("redis did not start")


def build_job(db, models, company_id: int, invoices: int):
    m = models
    income = m.FinancialAccount(company_id=company_id, name="Services", account_type=m.AccountType.income)
    db.session.add(income)
    db.session.flush()
    items = [m.InvoiceItem(company_id=company_id, name=f"Bench item {n}", rate=Decimal("95.00"),
                           income_account_id=income.id) for n in range(5)]
    customer = m.Customer(company_id=company_id, first_name="Bench", last_name=f"Customer{company_id}")
    db.session.add_all(items + [customer])
    db.session.flush()
    project = m.Project(company_id=company_id, number=f"B-{company_id}", address="1 Bench St", customer_id=customer.id,
                        contract_date=date.today())
    db.session.add(project)
    db.session.flush()
    for n in range(invoices):
        inv = m.Invoice(company_id=company_id, number=f"{company_id}{n:04d}", customer_id=customer.id,
                        project_id=project.id, invoice_date=date.today() - timedelta(days=n))
        inv.lines.append(m.InvoiceLine(item_id=items[n % 5].id, description="Work", quantity=Decimal(2),
                                       rate=Decimal("95.00")))
        inv.recalculate()
        db.session.add(inv)
    db.session.commit()
    return project


def measure(app, sandbox, kind: str, invoices: int, latency_ms: int) -> tuple[float, int, str]:
    from webapp import crypto
    from webapp.extensions import db
    from webapp import models as m
    from webapp.models.base import utcnow
    from webapp.sync import engine, runs

    realm = sandbox.control.create_company("small")
    sandbox.control.set_rate_limits(realm, enabled=False)
    sandbox.control.set_latency(realm, latency_ms)
    token = sandbox.control.issue_tokens(realm)
    company = m.Company(name=f"Bench {kind}", quickbooks_allowed=True)
    db.session.add(company)
    db.session.flush()
    user = m.User(company_id=company.id, name="Bench", email=f"bench-{kind}-{company.id}@example.com",
                  password_hash="x", role=m.Role.admin)
    db.session.add(user)
    db.session.flush()
    conn = m.QuickBooksConnection(company_id=company.id, user_id=user.id, realm_id=realm,
                                  access_token_encrypted=crypto.encrypt(token["access_token"]),
                                  refresh_token_encrypted=crypto.encrypt(token["refresh_token"]),
                                  access_expires_at=utcnow() + timedelta(hours=1))
    db.session.add(conn)
    db.session.flush()
    db.session.add(m.QuickBooksSettings(company_id=company.id, enabled=True, realm_id=realm, connection_id=conn.id))
    db.session.commit()
    project = build_job(db, m, company.id, invoices)
    # Park the run (Enable OFF) so nothing is enqueued; the engine runs it here, in-process.
    settings = db.session.scalar(db.select(m.QuickBooksSettings).where(m.QuickBooksSettings.company_id == company.id))
    settings.enabled = False
    db.session.commit()
    run = runs.start(company.id, kind, "job", project.id, "bench").run
    settings.enabled = True
    run.status = m.RunStatus.queued
    db.session.commit()
    sandbox.control.clear_requests(realm)
    started = time.perf_counter()
    status = engine.execute(run.id)
    elapsed = time.perf_counter() - started
    return elapsed, len(sandbox.control.requests(realm)), status


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--invoices", type=int, default=60)
    parser.add_argument("--latency-ms", type=int, default=150)
    args = parser.parse_args()
    from sandbox.online.testing import start_sandbox
    from webapp import create_app
    from webapp.extensions import db

    work = tempfile.mkdtemp(prefix="cc-bench-")
    port = 16379 + os.getpid() % 1000
    redis_proc = start_redis(port, work)
    sandbox = start_sandbox(os.path.join(work, "qbo.sqlite"))
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{work}/bench.db", "SECRET_KEY": "bench",
                          "REDIS_URL": f"redis://127.0.0.1:{port}/0", "QBO_API_BASE": sandbox.base_url,
                          "QBO_DISCOVERY_URL": sandbox.discovery_url, "QBO_REQUESTS_PER_SECOND": 1000,
                          "QBO_REQUESTS_PER_MINUTE": 100000})
        with app.app_context():
            db.create_all()
            single = measure(app, sandbox, "push", args.invoices, args.latency_ms)
            batch = measure(app, sandbox, "sync_job", args.invoices, args.latency_ms)
        print(f"Sync Job of 1 customer, 1 job, 5 items, {args.invoices} invoices; sandbox latency {args.latency_ms} ms")
        print(f"{'strategy':<28}{'seconds':>10}{'requests':>10}  status")
        print(f"{'one request per record':<28}{single[0]:>10.2f}{single[1]:>10}  {single[2]}")
        print(f"{'batch waves (30 per batch)':<28}{batch[0]:>10.2f}{batch[1]:>10}  {batch[2]}")
        print(f"ratio (one-by-one / batch):   time {single[0] / batch[0]:.1f}x   requests {single[1] / batch[1]:.1f}x")
    finally:
        sandbox.stop()
        redis_proc.terminate()


if __name__ == "__main__":
    main()
