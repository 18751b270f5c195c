"""Executing a sync run: gates, plan, push each record in dependency order, log every step.

Called by the RQ job with a run id. Transient QuickBooks trouble (429, 5xx, dropped connections)
puts the run back in the queue with a delay; everything already done is skipped on the next
attempt (links and hashes), and the in-flight create is replayed by its requestid.
"""
from __future__ import annotations

import json
import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import ConnectionStatus, QuickBooksSettings, QuickBooksType, RunStatus, SyncRun
from webapp.quickbooks.online.batch_push import BatchPusher
from webapp.quickbooks.online.client import QBOClient
from webapp.quickbooks.online.errors import QBOError, Retryable
from webapp.quickbooks.online.push import OnlinePusher, PushProblem
from webapp.quickbooks.online.tokens import ReconnectNeeded
from webapp.sync import planner, rules, runs

log = logging.getLogger(__name__)


def settings_for(company_id: int) -> QuickBooksSettings | None:
    return db.session.scalar(select(QuickBooksSettings).where(QuickBooksSettings.company_id == company_id))


def target_record(run: SyncRun):
    if run.target_type == "job":
        return db.session.get(rules.RULES["project"].model, run.target_id)
    return db.session.get(rules.RULES[run.target_type].model, run.target_id)


def online_blocker(run: SyncRun, settings: QuickBooksSettings, doing: str) -> str | None:
    """When QuickBooks Online cannot be used for this run: fail or pause it and say which (else None)."""
    if settings.quickbooks_type != QuickBooksType.online or settings.connection is None or not settings.realm_id:
        runs.event(run, "No QuickBooks Online company is connected.", level="error",
                   detail={"hint": "Connect QuickBooks from your profile, then pick the Realm ID in Company "
                                   "Settings → QuickBooks."})
        runs.finish(run, RunStatus.failed, "QuickBooks Online is not connected.")
        return "failed"
    if settings.connection.status != ConnectionStatus.connected:
        runs.pause(run, f"QuickBooks needs to be reconnected: the {doing} waits until an admin presses Reconnect.")
        return "paused"
    return None


def gated_target(run: SyncRun, settings: QuickBooksSettings, record):
    """The run's record when it may be sent (both backends); otherwise the run fails with the reason."""
    if record is None or record.company_id != run.company_id:
        runs.event(run, "The record no longer exists.", level="error")
        runs.finish(run, RunStatus.failed, "The record no longer exists.")
        return None
    reason = rules.job_refusal(settings, record) if run.target_type == "job" else rules.refusal(settings, record)
    if reason:
        runs.event(run, reason, level="error", entity_type=rules.local_type_of(record), entity_id=record.id,
                   detail={"hint": "Change the setting or the record, then press Sync again."})
        runs.finish(run, RunStatus.failed, reason)
        return None
    return record


def execute(run_id: int) -> str:
    run = db.session.get(SyncRun, run_id)
    if run is None or run.status.finished:
        return "nothing to do"
    settings = settings_for(run.company_id)
    if settings is None or not settings.enabled:
        runs.pause(run, "QuickBooks is turned off for this company (Enable QuickBooks is OFF): the sync waits.")
        return "paused"
    if settings.quickbooks_type == QuickBooksType.desktop:
        from webapp.quickbooks.desktop import queue as desktop_queue  # the Web Connector takes it from here

        return desktop_queue.enqueue_run(run, settings)
    blocked = online_blocker(run, settings, "sync")
    if blocked:
        return blocked
    record = gated_target(run, settings, target_record(run))
    if record is None:
        return "failed"

    runs.begin(run)
    plan = planner.for_job(record, settings) if run.target_type == "job" else planner.for_record(record, settings)
    run.progress_total, run.progress_done = len(plan), 0
    db.session.commit()
    pusher = OnlinePusher(run, settings, QBOClient(settings.connection_id, settings.realm_id))
    counts: dict[str, int] = {}
    failed: list[str] = []
    try:
        if run.kind == "sync_job":
            _push_in_waves(run, settings, pusher, plan, counts, failed)
        else:
            for step in plan:
                outcome = _push_one(run, settings, pusher, step)
                _count(run, counts, failed, step, outcome)
    except Retryable as exc:
        return retry_later(run, exc)
    except ReconnectNeeded:
        db.session.rollback()
        runs.pause(run, "QuickBooks needs to be reconnected: the sync waits until an admin presses Reconnect.")
        return "paused"

    if not failed:
        runs.event(run, f"Done: {_summary(counts)}.")
        runs.finish(run, RunStatus.succeeded)
        return "succeeded"
    target_key = f"{rules.local_type_of(record)}:{record.id}"
    status = RunStatus.failed if target_key in failed or len(failed) == len(plan) else RunStatus.partial
    runs.event(run, f"Finished with errors: {_summary(counts)}.", level="error")
    runs.finish(run, status, f"{len(failed)} of {len(plan)} records failed.")
    return status.value


