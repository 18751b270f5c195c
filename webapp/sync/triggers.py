"""What happens on its own: Automatic sync on financial transactions (debounced), expenses exported
when a project's last work order completes, and reminders when a synced record is deleted here."""
from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy import select

from webapp import signals
from webapp.extensions import db
from webapp.models import (
    Bill, DeletionReminder, Link, Project, QuickBooksSettings, SyncType, WorkOrderStatus,
)
from webapp.sync import rules, runs


def _settings(company_id: int) -> QuickBooksSettings | None:
    return db.session.scalar(select(QuickBooksSettings).where(QuickBooksSettings.company_id == company_id))


def _backend_realm(settings: QuickBooksSettings) -> tuple[str, str]:
    from webapp.quickbooks.settings import backend_and_realm

    return backend_and_realm(settings)


def on_saved(model, company_id: int, record_id: int, user_id: int | None = None, **_kw) -> None:
    """Synchronize Type = Automatic: a saved financial transaction is pushed, a burst making one run."""
    local_type = rules.MODEL_TYPES.get(model)
    if local_type is None or not rules.RULES[local_type].financial:
        return
    settings = _settings(company_id)
    if settings is None or not settings.enabled or settings.sync_type != SyncType.automatic:
        return
    record = db.session.get(model, record_id)
    if record is None or rules.refusal(settings, record):
        return
    backend, _realm = _backend_realm(settings)
    # Debounce: the run waits a few seconds before starting; edits in that window find the same active
    # run (one per record) and add nothing, and the run pushes the latest state when it starts.
    delay = timedelta(seconds=current_app.config.get("SYNC_DEBOUNCE_SECONDS", 5))
    label = f"{rules.RULES[local_type].label} {rules.name_of(record)}"
    runs.start(company_id, "push", local_type, record_id, label, user_id=user_id, backend=backend,
               options={"trigger": "automatic"}, delay=delay, again_if_running=True)


def on_work_order_completed(model, company_id: int, project_id: int, user_id: int | None = None, **_kw) -> None:
    """Auto export expenses on work order completion: when the last open work order is done."""
    settings = _settings(company_id)
    if settings is None or not settings.auto_export_expenses:
        return
    project = db.session.get(Project, project_id)
    if project is None or any(w.status != WorkOrderStatus.completed for w in project.work_orders):
        return
    backend, _realm = _backend_realm(settings)
    bills = db.session.scalars(select(Bill).where(Bill.company_id == company_id, Bill.project_id == project_id)).all()
    for bill in bills:
        if rules.refusal(settings, bill) is None:
            runs.start(company_id, "push", "bill", bill.id, f"Bill {rules.name_of(bill)}", user_id=user_id,
                       backend=backend, options={"trigger": "work_order_completed"})


def on_deleted(model, company_id: int, record_type: str, record_id: int, label: str, user_id: int | None = None,
               **_kw) -> None:
    """QuickBooks is never touched by a delete here: remind the admins to remove it there by hand."""
    local_type = rules.MODEL_TYPES.get(model)
    if local_type is None:
        return
    for link in db.session.scalars(select(Link).where(Link.company_id == company_id, Link.local_type == local_type,
                                                      Link.local_id == record_id)).all():
        db.session.add(DeletionReminder(company_id=company_id, local_type=local_type, label=label,
                                        quickbooks_type=link.quickbooks_type, quickbooks_id=link.quickbooks_id,
                                        realm=link.realm, deleted_by_id=user_id))
        db.session.delete(link)
    db.session.commit()


def init_app(app: Flask) -> None:
    # weak=False: the receivers are module functions that live as long as the process anyway.
    signals.record_saved.connect(on_saved, weak=False)
    signals.work_order_completed.connect(on_work_order_completed, weak=False)
    signals.record_deleted.connect(on_deleted, weak=False)
