"""Building the next qbXML message from the queue (sendRequestXML).

Several requests per message (onError="continueOnError", requestIDs unique per message and per
attempt). A push request is built at send time, so it carries the record as it is now and the
ListIDs its dependencies got a moment ago: a request is only sent once every record it refers to
is linked, a dependency that is not in QuickBooks and not queued is queued first, and anything it
waits for stays queued for the next message. Add vs Mod comes from the stored link (ListID/TxnID
and EditSequence); a linked record whose fields did not change is not sent again.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

from flask import current_app
from lxml import etree
from sqlalchemy import or_, select

from webapp.extensions import db
from webapp.models import (
    EntryStatus, FinancialAccount, LinkState, QueueEntry, QuickBooksSettings, SyncRun, WebConnectorMessage,
    WebConnectorSession,
)
from webapp.models.base import utcnow
from webapp.quickbooks.desktop import mapping, qbxml
from webapp.quickbooks.desktop import queue as desktop_queue
from webapp.sync import links, rules, runs


class Wait(Exception):
    """The entry cannot go in this message (a dependency is on its way); it stays queued."""


@dataclass
class Context:
    company_id: int
    realm: str
    settings: QuickBooksSettings
    in_message: set = field(default_factory=set)


def body_hash(fields: dict) -> str:
    return hashlib.sha256(json.dumps(fields, sort_keys=True, default=str).encode()).hexdigest()


class LinkedRefs:
    """References for mapping: the ListID/TxnID of linked records, or Unlinked."""

    def __init__(self, ctx: Context):
        self.ctx = ctx

    def _link(self, record, local_type: str):
        link = links.find(self.ctx.company_id, self.ctx.realm, local_type, record.id)
        if link is None:
            raise mapping.Unlinked(record, local_type)
        pending = desktop_queue.pending_for(self.ctx.company_id, local_type, record.id)
        if pending is not None and pending.lookup in ("verify", "refresh", "recover"):
            raise Wait  # its link is being checked: refer to it once QuickBooks has answered
        if link.state != LinkState.linked:
            raise mapping.Problem(f"{mapping.label(record, local_type)} was deleted or made inactive in QuickBooks.",
                                  "Open it and choose Re-create in QuickBooks or Unlink, then sync again.")
        return link

    def __call__(self, record, local_type: str | None = None) -> dict[str, str]:
        return {"ListID": self._link(record, local_type or rules.local_type_of(record)).quickbooks_id}

    def txn_id(self, record) -> str:
        return self._link(record, rules.local_type_of(record)).quickbooks_id

    def account(self, account: FinancialAccount) -> dict[str, str]:
        # Accounts are imported from QuickBooks, never created: the imported ListID, else the name
        # (the demo chart of accounts is named like QuickBooks'); 3140 says when it is missing there.
        link = links.find(self.ctx.company_id, self.ctx.realm, "financial_account", account.id)
        if link is not None and link.state == LinkState.linked:
            return {"ListID": link.quickbooks_id}
        return {"FullName": account.name[:159]}


def request_id(entry: QueueEntry) -> str:
    return qbxml.make_request_id("cc", entry.id, entry.attempts + 1)


def _candidates(company_id: int) -> list[QueueEntry]:
    return db.session.scalars(select(QueueEntry).where(
        QueueEntry.company_id == company_id,
        or_(QueueEntry.status == EntryStatus.queued,
            (QueueEntry.status == EntryStatus.retry_later) & (QueueEntry.not_before <= utcnow())),
    ).order_by(QueueEntry.wave, QueueEntry.id).limit(500)).all()


def settle_unsendable(company_id: int, settings: QuickBooksSettings, realm: str) -> None:
    """Finish now the entries that will not need QuickBooks (unchanged, already there, refused), so
    authenticate and the progress percentage count only what really goes to the Web Connector."""
    ctx = Context(company_id, realm, settings)
    touched: set[int] = set()
    for entry in _candidates(company_id):
        if entry.purpose != "push":
            continue
        try:
            if prepare(entry, ctx) is None:
                touched.add(entry.run_id)
        except Wait:
            continue
    db.session.flush()
    if touched:
        desktop_queue.settle(touched)
    db.session.commit()


def next_message(session: WebConnectorSession, settings: QuickBooksSettings, realm: str, version: str) -> str | None:
    """The qbXML message for the next sendRequestXML, or None when nothing can be sent now."""
    batch = int(current_app.config.get("QBWC_BATCH_SIZE", 20))
    now = utcnow()
    candidates = _candidates(session.company_id)
    ctx = Context(session.company_id, realm, settings)
    chosen: list[tuple[QueueEntry, qbxml.Request]] = []
    touched_runs: set[int] = set()
    for entry in candidates:
        if len(chosen) >= batch:
            break
        key = (entry.local_type, entry.local_id)
        if entry.purpose == "push" and key in ctx.in_message:
            continue  # one request per record per message; the other entry goes in the next one
        alone = bool(entry.state.get("alone"))  # its message was rejected: find out which request spoilt it
        if alone and chosen:
            continue
        try:
            request = prepare(entry, ctx)
        except Wait:
            continue
        if request is None:
            touched_runs.add(entry.run_id)  # finished without sending (unchanged, refused)
            continue
        chosen.append((entry, request))
        if entry.purpose == "push":
            ctx.in_message.add(key)
        if alone:
            break
    if touched_runs:
        db.session.flush()
        desktop_queue.settle(touched_runs)
    if not chosen:
        db.session.commit()
        return None
    text = qbxml.build_message([r for _, r in chosen], on_error=qbxml.ON_ERROR_CONTINUE, version=version)
    message = WebConnectorMessage(company_id=session.company_id, session_id=session.id, request_xml=text)
    db.session.add(message)
    db.session.flush()
    for entry, request in chosen:
        entry.status, entry.message_id, entry.request_id = EntryStatus.sent, message.id, request.request_id
        entry.attempts += 1
        entry.sent_at = now
        entry.request_xml = request.to_xml() if entry.purpose == "push" else entry.request_xml
        what = {"add": "add", "mod": "update", "query": "query"}[entry.operation]
        why = {"recover": " (checking whether an unanswered request was applied)",
               "match": " (looking for the QuickBooks record that has this name)",
               "refresh": " (reading the current EditSequence)", "verify": " (checking it is still there)"}
        runs.event(entry.run, f"{entry.label}: sent to the Web Connector ({what}{why.get(entry.lookup, '')}).",
                   entity_type=entry.local_type, entity_id=entry.local_id,
                   detail={"request_id": request.request_id}, commit=False)
    session.messages_sent += 1
    db.session.commit()
    return text


def prepare(entry: QueueEntry, ctx: Context) -> qbxml.Request | None:
    """The request to send for `entry`, None when it finished without sending, or Wait."""
    if entry.purpose != "push":
        return _stored_query(entry)
    record = desktop_queue.load(entry)
    if record is None:
        desktop_queue.finish_entry(entry, EntryStatus.error, "failed", "the record no longer exists.", level="error")
        return None
    if entry.lookup:
        return _lookup_query(entry, record, ctx)
    refs = LinkedRefs(ctx)
    try:
        built = mapping.fields_for(record, entry.local_type, ctx.settings, refs)
    except mapping.Unlinked as missing:
        return _dependency(entry, missing, ctx)
    except mapping.Problem as problem:
        desktop_queue.finish_entry(entry, EntryStatus.error, "failed", problem.message, level="error",
                                   hint=problem.hint)
        return None
    digest = body_hash(built.fields)
    link = links.find(ctx.company_id, ctx.realm, entry.local_type, record.id)
    if link is not None and link.state != LinkState.linked:
        desktop_queue.finish_entry(entry, EntryStatus.error, "failed", "it was deleted or made inactive in QuickBooks.",
                                   level="error",
                                   hint="Choose Re-create in QuickBooks or Unlink on its QuickBooks panel.")
        return None
    if link is not None and link.pushed_hash == digest:
        desktop_queue.finish_entry(entry, EntryStatus.done, "unchanged", "unchanged since the last sync, not sent "
                                   f"again (QuickBooks id {link.quickbooks_id}).")
        return None
    if link is not None and built.qb_type not in mapping.MODIFIABLE:
        desktop_queue.finish_entry(
            entry, EntryStatus.done, "already in QuickBooks",
            f"already in QuickBooks Desktop (id {link.quickbooks_id}); QuickBooks Desktop does not take changes "
            f"to a {built.qb_type} from here, so it was not sent again.", level="warning",
            hint="Make the change in QuickBooks too.")
        return None
    entry.state = {**entry.state, "hash": digest, **_identity(entry, record, built, ctx)}
    rid = request_id(entry)
    try:
        if link is not None:
            entry.operation = "mod"
            return qbxml.mod_request(built.qb_type, mapping.as_mod(built.qb_type, built.fields, link.quickbooks_id,
                                                                   link.version), rid)
        entry.operation = "add"
        fields = dict(built.fields)
        if built.qb_type in mapping.WITH_EXTERNAL_GUID:
            fields["ExternalGUID"] = entry.state["guid"]
        if built.qb_type == "ItemService":
            return qbxml.item_service_add(rid, fields)
        return qbxml.add_request(built.qb_type, fields, rid)
    except (qbxml.FieldTooLong, ValueError) as exc:
        desktop_queue.finish_entry(entry, EntryStatus.error, "failed", f"cannot be sent to QuickBooks Desktop: {exc}",
                                   level="error", hint="Shorten the value, then sync again.")
        return None


def _identity(entry: QueueEntry, record, built: mapping.Built, ctx: Context) -> dict:
    """What finds this record again in QuickBooks if the answer to its Add is lost or its name is taken."""
    fields = built.fields
    identity = {"guid": mapping.external_guid(ctx.realm, entry.local_type, record.id)}
    if "Name" in fields:
        identity["name"] = fields["Name"]
    if "Initial" in fields:
        identity["name"] = fields["Initial"]
    if "ParentRef" in fields:
        identity["parent"] = fields["ParentRef"]["ListID"]
    if "RefNumber" in fields:
        identity["ref_number"] = fields["RefNumber"]
    for key in ("CustomerRef", "VendorRef"):
        if key in fields and built.qb_type in mapping.TRANSACTIONS:
            identity["entity"] = fields[key]["ListID"]
    if built.qb_type == "Employee":
        identity["name"] = " ".join(p for p in (fields.get("FirstName"), fields.get("LastName")) if p)
    return identity


def _dependency(entry: QueueEntry, missing: mapping.Unlinked, ctx: Context) -> None:
    """A record this one refers to is not in QuickBooks: wait for it, or queue it first."""
    dep, dep_type = missing.record, missing.local_type
    if desktop_queue.pending_for(ctx.company_id, dep_type, dep.id) is not None:
        raise Wait
    label = mapping.label(dep, dep_type)
    failed_here = db.session.scalar(select(QueueEntry.id).where(
        QueueEntry.run_id == entry.run_id, QueueEntry.local_type == dep_type, QueueEntry.local_id == dep.id,
        QueueEntry.status == EntryStatus.error).limit(1))
    if failed_here is not None:
        desktop_queue.finish_entry(entry, EntryStatus.error, "failed", f"not sent, because {label} could not be sent.",
                                   level="error", hint=f"Fix {label} (see above), then sync again.")
        return None
    check = dep if dep_type != mapping.SALES_REP else dep
    reason = rules.refusal(ctx.settings, check) if rules.pushable(rules.local_type_of(check)) else \
        "it is imported from QuickBooks, never sent to it."
    if reason:
        desktop_queue.finish_entry(entry, EntryStatus.error, "failed",
                                   f"needs {label} in QuickBooks, which is not sent: {reason}", level="error",
                                   hint="Change that setting or record, then sync again.")
        return None
    run = db.session.get(SyncRun, entry.run_id)
    desktop_queue.add_push_entry(run, dep, dep_type, commit=False)
    run.progress_total += 1
    runs.event(run, f"{entry.label}: needs {label} in QuickBooks first; queued it.", entity_type=entry.local_type,
               entity_id=entry.local_id, commit=False)
    db.session.flush()
    raise Wait


def _stored_query(entry: QueueEntry) -> qbxml.Request:
    element = etree.fromstring(entry.request_xml.encode())  # our own XML, built by qbxml
    rid = request_id(entry)
    element.set("requestID", rid)
    return qbxml.Request(element.tag[:-2], rid, element)


def _lookup_query(entry: QueueEntry, record, ctx: Context) -> qbxml.Request:
    """The query that answers the entry's lookup (see results.py for what is done with the answer)."""
    rid = request_id(entry)
    state = entry.state
    qtype = _query_type(entry.qb_type)
    link = links.find(ctx.company_id, ctx.realm, entry.local_type, record.id)
    if entry.lookup in ("refresh", "verify") and link is not None:
        key = "txn_ids" if entry.qb_type in mapping.TRANSACTIONS else "list_ids"
        return qbxml.query_request(qtype, rid, **{key: [link.quickbooks_id]})
    if entry.qb_type in mapping.TRANSACTIONS:
        # A lost Add of a transaction: its ExternalGUID tells it apart among the entity's recent ones.
        since = (entry.sent_at or utcnow()) - dt.timedelta(days=1)
        return qbxml.query_request(qtype, rid, entity_filter={"ListID": state["entity"]}, from_modified=since.date(),
                                   include_line_items=False)
    if "parent" in state:  # a job: its FullName is "Customer:Job", so look for the name under any parent
        return qbxml.query_request(qtype, rid, name_filter=("EndsWith", state["name"]), active_status="All")
    return qbxml.query_request(qtype, rid, full_names=[state["name"]])


def _query_type(qb_type: str) -> str:
    return {"ItemService": "Item", "StandardTerms": "Terms"}.get(qb_type, qb_type)