def _count(run: SyncRun, counts: dict, failed: list, record, outcome: str) -> None:
    counts[outcome] = counts.get(outcome, 0) + 1
    if outcome == "failed":
        failed.append(f"{rules.local_type_of(record)}:{record.id}")
    run.progress_done += 1
    run.counts = dict(counts)
    db.session.commit()


def _push_in_waves(run, settings, pusher: OnlinePusher, plan: list, counts: dict, failed: list) -> None:
    """Sync Job: one wave per dependency level, written through the Batch API."""
    batch = BatchPusher(pusher)
    waves: dict[int, list] = {}
    for record in plan:
        waves.setdefault(rules.RULES[rules.local_type_of(record)].wave, []).append(record)
    for wave_no in sorted(waves):
        sendable = []
        for record in waves[wave_no]:
            reason = rules.refusal(settings, record)
            if reason:
                _count(run, counts, failed, record, _report(run, record, None, reason))
            else:
                sendable.append(record)
        results = batch.push_wave(sendable, wave_no) if sendable else {}
        for record in sendable:
            result = results[(rules.local_type_of(record), record.id)]
            _count(run, counts, failed, record, _report(run, record, result))


def _push_one(run: SyncRun, settings: QuickBooksSettings, pusher: OnlinePusher, record) -> str:
    reason = rules.refusal(settings, record)
    if reason:
        return _report(run, record, None, reason)
    try:
        result = pusher.push(record)
    except (PushProblem, QBOError) as exc:
        if getattr(exc, "retryable", False):
            raise
        result = exc
    return _report(run, record, result)


def _report(run: SyncRun, record, result, refusal: str | None = None) -> str:
    """Log one record's outcome in plain words and return its count key."""
    local_type = rules.local_type_of(record)
    label = rules.describe(record)
    if refusal:
        runs.event(run, f"{label}: not sent. {refusal}", level="warning", entity_type=local_type, entity_id=record.id)
        return "skipped"
    exc = result if isinstance(result, Exception) else None
    if isinstance(exc, QBOError) and exc.retryable:
        raise exc
    if isinstance(exc, PushProblem):
        db.session.rollback()
        runs.event(run, f"{label}: {exc.message}", level="error", entity_type=local_type, entity_id=record.id,
                   detail={"hint": exc.hint, "code": exc.code})
        return "failed"
    if isinstance(exc, QBOError):
        db.session.rollback()
        runs.event(run, f"{label}: QuickBooks refused it: {exc.message}", level="error", entity_type=local_type,
                   entity_id=record.id, detail=exc.as_detail())
        return "failed"
    if exc is not None:
        raise exc
    outcome = result
    words = {"created": "created in QuickBooks", "updated": "updated in QuickBooks",
             "linked": "matched an existing QuickBooks record and linked to it",
             "unchanged": "unchanged since the last sync, not sent again"}
    runs.event(run, f"{label}: {words[outcome.action]} (QuickBooks Id {outcome.quickbooks_id}).",
               entity_type=local_type, entity_id=record.id,
               detail={"sent": _jsonable(outcome.sent)} if outcome.sent else {}, commit=False)
    return outcome.action


def retry_later(run: SyncRun, exc: Retryable) -> str:
    """Back in the queue after a transient QuickBooks problem, with backoff (shared by every QBO run)."""
    db.session.rollback()
    max_attempts = current_app.config.get("SYNC_MAX_ATTEMPTS", 6)
    if run.attempts >= max_attempts:
        runs.event(run, f"QuickBooks did not answer after {run.attempts} attempts: {exc.message}", level="error",
                   detail=exc.as_detail())
        runs.finish(run, RunStatus.failed, exc.message)
        return "failed"
    delays = current_app.config.get("SYNC_RETRY_DELAYS", [5, 30, 120, 300, 900])
    delay = exc.delay if exc.delay is not None else delays[min(run.attempts - 1, len(delays) - 1)]
    run.status = RunStatus.queued
    db.session.commit()
    runs.event(run, f"{exc.message} Retrying in {delay:g} seconds (attempt {run.attempts + 1}).", level="warning",
               detail=exc.as_detail())
    runs.dispatch(run, delay=timedelta(seconds=delay))
    return "retrying"


def _jsonable(body: dict) -> dict:
    """The sent body as plain JSON for the log (amounts are Decimals)."""
    return json.loads(json.dumps(body, default=str))


def fail_unexpected(run_id: int, exc: BaseException) -> None:
    """A bug or an outage of our own: the run must not stay "running" forever, and the user sees it."""
    db.session.rollback()
    run = db.session.get(SyncRun, run_id)
    if run is None or run.status.finished:
        return
    runs.event(run, "The sync stopped on an internal error; the team has been notified. Press Sync to try again "
                    "(records already sent are not sent twice).", level="error",
               detail={"error": f"{type(exc).__name__}: {str(exc)[:300]}"})
    runs.finish(run, RunStatus.failed, "Internal error.")


def _summary(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) or "nothing to send"


