"""The web connector queue: a run's records become queue entries, and runs finish when their
entries do.

`enqueue_run` is where every Desktop sync starts (engine.execute hands Desktop runs here): Sync
buttons, Sync Job, Automatic sync and the imports. Nothing is sent here; the Web Connector fetches
the entries on its next session (webapp.quickbooks.desktop.sender), and the RQ worker applies the
answers (webapp.quickbooks.desktop.results).
"""
from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select, update

from webapp.extensions import db
from webapp.models import (
    PENDING_STATUSES, EntryStatus, Project, QueueEntry, QuickBooksSettings, RunStatus, SyncRun, User,
)
from webapp.models.base import utcnow
from webapp.quickbooks.desktop import mapping
from webapp.sync import engine, planner, rules, runs

IMPORT_TARGETS = ("financial_account", "invoice_item", "job_bills")
# Desktop imports have a run kind of their own: "import" runs are QuickBooks Online's inbound runs
# (workers.sync_jobs routes them to webapp.quickbooks.online.inbound_runs).
IMPORT_KIND = "desktop_import"
QUERY_WAVE = -10  # imports and change polls do not depend on anything: they go first


def model_for(local_type: str):
    return User if local_type == mapping.SALES_REP else rules.RULES[local_type].model


def load(entry: QueueEntry):
    if entry.local_id is None:
        return None
    record = db.session.get(model_for(entry.local_type), entry.local_id)
    return record if record is not None and record.company_id == entry.company_id else None


def enqueue_run(run: SyncRun, settings: QuickBooksSettings) -> str:
    """Turn a run into queue entries in dependency order; the run stays running until the Web
    Connector has fetched them and their answers are applied."""
    from webapp.quickbooks.desktop import accounts, imports

    accounts.ensure(run.company_id)
    if not claim(run):
        return "already in the web connector queue"
    if run.kind == IMPORT_KIND and run.target_type in IMPORT_TARGETS:
        return imports.enqueue(run, settings)
    record = db.session.get(model_for("project" if run.target_type == "job" else run.target_type), run.target_id) \
        if run.target_type in rules.RULES or run.target_type == "job" else None
    if engine.gated_target(run, settings, record) is None:
        return "failed"

    plan = planner.for_job(record, settings) if run.target_type == "job" else planner.for_record(record, settings)
    entries, skipped = [], []
    for item in _with_sales_reps(plan, settings):
        record_, local_type = item
        refusal = rules.refusal(settings, record_)
        if refusal:
            skipped.append(f"{mapping.label(record_, local_type)}: not sent. {refusal}")
            continue
        entries.append(add_push_entry(run, record_, local_type, commit=False))
    run.progress_total, run.progress_done = len(entries), 0
    for line in skipped:
        runs.event(run, line, level="warning", commit=False)
    if not entries:
        runs.event(run, "Nothing to send to QuickBooks Desktop.")
        runs.finish(run, RunStatus.succeeded)
        return "succeeded"
    kinds = Counter("sales rep" if e.local_type == mapping.SALES_REP else rules.RULES[e.local_type].label.lower()
                    for e in entries)
    runs.event(run, f"Queued for the Web Connector: {_summary(kinds)}. They are sent the next time the Web "
                    "Connector runs (Run Selected in QuickBooks Web Connector, or its schedule).",
               detail={"hint": "Keep QuickBooks open with the company file on the computer running the Web Connector."})
    return "queued"


def claim(run: SyncRun) -> bool:
    """Mark the run running, unless someone else already did: the worker's job and a Web Connector
    session adopting a run whose job was lost must not both queue its records. The row stays
    locked (PostgreSQL) or the write serialised (SQLite) until the entries are committed with it."""
    claimed = db.session.execute(update(SyncRun).where(
        SyncRun.id == run.id, SyncRun.status.in_((RunStatus.queued, RunStatus.paused))).values(
        status=RunStatus.running, started_at=func.coalesce(SyncRun.started_at, utcnow()),
        attempts=SyncRun.attempts + 1)).rowcount
    db.session.refresh(run)
    return claimed == 1




def _with_sales_reps(plan: list, settings: QuickBooksSettings) -> list[tuple[object, str]]:
    """The plan as (record, local type), with a SalesRep after each sales rep's Employee/Vendor, since
    invoices carry the rep's initials (SalesRepRef)."""
    items: list[tuple[object, str]] = []
    reps: dict[int, User] = {}
    for record in plan:
        items.append((record, rules.local_type_of(record)))
        project = record if isinstance(record, Project) else getattr(record, "project", None)
        rep = mapping.sales_rep_of(project, settings)
        if rep is not None:
            reps[rep.id] = rep
    planned_users = {r.id for r, t in items if t == "user"}
    for rep in reps.values():
        if rep.id not in planned_users:
            items.append((rep, "user"))
        items.append((rep, mapping.SALES_REP))
    return sorted(items, key=lambda pair: mapping.WAVES[pair[1]])


