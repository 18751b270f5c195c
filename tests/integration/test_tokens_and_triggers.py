"""Token refresh under concurrency and invalid_grant; Automatic sync; work order completion; deletes."""
from __future__ import annotations

import threading
from datetime import timedelta

from webapp import crypto, signals
from webapp.extensions import db
from webapp.models import (
    ConnectionStatus, DeletionReminder, Link, Project, QuickBooksConnection, RunStatus, SyncRun, SyncType,
    WorkOrder, WorkOrderStatus,
)
from webapp.models.base import utcnow
from webapp.quickbooks.online import tokens
from webapp.records import commit_record
from webapp.sync import runs
from tests.integration.conftest import wait_for_run


def _expire(settings):
    connection = db.session.get(QuickBooksConnection, settings.connection_id)
    connection.access_expires_at = utcnow() - timedelta(seconds=5)
    db.session.commit()
    return connection


def test_concurrent_refreshes_use_the_refresh_token_once(app, qbo, connect_company):
    settings = connect_company()
    connection = _expire(settings)
    old_refresh = crypto.decrypt(connection.refresh_token_encrypted)
    results, errors = [], []

    def worker():
        with app.app_context():
            try:
                results.append(tokens.access_token(connection.id))
            except Exception as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert len(set(results)) == 1  # all four got the same fresh token: one refresh, not four
    db.session.expire_all()
    fresh = db.session.get(QuickBooksConnection, connection.id)
    assert fresh.status == ConnectionStatus.connected
    assert crypto.decrypt(fresh.refresh_token_encrypted) != old_refresh  # the rotated token was persisted
    refreshes = [r for r in qbo.control.requests(settings.realm_id) if "tokens/bearer" in r["path"]]
    assert len(refreshes) <= 1


def test_invalid_grant_marks_needs_reconnect_and_pauses(worker, qbo, connect_company, company, admin_client,
                                                        make_customer):
    settings = connect_company()
    connection = _expire(settings)
    connection.refresh_token_encrypted = crypto.encrypt("stale-refresh-token")
    db.session.commit()
    customer = make_customer()
    run = runs.start(company.id, "push", "customer", customer.id, "Customer").run
    run = wait_for_run(run.id, statuses=(RunStatus.paused, RunStatus.failed, RunStatus.succeeded))
    assert run.status == RunStatus.paused
    db.session.expire_all()
    assert db.session.get(QuickBooksConnection, connection.id).status == ConnectionStatus.needs_reconnect
    page = admin_client.get("/customers/").get_data(as_text=True)
    assert "needs to be reconnected" in page and "Reconnect" in page


def test_expired_access_token_is_refreshed_after_a_401(worker, qbo, connect_company, company, make_customer):
    settings = connect_company(access_ttl=1)
    qbo.control.advance_clock(5)  # the sandbox now considers the access token expired
    connection = db.session.get(QuickBooksConnection, settings.connection_id)
    connection.access_expires_at = utcnow() + timedelta(hours=1)  # we believe it is still valid
    db.session.commit()
    run = runs.start(company.id, "push", "customer", make_customer().id, "Customer").run
    assert wait_for_run(run.id).status == RunStatus.succeeded


def test_automatic_sync_pushes_a_saved_invoice_once_for_a_burst(worker, qbo, connect_company, company, admin,
                                                                make_invoice, app):
    connect_company(sync_type=SyncType.automatic)
    invoice = make_invoice(number="8100")
    with app.test_request_context():
        from flask_login import login_user

        login_user(admin)
        for memo in ("first", "second", "third"):
            invoice.memo = memo
            commit_record(invoice)
    assert db.session.scalar(db.select(db.func.count(SyncRun.id))) == 1
    run = db.session.scalar(db.select(SyncRun))
    assert run.options["trigger"] == "automatic"
    assert wait_for_run(run.id).status == RunStatus.succeeded


def test_manual_sync_type_does_not_push_on_save(app, connect_company, admin, make_invoice):
    connect_company(sync_type=SyncType.manual)
    invoice = make_invoice()
    with app.test_request_context():
        from flask_login import login_user

        login_user(admin)
        commit_record(invoice)
    assert db.session.scalar(db.select(db.func.count(SyncRun.id))) == 0


