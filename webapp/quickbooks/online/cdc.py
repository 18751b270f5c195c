"""CDC catch-up: everything that changed in QuickBooks since the company's high-water mark.

Intuit's advice, followed here: webhooks are only a trigger (they can be lost, late or repeated),
so a periodic change-data-capture run picks up from the last processed point, plus a daily sweep
over the last day. CDC answers at most 1000 objects and looks back at most 30 days:
- a response that hits 1000 objects is asked again with a smaller window: fewer entity types per
  call, then, for one type, from the newest change already received (QuickBooks sends the oldest
  first); objects seen twice are applied twice, harmlessly (their SyncToken already matches);
- a gap over 30 days cannot be covered by CDC: the lists are imported again in full and the rest is
  read by query since the mark.
Sales tax codes are not covered by CDC or webhooks at all: they are polled by query every run.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import InboundCursor
from webapp.models.base import utcnow
from webapp.quickbooks.online import imports
from webapp.quickbooks.online.client import quote
from webapp.quickbooks.online.errors import QBOError
from webapp.quickbooks.online.inbound import Inbound
from webapp.quickbooks.online.push import parse_time

# In the order they are applied: accounts before the items that point at them, customers before
# their jobs (a job is added only under a connected customer) and before payments.
ENTITIES = ["Account", "Class", "Term", "Item", "Vendor", "Customer", "Invoice", "CreditMemo", "Bill", "Payment"]
MAX_OBJECTS = 1000
MAX_LOOKBACK = timedelta(days=30)
SWEEP_EVERY = timedelta(days=1)
# The mark kept is QuickBooks' response time minus this: changes are stamped to the second while the
# response time has milliseconds, and a change committed while the answer was built may carry an
# earlier stamp. Asking again from a little earlier never misses one (re-applying is a no-op).
OVERLAP = timedelta(seconds=5)


def cursor_for(company_id: int, realm: str) -> InboundCursor:
    cursor = db.session.scalar(select(InboundCursor).where(InboundCursor.company_id == company_id,
                                                           InboundCursor.realm == realm))
    if cursor is None:
        cursor = InboundCursor(company_id=company_id, realm=realm)
        db.session.add(cursor)
        db.session.flush()
    return cursor


def sweep_due(company_id: int, realm: str) -> bool:
    cursor = db.session.scalar(select(InboundCursor).where(InboundCursor.company_id == company_id,
                                                           InboundCursor.realm == realm))
    return cursor is None or cursor.last_sweep_at is None or cursor.last_sweep_at < utcnow() - SWEEP_EVERY


def catch_up(ctx: Inbound) -> None:
    cursor = cursor_for(ctx.company_id, ctx.realm)
    now = utcnow()
    sweep = bool(ctx.run.options.get("sweep"))
    if cursor.changes_since is None:
        # The first catch-up only starts the feed: what exists already comes in with the bulk imports
        # (and pushes link the rest), not as a flood of "new in QuickBooks" records.
        _, mark = ctx.client.query_with_time("SELECT * FROM CompanyInfo")
        ctx.counts["feed_started"] = 1
        ctx.note("Started following QuickBooks changes from now on.")
    elif now - cursor.changes_since > MAX_LOOKBACK:
        mark = _full_reimport(ctx, cursor.changes_since)
    else:
        since = cursor.changes_since
        if sweep:
            since = min(since, now - SWEEP_EVERY)
        try:
            answered = _changes_since(ctx, since)
        except QBOError as exc:
            if exc.code != "4000" or "30 days" not in f"{exc.message} {exc.detail}":
                raise
            answered = _full_reimport(ctx, since)  # QuickBooks' clock says the gap is too long
        # Never behind where this window started: the next one must not reach back before it.
        mark = max(answered - OVERLAP, cursor.changes_since) if answered else None
    _poll_tax_codes(ctx)
    cursor.changes_since = mark or now
    if sweep:
        cursor.last_sweep_at = now
    db.session.commit()


def _changes_since(ctx: Inbound, since: datetime) -> datetime | None:
    """Apply every change since `since`; returns QuickBooks' time of the first answer (the new mark)."""
    collected: dict[str, dict[str, dict]] = {name: {} for name in ENTITIES}
    first_time = _collect(ctx, ENTITIES, since, collected)
    for name in ENTITIES:
        for obj in collected[name].values():
            ctx.apply(name, obj)
    return first_time


def _collect(ctx: Inbound, entities: list[str], since: datetime, into: dict) -> datetime | None:
    found, at = ctx.client.changes(entities, since)
    size = sum(len(v) for v in found.values())
    if size >= MAX_OBJECTS and len(entities) > 1:
        # Too many for one answer: the same window, fewer entity types per call.
        half = len(entities) // 2
        times = [_collect(ctx, entities[:half], since, into), _collect(ctx, entities[half:], since, into)]
        return min((t for t in times if t), default=at)
    _keep(found, into)
    if size >= MAX_OBJECTS:
        # One type with more changes than one answer holds: continue from the newest change received.
        newest = max(parse_time(o["MetaData"]["LastUpdatedTime"]) for o in found[entities[0]])
        if newest <= since:
            _query_since(ctx, entities[0], since, into)  # 1000 changes in one second: read them by query
        else:
            _collect(ctx, entities, newest, into)
    return at


def _keep(found: dict[str, list[dict]], into: dict) -> None:
    for name, objs in found.items():
        for obj in objs:
            into.setdefault(name, {})[str(obj["Id"])] = obj  # the latest answer for an object wins


def _query_since(ctx: Inbound, entity: str, since: datetime, into: dict) -> datetime | None:
    """Changed objects by query (CDC cannot reach them); deleted transactions are not listed this way."""
    where = f"MetaData.LastUpdatedTime >= {quote(since.isoformat())}"
    if entity in ("Account", "Class", "Term", "Item", "Vendor", "Customer"):
        where += f" AND {imports.EVERY_RECORD}"
    first = None
    start = 1
    while True:
        rows, at = ctx.client.query_with_time(
            f"SELECT * FROM {entity} WHERE {where} STARTPOSITION {start} MAXRESULTS {MAX_OBJECTS}")
        first = first or at
        _keep({entity: rows}, into)
        if len(rows) < MAX_OBJECTS:
            return first
        start += MAX_OBJECTS


def _full_reimport(ctx: Inbound, since: datetime) -> datetime | None:
    ctx.note(f"The last catch-up was more than 30 days ago ({since:%Y-%m-%d}), beyond what QuickBooks' change "
             f"feed covers: the lists are imported again in full.", level="warning")
    _, mark = ctx.client.query_with_time("SELECT * FROM CompanyInfo")
    for key in imports.LISTS:
        imports.import_list(ctx, key, progress=False)
    rest: dict[str, dict[str, dict]] = {}
    for entity in ("Vendor", "Customer", "Payment"):
        _query_since(ctx, entity, since, rest)
        for obj in rest.get(entity, {}).values():
            ctx.apply(entity, obj)
    cursor = cursor_for(ctx.company_id, ctx.realm)
    cursor.last_full_import_at = utcnow()
    return mark


def _poll_tax_codes(ctx: Inbound) -> None:
    for page in ctx.client.query_all("TaxCode", imports.EVERY_RECORD):
        for obj in page:
            ctx.apply("TaxCode", obj)