def add_push_entry(run: SyncRun, record, local_type: str, *, commit: bool = True) -> QueueEntry:
    entry = QueueEntry(company_id=run.company_id, run_id=run.id, wave=mapping.WAVES[local_type], purpose="push",
                       operation="add", local_type=local_type, local_id=record.id,
                       qb_type=mapping.desktop_type(record, local_type), label=mapping.label(record, local_type))
    db.session.add(entry)
    if commit:
        db.session.commit()
    return entry


def add_query_entry(run: SyncRun, purpose: str, qb_type: str, request_xml: str, label: str,
                    state: dict | None = None, wave: int = QUERY_WAVE) -> QueueEntry:
    entry = QueueEntry(company_id=run.company_id, run_id=run.id, wave=wave, purpose=purpose, operation="query",
                       qb_type=qb_type, label=label, request_xml=request_xml, state=state or {})
    db.session.add(entry)
    return entry


def pending_for(company_id: int, local_type: str, local_id: int) -> QueueEntry | None:
    return db.session.scalar(select(QueueEntry).where(
        QueueEntry.company_id == company_id, QueueEntry.purpose == "push", QueueEntry.local_type == local_type,
        QueueEntry.local_id == local_id, QueueEntry.status.in_(PENDING_STATUSES)).limit(1))


def has_pending(company_id: int) -> bool:
    return db.session.scalar(select(func.count(QueueEntry.id)).where(
        QueueEntry.company_id == company_id, QueueEntry.status.in_(PENDING_STATUSES))) > 0


def finish_entry(entry: QueueEntry, status: EntryStatus, outcome: str, message: str = "", *, level: str = "info",
                 hint: str = "", code: int | None = None, detail: dict | None = None) -> None:
    """Close an entry and say so in its run's log."""
    entry.status, entry.outcome, entry.finished_at = status, outcome, utcnow()
    if message:
        entry.message = message
    if code is not None:
        entry.status_code = code
    log_detail = dict(detail or {})
    if hint:
        log_detail["hint"] = hint
    if code not in (None, 0):
        log_detail["code"] = code
    runs.event(entry.run, f"{entry.label}: {message}" if message else entry.label, level=level,
               entity_type=entry.local_type, entity_id=entry.local_id, detail=log_detail, commit=False)


def settle(run_ids: set[int]) -> None:
    """Update progress, and finish the runs whose entries are all done or failed."""
    for run_id in sorted(run_ids):
        run = db.session.get(SyncRun, run_id)
        if run is None or run.status.finished:
            continue
        entries = db.session.scalars(select(QueueEntry).where(QueueEntry.run_id == run_id)).all()
        finished = [e for e in entries if not e.status.pending]
        run.progress_total = max(run.progress_total, len(entries))
        run.progress_done = len(finished)
        outcomes = Counter(e.outcome for e in finished)
        run.counts = dict(outcomes)
        if len(finished) < len(entries):
            continue
        failed = [e for e in entries if e.status == EntryStatus.error]
        if not failed:
            runs.event(run, f"Done: {_summary(outcomes)}.", commit=False)
            runs.finish(run, RunStatus.succeeded)
            continue
        target_failed = any(e.local_type == run.target_type and e.local_id == run.target_id for e in failed) or \
            (run.target_type == "job" and any(e.local_type == "project" and e.local_id == run.target_id
                                              for e in failed))
        status = RunStatus.failed if target_failed or len(failed) == len(entries) else RunStatus.partial
        runs.event(run, f"Finished with errors: {_summary(outcomes)}.", level="error", commit=False)
        runs.finish(run, status, f"{len(failed)} of {len(entries)} QuickBooks Desktop requests failed.")


def _summary(counts: Counter | dict) -> str:
    return ", ".join(f"{n} {_plural(k, n)}" for k, n in sorted(counts.items()) if k) or "nothing to send"


def _plural(noun: str, n: int) -> str:
    if n == 1 or noun.endswith(("terms", "failed", "created", "updated", "linked", "unchanged", "recovered",
                                "verified", "imported", "checked", "in QuickBooks")):
        return noun
    return noun + ("es" if noun.endswith(("s", "x")) else "s")
