"""Sync runs and their log lines.

A run is committed before its job is enqueued (the outbox); if enqueueing fails the run stays
`queued` and the sweeper enqueues it again. One active run per (company, target), enforced by the
unique `active_key`.
"""
from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from webapp.extensions import db
from webapp.models import QuickBooksSettings, RunStatus, SyncEvent, SyncRun
from webapp.models.base import utcnow
from webapp.queues import redis_connection

log = logging.getLogger(__name__)

ACTIVE = (RunStatus.queued, RunStatus.running, RunStatus.paused)


def active_key(company_id: int, kind: str, target_type: str, target_id: int | None) -> str:
    return f"{company_id}:{kind}:{target_type}:{target_id or '-'}"


@dataclass
class Started:
    run: SyncRun
    created: bool  # False: the same target already had a run under way, and this is it


def start(company_id: int, kind: str, target_type: str, target_id: int | None, label: str, *,
          user_id: int | None = None, backend: str = "online", options: dict | None = None,
          delay: timedelta | None = None, again_if_running: bool = False) -> Started:
    """Record a run and hand it to a worker; if one is already active for the target, return that one.

    `again_if_running`: the record changed while its run is already sending it (Automatic sync);
    the active run may have read the old state, so one more run follows when it finishes.
    """
    key = active_key(company_id, kind, target_type, target_id)
    existing = db.session.scalar(select(SyncRun).where(SyncRun.active_key == key))
    if existing is not None:
        if again_if_running and existing.status == RunStatus.running and not existing.options.get("again"):
            existing.options = {**existing.options, "again": True}
            db.session.commit()
        return Started(existing, False)
    settings = db.session.scalar(select(QuickBooksSettings).where(QuickBooksSettings.company_id == company_id))
    paused = settings is None or not settings.enabled
    run = SyncRun(company_id=company_id, kind=kind, backend=backend, target_type=target_type, target_id=target_id,
                  target_label=label, requested_by_id=user_id, active_key=key,
                  options={"salt": secrets.token_hex(3), **(options or {})},
                  status=RunStatus.paused if paused else RunStatus.queued)
    db.session.add(run)
    try:
        db.session.commit()
    except IntegrityError:  # another request started the same target a moment ago
        db.session.rollback()
        return Started(db.session.scalar(select(SyncRun).where(SyncRun.active_key == key)), False)
    if paused:
        event(run, "QuickBooks is turned off for this company (Enable QuickBooks is OFF): the sync waits "
                   "and starts when it is turned on again.", level="warning")
    else:
        event(run, "Queued.")
        dispatch(run, delay=delay)
    return Started(run, True)


def dispatch(run: SyncRun, delay: timedelta | None = None) -> None:
    """Enqueue the run's job. Failure to reach Redis is logged, not raised: the sweeper retries."""
    from workers import sync_jobs

    try:
        sync_jobs.enqueue(run, delay=delay)
    except Exception as exc:  # noqa: BLE001 - Redis down must not lose the committed run
        log.warning("could not enqueue run %s: %s; the sweeper will retry", run.id, exc)
        return
    run.enqueued_at = utcnow()
    db.session.commit()


CHANNEL = "cc:sync-runs"  # "<company id>:<run id>" after every committed change of a run


def announce(run: SyncRun) -> None:
    """Tell whoever listens (tests waiting for a run; a live view could too) that the run changed.
    Best effort: the database stays the truth, a lost message only delays a listener's re-check."""
    try:
        redis_connection().publish(CHANNEL, f"{run.company_id}:{run.id}")
    except Exception as exc:  # noqa: BLE001 - Redis down must not fail the sync itself
        log.debug("could not announce run %s: %s", run.id, exc)


def event(run: SyncRun, message: str, *, level: str = "info", entity_type: str = "", entity_id: int | None = None,
          detail: dict | None = None, commit: bool = True) -> SyncEvent:
    ev = SyncEvent(run_id=run.id, level=level, message=message, entity_type=entity_type, entity_id=entity_id,
                   detail=detail or {})
    db.session.add(ev)
    if commit:
        db.session.commit()
        announce(run)
    return ev


def begin(run: SyncRun) -> None:
    run.status = RunStatus.running
    run.started_at = run.started_at or utcnow()
    run.attempts += 1
    db.session.commit()


def finish(run: SyncRun, status: RunStatus, error: str = "") -> None:
    run.status = status
    run.error = error
    run.finished_at = utcnow()
    run.active_key = None
    db.session.commit()
    announce(run)
    if run.options.get("again"):
        options = {k: v for k, v in run.options.items() if k not in ("again", "salt")}
        start(run.company_id, run.kind, run.target_type, run.target_id, run.target_label,
              user_id=run.requested_by_id, backend=run.backend, options=options)


def pause(run: SyncRun, reason: str) -> None:
    run.status = RunStatus.paused
    db.session.commit()
    event(run, reason, level="warning")


def resume_paused(company_id: int) -> int:
    """Enable turned ON again (or a reconnect): every paused run of the company goes back to the queue."""
    runs = db.session.scalars(select(SyncRun).where(SyncRun.company_id == company_id,
                                                    SyncRun.status == RunStatus.paused)).all()
    for run in runs:
        run.status = RunStatus.queued
        db.session.commit()
        event(run, "Resumed: QuickBooks is enabled again.")
        dispatch(run)
    return len(runs)


def pause_company(company_id: int, reason: str) -> int:
    runs = db.session.scalars(select(SyncRun).where(SyncRun.company_id == company_id,
                                                    SyncRun.status == RunStatus.queued)).all()
    for run in runs:
        pause(run, reason)
    return len(runs)


def latest_for(company_id: int, target_type: str, target_id: int) -> SyncRun | None:
    return db.session.scalar(
        select(SyncRun).where(SyncRun.company_id == company_id, SyncRun.target_type == target_type,
                              SyncRun.target_id == target_id).order_by(SyncRun.id.desc()).limit(1))


def stuck_before() -> datetime:
    return utcnow() - timedelta(seconds=current_app.config.get("SYNC_STUCK_SECONDS", 1800))
