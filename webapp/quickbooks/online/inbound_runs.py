"""Executing the inbound runs (kinds "import", "webhook", "cdc"): gates, one company at a time, log.

The push engine executes push runs; these runs read from QuickBooks instead. They share the run
model, the retry policy for throttling and outages, and the sweeper (a lost job is enqueued again).
One inbound run per company works at a time (a Redis lock), so an import and a webhook never both
add the same QuickBooks object.
"""
from __future__ import annotations

from redis.exceptions import LockError

from webapp.extensions import db
from webapp.models import Project, RunStatus, SyncRun
from webapp.queues import redis_connection
from webapp.quickbooks.online import bill_import, cdc, imports, webhooks
from webapp.quickbooks.online.errors import Retryable
from webapp.quickbooks.online.inbound import Inbound, InboundClient, Skip
from webapp.quickbooks.online.tokens import ReconnectNeeded
from webapp.sync import engine, runs

KINDS = ("import", "webhook", "cdc")
LOCK_SECONDS = 3600       # the longest an import may hold the company
LOCK_WAIT_SECONDS = 120   # a webhook waits this long for an import to finish, then retries later


def is_inbound(run_id: int) -> bool:
    """Which executor a run's job calls (workers.sync_jobs.run_sync routes every run by this)."""
    run = db.session.get(SyncRun, run_id)
    return run is not None and run.kind in KINDS and run.backend == "online"


def execute(run_id: int) -> str:
    run = db.session.get(SyncRun, run_id)
    if run is None or run.status.finished:
        return "nothing to do"
    settings = engine.settings_for(run.company_id)
    if settings is None or not settings.enabled:
        runs.pause(run, "QuickBooks is turned off for this company (Enable QuickBooks is OFF): the import waits.")
        return "paused"
    blocked = engine.online_blocker(run, settings, "import")
    if blocked:
        return blocked

    runs.begin(run)
    ctx = Inbound(run, settings, InboundClient(settings.connection_id, settings.realm_id))
    lock = redis_connection().lock(f"cc:qbo-inbound:{run.company_id}", timeout=LOCK_SECONDS,
                                   blocking_timeout=LOCK_WAIT_SECONDS)
    try:
        if not lock.acquire():
            raise Retryable("Another QuickBooks import is running for this company.", "busy")
        try:
            _work(ctx)
        finally:
            try:
                lock.release()
            except LockError:  # expired while we worked: nothing left to release
                pass
    except Retryable as exc:
        return engine.retry_later(run, exc)
    except ReconnectNeeded:
        db.session.rollback()
        runs.pause(run, "QuickBooks needs to be reconnected: the import waits until an admin presses Reconnect.")
        return "paused"
    except Skip as exc:
        db.session.rollback()
        runs.event(run, str(exc)[:1].upper() + str(exc)[1:] + ".", level="error")
        runs.finish(run, RunStatus.failed, str(exc))
        return "failed"
    return _finish(ctx)


def _work(ctx: Inbound) -> None:
    run = ctx.run
    if run.kind == "import" and run.target_type in (bill_import.FETCH, bill_import.IMPORT):
        project = db.session.get(Project, run.target_id)
        if project is None or project.company_id != run.company_id:
            raise Skip("the project no longer exists")
        (bill_import.fetch if run.target_type == bill_import.FETCH else bill_import.import_selected)(ctx, project)
    elif run.kind == "import":
        imports.import_list(ctx, run.target_type.removeprefix("import:"))
    elif run.kind == "webhook":
        webhooks.process(ctx)
    else:
        cdc.catch_up(ctx)


def _finish(ctx: Inbound) -> str:
    run = ctx.run
    run.counts = ctx.summary()
    db.session.commit()
    if run.kind == "cdc" and not any(n for k, n in ctx.counts.items() if k != "unchanged"):
        # A catch-up that found nothing new leaves no trace in the Sync log (it runs every minute);
        # the cursor keeps when it last ran.
        db.session.delete(run)
        db.session.commit()
        return "nothing new"
    words = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in run.counts.items() if k != "skipped_reasons" and n)
    runs.event(run, f"Done: {words or 'nothing changed'}.")
    runs.finish(run, RunStatus.succeeded)
    return "succeeded"