def test_last_work_order_completion_exports_expenses(app, connect_company, company, make_bill, make_project):
    settings = connect_company(auto_export_expenses=True)
    settings.enabled = False  # keep runs queued so the test sees exactly what was started
    db.session.commit()
    project = make_project()
    bill = make_bill(project=project)
    orders = [WorkOrder(company_id=company.id, project_id=project.id, title=t) for t in ("Tear-off", "Install")]
    db.session.add_all(orders)
    db.session.commit()
    orders[0].status = WorkOrderStatus.completed
    db.session.commit()
    signals.work_order_completed.send(Project, company_id=company.id, project_id=project.id, work_order_id=orders[0].id)
    assert db.session.scalar(db.select(db.func.count(SyncRun.id))) == 0  # one work order is still open
    orders[1].status = WorkOrderStatus.completed
    db.session.commit()
    signals.work_order_completed.send(Project, company_id=company.id, project_id=project.id, work_order_id=orders[1].id)
    [run] = db.session.scalars(db.select(SyncRun)).all()
    assert (run.target_type, run.target_id) == ("bill", bill.id)


def test_deleting_a_synced_record_leaves_a_reminder_and_never_calls_quickbooks(
        worker, qbo, connect_company, company, admin, admin_client, make_customer, app):
    settings = connect_company()
    customer = make_customer(first_name="Gone", last_name="Soon")
    run = runs.start(company.id, "push", "customer", customer.id, "Customer").run
    assert wait_for_run(run.id).status == RunStatus.succeeded
    qbo.control.clear_requests(settings.realm_id)
    response = admin_client.post(f"/customers/{customer.id}/delete")
    assert response.status_code == 302
    [reminder] = db.session.scalars(db.select(DeletionReminder)).all()
    assert reminder.label == "Soon, Gone" and reminder.quickbooks_type == "Customer"
    assert db.session.scalar(db.select(db.func.count(Link.id))) == 0
    assert qbo.control.requests(settings.realm_id) == []
    assert "Soon, Gone" in admin_client.get("/quickbooks/reminders").get_data(as_text=True)


def test_an_edit_during_a_running_automatic_sync_starts_one_more_run(app, connect_company, company, make_invoice):
    connect_company(sync_type=SyncType.automatic)
    invoice = make_invoice()
    first = runs.start(company.id, "push", "invoice", invoice.id, "Invoice").run
    first.status = RunStatus.running  # as if a worker were sending the old state right now
    db.session.commit()
    again = runs.start(company.id, "push", "invoice", invoice.id, "Invoice", again_if_running=True)
    assert not again.created and again.run.id == first.id
    runs.finish(first, RunStatus.succeeded)
    follow_up = db.session.scalars(db.select(SyncRun).where(SyncRun.id != first.id)).all()
    assert len(follow_up) == 1 and follow_up[0].target_id == invoice.id


def test_sweeper_requeues_a_run_whose_job_vanished_and_fails_stuck_runs(worker, qbo, connect_company, company,
                                                                         make_customer, redis_url):
    from webapp.queues import redis_connection
    from webapp.sync import sweeper

    connect_company()
    lost = runs.start(company.id, "push", "customer", make_customer().id, "Customer lost").run
    stuck = runs.start(company.id, "push", "customer", make_customer().id, "Customer stuck").run
    # Simulate a Redis restart before a worker took the first job, and a worker that died mid-run.
    redis_connection().delete(f"rq:job:{lost.job_id}")
    wait_for_run(stuck.id)
    db.session.expire_all()
    lost = db.session.get(SyncRun, lost.id)
    lost.created_at = utcnow() - timedelta(minutes=5)
    if lost.status.finished:  # the worker was faster than the delete; make it look lost again
        lost.status, lost.active_key, lost.job_id = RunStatus.queued, "lost-key", "gone"
    stuck = db.session.get(SyncRun, stuck.id)
    stuck.status, stuck.active_key, stuck.started_at = RunStatus.running, "stuck-key", utcnow() - timedelta(hours=2)
    db.session.commit()
    result = sweeper.sweep()
    assert result == {"requeued": 1, "failed": 1}
    assert wait_for_run(lost.id).status == RunStatus.succeeded
    db.session.expire_all()
    stuck = db.session.get(SyncRun, stuck.id)
    assert stuck.status == RunStatus.failed and "timeout" in stuck.error.lower() + " ".join(e.message for e in stuck.events).lower()
