"""Applying QuickBooks' answers (receiveResponseXML stores them; an RQ job calls `process_message`).

Per request, by status code (errors.classify):
- ok: link the record (ListID/TxnID, EditSequence, TimeModified), or apply the query;
- 3100 name in use: query the name; link when it is the same record, else fail with a hint;
- 3200 stale EditSequence: re-query it and send the Mod once more;
- 3170-3180 locked: retry later with backoff;
- 3140 invalid reference: queue the dependencies (re-checking linked ones) and send once more;
- 3120 on a Mod: the record was deleted in QuickBooks (the panel offers Re-create / Unlink).
"""
from __future__ import annotations

import datetime as dt
import logging

from flask import current_app
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import EntryStatus, LinkState, QueueEntry, SyncRun, WebConnectorMessage
from webapp.models.base import utcnow
from webapp.queues import redis_connection
from webapp.quickbooks.desktop import errors, mapping, qbxml
from webapp.quickbooks.desktop import queue as desktop_queue
from webapp.quickbooks.settings import backend_and_realm, for_company
from webapp.sync import links, planner, rules, runs

log = logging.getLogger(__name__)

ACTIONS = {"add": "created in QuickBooks Desktop", "mod": "updated in QuickBooks Desktop"}


def process_message(message_id: int) -> str:
    message = db.session.scalar(select(WebConnectorMessage).where(WebConnectorMessage.id == message_id)
                                .with_for_update())
    if message is None or message.received_at is None or message.processed_at is not None:
        db.session.rollback()
        return "nothing to do"
    settings = for_company(message.company_id, create=False)
    _backend, realm = backend_and_realm(settings)
    entries = db.session.scalars(select(QueueEntry).where(QueueEntry.message_id == message.id,
                                                          QueueEntry.status == EntryStatus.sent)).all()
    responses = None
    if not message.hresult:
        try:
            responses = qbxml.parse_response_message(message.response_xml)
        except ValueError as exc:
            message.hresult, message.message = "unreadable", f"The response was not qbXML: {exc}"
    for entry in entries:
        if responses is None:
            _rejected(entry, message, len(entries))
            continue
        rs = responses.get(entry.request_id)
        if rs is None:  # QuickBooks stopped before this request: send it again
            entry.status = EntryStatus.queued
            continue
        entry.response = _short(rs)
        entry.status_code, entry.message = rs.status_code, rs.status_message
        try:
            Apply(entry, realm, settings).response(rs)
        except Exception as exc:
            log.exception("applying the answer to queue entry %s failed", entry.id)
            db.session.rollback()
            _salvage(message_id, exc)
            raise  # the job shows as failed, with the traceback, for the team
    message.processed_at = utcnow()
    db.session.flush()
    desktop_queue.settle({e.run_id for e in entries})
    db.session.commit()
    announce_processed(message.company_id)
    return f"{len(entries)} answer(s) applied"


PROCESSED = "cc:qbwc-processed"  # "<company id>" after a stored Web Connector answer was applied


def announce_processed(company_id: int) -> None:
    """Wake the Web Connector call waiting for this answer (service.wait_for_processing). Best effort:
    that call also re-checks the database before it gives up."""
    try:
        redis_connection().publish(PROCESSED, str(company_id))
    except Exception as exc:  # noqa: BLE001 - Redis down must not undo an applied answer
        log.debug("could not announce processed answers of company %s: %s", company_id, exc)


def _salvage(message_id: int, exc: Exception) -> None:
    """A bug of ours while applying answers must not strand the session (sendRequestXML would wait
    for it forever) nor lose what QuickBooks did: the message is closed, its adds will be looked up
    in QuickBooks before anything is sent again, and its queries fail visibly."""
    message = db.session.get(WebConnectorMessage, message_id)
    entries = db.session.scalars(select(QueueEntry).where(QueueEntry.message_id == message_id,
                                                          QueueEntry.status == EntryStatus.sent)).all()
    limit = int(current_app.config.get("QBWC_MAX_ATTEMPTS", 8))
    for entry in entries:
        if entry.purpose == "push" and entry.attempts < limit:
            if not entry.lookup:
                entry.lookup = "recover" if entry.operation == "add" else "refresh"
            entry.status, entry.operation = EntryStatus.queued, "query"
            continue
        desktop_queue.finish_entry(entry, EntryStatus.error, "failed", "Contractors Cloud could not apply "
                                   "QuickBooks' answer (an internal error; the team has been notified).",
                                   level="error", detail={"error": f"{type(exc).__name__}: {str(exc)[:300]}"})
    message.processed_at = utcnow()
    db.session.flush()
    desktop_queue.settle({e.run_id for e in entries})
    db.session.commit()
    announce_processed(message.company_id)


def _short(rs: qbxml.QbxmlResponse) -> str:
    return f"{rs.name} {rs.status_code} {rs.status_message}"[:1000]


def _rejected(entry: QueueEntry, message: WebConnectorMessage, count: int) -> None:
    """QuickBooks refused the whole message (hresult, e.g. 0x80040400): one bad request spoils the
    rest, so each is sent alone once before any is failed."""
    if count > 1 and not entry.state.get("alone"):
        entry.state = {**entry.state, "alone": True}
        entry.status = EntryStatus.queued
        return
    desktop_queue.finish_entry(entry, EntryStatus.error, "failed",
                               f"QuickBooks could not read the request ({message.hresult}: {message.message}).",
                               level="error", hint="This is a fault of Contractors Cloud; the team can see it in the "
                                                   "log. Press Sync again later.")


def retry_delay(attempt: int) -> float:
    delays = current_app.config.get("QBWC_RETRY_DELAYS", [5, 30, 120, 600])
    return float(delays[min(max(attempt - 1, 0), len(delays) - 1)])


class Apply:
    def __init__(self, entry: QueueEntry, realm: str, settings):
        self.entry, self.realm, self.settings = entry, realm, settings
        self.run: SyncRun = entry.run

    def response(self, rs: qbxml.QbxmlResponse) -> None:
        entry = self.entry
        kind = errors.classify(rs.status_code)
        if kind == "retry_later":
            return self._later(rs)
        if entry.purpose != "push":
            from webapp.quickbooks.desktop import imports

            return imports.apply(entry, rs, self.realm, self.settings)
        if entry.lookup:
            return self._lookup(rs, kind)
        if kind == "ok":
            return self._linked(rs.record, ACTIONS[entry.operation])
        if kind == "name_in_use" and entry.operation == "add" and not entry.state.get("matched"):
            return self._again(lookup="match")
        if kind == "stale" and entry.state.get("stale_retries", 0) < 1:
            entry.state = {**entry.state, "stale_retries": entry.state.get("stale_retries", 0) + 1}
            return self._again(lookup="refresh")
        if kind == "missing_reference" and not entry.state.get("dependencies_queued"):
            return self._queue_dependencies(rs)
        if kind == "not_found" and entry.operation == "mod":
            self._mark_deleted()
            return self._fail(rs, "It was deleted or made inactive in QuickBooks.",
                              "Choose Re-create in QuickBooks or Unlink on its QuickBooks panel.")
        return self._fail(rs, rs.status_message, _hint(rs.status_code))

    # ---- outcomes ---------------------------------------------------------------------------
    def _linked(self, ret: dict | None, words: str, outcome: str | None = None) -> None:
        entry = self.entry
        if ret is None:
            return self._fail(None, "QuickBooks answered without the record.", "")
        qid = ret.get("TxnID") or ret.get("ListID")
        other = links.find_remote(entry.company_id, self.realm, entry.qb_type, qid)
        if other is not None and (other.local_type, other.local_id) != (entry.local_type, entry.local_id):
            return self._fail(None, f"QuickBooks record {qid} is already linked to another Contractors Cloud "
                                    f"{other.local_type.replace('_', ' ')} (#{other.local_id}).",
                              "Rename one of them (or change the name format) so they differ.")
        links.save(entry.company_id, self.realm, "desktop", entry.local_type, entry.local_id, entry.qb_type, qid,
                   ret.get("EditSequence", ""), _time(ret.get("TimeModified")), entry.state.get("hash", ""))
        desktop_queue.finish_entry(entry, EntryStatus.done, outcome or {"add": "created", "mod": "updated"}.get(
            entry.operation, "linked"), f"{words} (QuickBooks id {qid}).")

    def _fail(self, rs: qbxml.QbxmlResponse | None, message: str, hint: str) -> None:
        code = rs.status_code if rs is not None else None
        prefix = f"QuickBooks Desktop refused it ({code}): " if rs is not None else ""
        desktop_queue.finish_entry(self.entry, EntryStatus.error, "failed", prefix + message, level="error",
                                   hint=hint, code=code)

    def _again(self, *, lookup: str = "", operation: str | None = None) -> None:
        entry = self.entry
        entry.lookup = lookup
        if lookup:
            entry.operation = "query"
        elif operation:
            entry.operation = operation
        entry.status = EntryStatus.queued

    def _later(self, rs: qbxml.QbxmlResponse) -> None:
        entry = self.entry
        limit = int(current_app.config.get("QBWC_MAX_ATTEMPTS", 8))
        if entry.attempts >= limit:
            return self._fail(rs, f"{rs.status_message} (still locked after {entry.attempts} attempts)",
                              "Close the record in QuickBooks (another user may have it open), then sync again.")
        delay = retry_delay(entry.attempts)
        entry.status = EntryStatus.retry_later
        entry.not_before = utcnow() + dt.timedelta(seconds=delay)
        runs.event(self.run, f"{entry.label}: QuickBooks is busy with this record ({rs.status_code}: "
                             f"{rs.status_message}); trying again in {delay:g} seconds.", level="warning",
                   entity_type=entry.local_type, entity_id=entry.local_id, detail={"code": rs.status_code},
                   commit=False)

    def _mark_deleted(self) -> None:
        link = links.find(self.entry.company_id, self.realm, self.entry.local_type, self.entry.local_id)
        if link is not None:
            link.state = LinkState.deleted_in_quickbooks

    def _queue_dependencies(self, rs: qbxml.QbxmlResponse) -> None:
        """3140: something it refers to is missing in QuickBooks. Unlinked dependencies are queued;
        linked ones are re-checked (deleted in QuickBooks?). The record is sent once more after them."""
        entry = self.entry
        entry.state = {**entry.state, "dependencies_queued": True}
        record = desktop_queue.load(entry)
        queued = []
        if record is not None and entry.local_type != mapping.SALES_REP:
            for dep in planner.for_record(record, self.settings):
                dep_type = rules.local_type_of(dep)
                if dep is record or not rules.pushable(dep_type) or rules.refusal(self.settings, dep):
                    continue
                if desktop_queue.pending_for(entry.company_id, dep_type, dep.id) is not None:
                    continue
                dep_entry = desktop_queue.add_push_entry(self.run, dep, dep_type, commit=False)
                if links.find(entry.company_id, self.realm, dep_type, dep.id) is not None:
                    dep_entry.operation, dep_entry.lookup = "query", "verify"
                self.run.progress_total += 1
                queued.append(mapping.label(dep, dep_type))
        runs.event(self.run, f"{entry.label}: QuickBooks Desktop does not have something it refers to "
                             f"({rs.status_message}). "
                   + (f"Sending these first: {', '.join(queued)}." if queued else "Trying once more."),
                   level="warning", entity_type=entry.local_type, entity_id=entry.local_id,
                   detail={"code": rs.status_code}, commit=False)
        self._again(operation=entry.operation)

    # ---- lookups ----------------------------------------------------------------------------
    def _lookup(self, rs: qbxml.QbxmlResponse, kind: str) -> None:
        entry = self.entry
        lookup, entry.lookup = entry.lookup, ""
        found = [r for r in rs.records] if kind == "ok" else []
        link = links.find(entry.company_id, self.realm, entry.local_type, entry.local_id)
        if lookup in ("refresh", "verify"):
            if not found:
                self._mark_deleted()
                return self._fail(None, "It was deleted or made inactive in QuickBooks Desktop.",
                                  "Choose Re-create in QuickBooks or Unlink on its QuickBooks panel, then sync again.")
            if link is not None:
                link.version = found[0].get("EditSequence", link.version)
                link.quickbooks_updated_at = _time(found[0].get("TimeModified")) or link.quickbooks_updated_at
            if lookup == "verify":
                return desktop_queue.finish_entry(entry, EntryStatus.done, "verified",
                                                  "still in QuickBooks Desktop (checked).")
            return self._again(operation="mod")
        match = self._matching(found)
        if lookup == "recover":
            if match is not None:
                return self._linked(match, "was already in QuickBooks Desktop (its earlier answer was lost); "
                                           "linked to it instead of adding it again", "recovered")
            return self._again(operation="add")
        # lookup == "match": the name is in use
        if match is None or self._linked_elsewhere(match):
            return self._fail(None, f"The name “{entry.state.get('name', '')}” is already used in QuickBooks Desktop "
                                    "by another record (a customer, vendor, employee or other name).",
                              "Rename one of them, or change the name format in Company Settings → QuickBooks.")
        entry.state = {**entry.state, "matched": True}
        qid = match.get("ListID") or match.get("TxnID")
        links.save(entry.company_id, self.realm, "desktop", entry.local_type, entry.local_id, entry.qb_type, qid,
                   match.get("EditSequence", ""), _time(match.get("TimeModified")))
        runs.event(self.run, f"{entry.label}: QuickBooks Desktop already has “{entry.state.get('name')}” (id {qid}); "
                             "linked to it and sending our details to it.", entity_type=entry.local_type,
                   entity_id=entry.local_id, commit=False)
        if entry.qb_type in mapping.MODIFIABLE:
            return self._again(operation="mod")
        return desktop_queue.finish_entry(entry, EntryStatus.done, "linked", f"linked to QuickBooks id {qid}.")

    def _matching(self, records: list[dict]) -> dict | None:
        state = self.entry.state
        for record in records:
            if record.get("ExternalGUID") and record["ExternalGUID"] == state.get("guid"):
                return record
        if self.entry.qb_type in mapping.TRANSACTIONS:
            return None  # only our GUID proves a transaction is ours
        for record in records:
            name = record.get("Initial") if self.entry.qb_type == "SalesRep" else record.get("Name")
            if name is None or name.lower() != str(state.get("name", "")).lower():
                continue
            if "parent" in state and (record.get("ParentRef") or {}).get("ListID") != state["parent"]:
                continue
            if "parent" not in state and record.get("ParentRef"):
                continue
            if self.entry.qb_type == "SalesRep" and self._rep_entity_differs(record):
                continue
            return record
        return None

    def _rep_entity_differs(self, record: dict) -> bool:
        user_link = links.find(self.entry.company_id, self.realm, "user", self.entry.local_id)
        owner = (record.get("SalesRepEntityRef") or {}).get("ListID")
        return user_link is None or owner != user_link.quickbooks_id

    def _linked_elsewhere(self, record: dict) -> bool:
        other = links.find_remote(self.entry.company_id, self.realm, self.entry.qb_type,
                                  record.get("ListID") or record.get("TxnID"))
        return other is not None and (other.local_type, other.local_id) != (self.entry.local_type, self.entry.local_id)


def _hint(code: int) -> str:
    return {
        errors.STRING_TOO_LONG: "Shorten the value QuickBooks names, then sync again.",
        errors.INVALID_REFERENCE: "Something it refers to is missing in QuickBooks Desktop: import accounts "
                                  "(Company Settings → QuickBooks) or sync the record it names first.",
        errors.INVALID_VALUE: "Correct the value QuickBooks names (for a payment: not more than the invoice's "
                              "balance), then sync again.",
        errors.PERMISSION_DENIED: "The QuickBooks user the Web Connector logs in as needs more permissions.",
        errors.FEATURE_NOT_ENABLED: "Turn the feature on in the QuickBooks company preferences.",
        errors.NAME_IN_USE: "Rename one of them, or change the name format in Company Settings → QuickBooks.",
        errors.EDIT_SEQUENCE_OUT_OF_DATE: "Someone keeps editing it in QuickBooks; sync again when they are done.",
    }.get(code, "")


def _time(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)
