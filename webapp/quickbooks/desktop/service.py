"""The Web Connector service (soap.WebConnectorService) on top of the database queue.

Sessions: authenticate checks the company's user name and password, then answers "none" when
Enable QuickBooks is OFF or nothing is queued, "busy" while another session of the same company is
live, or a fresh random ticket (secrets) bound to that one company, with an expiry. Every later
call finds its company through the ticket only, so two companies syncing at once never meet.

receiveResponseXML stores the response and hands it to an RQ job; it waits a few seconds for the
job (the answer decides whether there is more to send) and returns. sendRequestXML answers NoOp
while a response is still being applied, so a dependency's ListID is known before what refers to it.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
import time

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from webapp.extensions import db
from webapp.models import (
    PENDING_STATUSES, EntryStatus, QueueEntry, QuickBooksType, SessionStatus, WebConnectorMessage,
    WebConnectorSession,
)
from webapp.models.base import utcnow
from webapp.queues import redis_connection
from webapp.quickbooks.desktop import accounts, imports, qbxml, results, sender, soap
from webapp.quickbooks.settings import backend_and_realm, for_company
from webapp.sync import runs

log = logging.getLogger(__name__)

SERVER_VERSION = "Contractors Cloud Web Connector service 1.0"
MIN_CLIENT_VERSION = (2, 1)
NOOP = "NoOp"
SOON = dt.timedelta(seconds=60)  # a lock retry due within this keeps the session waiting (NoOp)
MAX_NOOPS = 30


def _hash(ticket: str) -> str:
    return hashlib.sha256(ticket.encode()).hexdigest()


def _config(name: str, default: float) -> float:
    return float(current_app.config.get(name, default))


class DesktopService:
    """One instance per SOAP request; all state is in the database."""

    # ---- versions -----------------------------------------------------------------------------
    def server_version(self) -> str:
        return SERVER_VERSION

    def client_version(self, str_version: str) -> str:
        try:
            parts = tuple(int(p) for p in str_version.split(".")[:2])
        except ValueError:
            return ""
        if parts and parts < MIN_CLIENT_VERSION:
            return "W:This Web Connector is old; install the latest QuickBooks Web Connector from Intuit."
        return ""

    # ---- authenticate ---------------------------------------------------------------------------
    def authenticate(self, user: str, password: str) -> list[str]:
        ticket = secrets.token_urlsafe(32)
        account = accounts.by_username(user)
        if account is None:
            return [ticket, "nvu"]
        company_id = account.company_id
        if not accounts.check_password(account, password):
            self._log(company_id, SessionStatus.refused, "The Web Connector password was wrong.")
            return [ticket, "nvu"]
        settings = for_company(company_id, create=False)
        if settings is None or settings.quickbooks_type != QuickBooksType.desktop or not settings.enabled:
            self._log(company_id, SessionStatus.nothing, "Enable QuickBooks is OFF (or the type is not Desktop): "
                                                         "submissions to the web connector queue are paused.")
            return [ticket, "none"]
        self._abandon_silent_sessions(company_id)
        if self._live(company_id) is not None:
            self._log(company_id, SessionStatus.busy, "Another Web Connector session of this company is running.")
            return [ticket, "busy"]
        _backend, realm = backend_and_realm(settings)
        adopt_lost_runs(company_id, settings)
        recover_unanswered(company_id)
        redispatch_unprocessed(company_id)
        sender.settle_unsendable(company_id, settings, realm)
        has_work = _has_work(company_id)
        imports.start_poll(company_id, settings, realm, force=has_work)
        if not _has_work(company_id):
            self._log(company_id, SessionStatus.nothing, "Nothing in the web connector queue.")
            return [ticket, "none"]
        now = utcnow()
        session = WebConnectorSession(company_id=company_id, ticket_hash=_hash(ticket), live_key=company_id,
                                      status=SessionStatus.open, last_seen_at=now,
                                      expires_at=now + dt.timedelta(minutes=accounts.session_minutes()))
        db.session.add(session)
        try:
            db.session.commit()
        except IntegrityError:  # a concurrent authenticate of the same company won the race
            db.session.rollback()
            self._log(company_id, SessionStatus.busy, "Another Web Connector session of this company is running.")
            return [ticket, "busy"]
        return [ticket, ""]  # "": use the company file that is open in QuickBooks

    def _log(self, company_id: int, status: SessionStatus, text: str) -> None:
        now = utcnow()
        db.session.add(WebConnectorSession(company_id=company_id, status=status, last_seen_at=now, closed_at=now,
                                           close_message=text))
        db.session.commit()

    def _live(self, company_id: int) -> WebConnectorSession | None:
        return db.session.scalar(select(WebConnectorSession).where(WebConnectorSession.live_key == company_id))

    def _abandon_silent_sessions(self, company_id: int) -> None:
        """A session silent for longer than QBWC_IDLE_SECONDS (its connection died, QBWC crashed)
        no longer blocks the company; what it sent without an answer is recovered."""
        live = self._live(company_id)
        idle = dt.timedelta(seconds=_config("QBWC_IDLE_SECONDS", 300))
        now = utcnow()
        if live is not None and (live.last_seen_at < now - idle or (live.expires_at and live.expires_at < now)):
            live.status, live.live_key, live.closed_at = SessionStatus.abandoned, None, now
            live.close_message = live.close_message or "The Web Connector stopped answering; the session was closed."
            db.session.commit()

    # ---- the exchange -------------------------------------------------------------------------
    def _session(self, ticket: str, *, live_only: bool = True) -> WebConnectorSession | None:
        if not ticket:
            return None
        session = db.session.scalar(select(WebConnectorSession).where(WebConnectorSession.ticket_hash == _hash(ticket)))
        if session is None:
            return None
        expired = session.expires_at is not None and session.expires_at < utcnow()
        if live_only and (session.status != SessionStatus.open or expired):
            return None
        return session

    def _touch(self, session: WebConnectorSession) -> None:
        now = utcnow()
        session.last_seen_at = now
        session.expires_at = now + dt.timedelta(minutes=accounts.session_minutes())

    def send_request_xml(self, ticket: str, hcp_response: str, company_file_name: str, country: str,
                         major: int, minor: int) -> str:
        session = self._session(ticket)
        if session is None:
            return ""
        self._touch(session)
        if hcp_response:
            try:
                host = qbxml.parse_hcp_response(hcp_response)
            except ValueError:
                host = None
            if host is not None:
                session.product = host.product_name[:200]
        session.company_file = (company_file_name or session.company_file)[:500]
        version = qbxml.version_for(major, minor)
        if version is None:
            session.last_error = (f"This QuickBooks speaks qbXML {major}.{minor}; Contractors Cloud needs "
                                  f"{qbxml.QBXML_VERSION} (QuickBooks 2015 or later). Update QuickBooks.")
            db.session.commit()
            return ""
        session.qbxml_version = version
        settings = for_company(session.company_id, create=False)
        if settings is None or not settings.enabled or settings.quickbooks_type != QuickBooksType.desktop:
            session.last_error = "Enable QuickBooks was turned OFF: submissions to the web connector queue are paused."
            db.session.commit()
            return ""
        db.session.commit()
        if not wait_for_processing(session.company_id, _config("QBWC_PROCESSING_WAIT", 5)):
            return self._noop(session, "a response is still being applied")
        _backend, realm = backend_and_realm(settings)
        xml = sender.next_message(session, settings, realm, version)
        if xml:
            session.last_error = ""
            db.session.commit()
            return xml
        if _due_soon(session.company_id):
            return self._noop(session, "a record locked in QuickBooks is retried shortly")
        session.last_error = "Nothing left to send."
        db.session.commit()
        return ""

    def _noop(self, session: WebConnectorSession, why: str) -> str:
        session.noops += 1
        if session.noops > MAX_NOOPS:
            session.last_error = f"Stopped waiting ({why}); the rest is sent on the next run."
        else:
            session.last_error = NOOP  # QBWC waits 5 seconds and asks again
        db.session.commit()
        return ""

    def receive_response_xml(self, ticket: str, response: str, hresult: str, message: str) -> int:
        session = self._session(ticket)
        if session is None:
            return -1
        self._touch(session)
        outstanding = db.session.scalar(select(WebConnectorMessage).where(
            WebConnectorMessage.session_id == session.id, WebConnectorMessage.received_at.is_(None))
            .order_by(WebConnectorMessage.id.desc()).limit(1))
        if outstanding is None:
            session.last_error = "A response arrived for which no request was outstanding."
            db.session.commit()
            return -1
        outstanding.response_xml = response or ""
        outstanding.hresult, outstanding.message = hresult or "", message or ""
        outstanding.received_at = utcnow()
        session.responses_received += 1
        if hresult:
            session.last_error = f"QuickBooks could not process a request: {hresult} {message}".strip()
        db.session.commit()
        dispatch_processing(outstanding.id)
        if wait_for_processing(session.company_id, _config("QBWC_PROCESSING_WAIT", 5)):
            settings = for_company(session.company_id, create=False)
            sender.settle_unsendable(session.company_id, settings, backend_and_realm(settings)[1])
        return self.percentage(session)

    def percentage(self, session: WebConnectorSession) -> int:
        db.session.expire_all()
        done = db.session.scalar(select(func.count(QueueEntry.id)).join(
            WebConnectorMessage, QueueEntry.message_id == WebConnectorMessage.id).where(
            WebConnectorMessage.session_id == session.id, QueueEntry.status.in_((EntryStatus.done, EntryStatus.error))))
        return soap.progress_percentage(done, _remaining(session.company_id))

    def connection_error(self, ticket: str, hresult: str, message: str) -> str:
        session = self._session(ticket)
        if session is None:
            return "done"
        session.connection_error = f"{hresult} {message}".strip()
        session.last_error = (f"QuickBooks could not open the company file ({session.connection_error}). Open "
                              "QuickBooks with the company file and run the Web Connector again.")
        db.session.commit()
        return "done"

    def get_last_error(self, ticket: str) -> str:
        session = self._session(ticket, live_only=False)
        if session is None:
            return "Unknown or expired ticket: the Web Connector starts a new session on its next run."
        return session.last_error

    def close_connection(self, ticket: str) -> str:
        session = self._session(ticket, live_only=False)
        if session is None:
            return "Contractors Cloud: session unknown or already closed."
        if session.status == SessionStatus.open:
            done = self._counts(session)
            left = _remaining(session.company_id, include_later=True)
            session.close_message = (f"Contractors Cloud: {done['done']} request(s) done, {done['error']} error(s)"
                                     + (f", {left} still queued." if left else "."))
            session.status, session.live_key, session.closed_at = SessionStatus.closed, None, utcnow()
            db.session.commit()
        return session.close_message

    def _counts(self, session: WebConnectorSession) -> dict[str, int]:
        rows = db.session.execute(select(QueueEntry.status, func.count(QueueEntry.id)).join(
            WebConnectorMessage, QueueEntry.message_id == WebConnectorMessage.id).where(
            WebConnectorMessage.session_id == session.id).group_by(QueueEntry.status)).all()
        counts = {status.value: n for status, n in rows}
        return {"done": counts.get("done", 0), "error": counts.get("error", 0)}

    # ---- interactive mode (not used) ------------------------------------------------------------
    def get_interactive_url(self, ticket: str, session_id: str) -> str:
        return ""

    def interactive_done(self, ticket: str) -> str:
        return "Done"

    def interactive_rejected(self, ticket: str, reason: str) -> str:
        return "Contractors Cloud does not use interactive mode."


# ---- queue state shared by the calls --------------------------------------------------------------

def _has_work(company_id: int) -> bool:
    return _remaining(company_id, include_later=False) > 0


def _remaining(company_id: int, include_later: bool = False) -> int:
    """Requests still to go in this session: queued, sent, lock retries due soon, answers being applied."""
    horizon = utcnow() + SOON
    status_filter = QueueEntry.status.in_(PENDING_STATUSES) if include_later else or_(
        QueueEntry.status.in_((EntryStatus.queued, EntryStatus.sent)),
        (QueueEntry.status == EntryStatus.retry_later) & (QueueEntry.not_before <= horizon))
    entries = db.session.scalar(select(func.count(QueueEntry.id)).where(QueueEntry.company_id == company_id,
                                                                         status_filter))
    return entries + _unprocessed(company_id)


def _due_soon(company_id: int) -> bool:
    return db.session.scalar(select(func.count(QueueEntry.id)).where(
        QueueEntry.company_id == company_id, QueueEntry.status == EntryStatus.retry_later,
        QueueEntry.not_before <= utcnow() + SOON)) > 0


def _unprocessed(company_id: int) -> int:
    return db.session.scalar(select(func.count(WebConnectorMessage.id)).where(
        WebConnectorMessage.company_id == company_id, WebConnectorMessage.received_at.is_not(None),
        WebConnectorMessage.processed_at.is_(None)))


def wait_for_processing(company_id: int, timeout: float) -> bool:
    """True once every stored response of the company has been applied by the worker (or False
    after `timeout` seconds). The worker announces each applied answer on Redis; the database stays
    the truth, so it is checked on every announcement and once more at the deadline."""
    deadline = time.monotonic() + timeout
    try:
        pubsub = redis_connection().pubsub(ignore_subscribe_messages=True)
        pubsub.subscribe(results.PROCESSED)  # before the first check: no announcement slips between
    except Exception:  # noqa: BLE001 - no Redis: answers were applied in this process (dispatch_processing)
        pubsub = None
    try:
        while True:
            db.session.rollback()  # end the read transaction so the next look sees the worker's commit
            db.session.expire_all()
            if _unprocessed(company_id) == 0:
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0 or pubsub is None:
                return False
            pubsub.get_message(timeout=remaining)
    finally:
        if pubsub is not None:
            pubsub.close()


def dispatch_processing(message_id: int) -> None:
    from workers import desktop_jobs

    try:
        desktop_jobs.enqueue_processing(message_id)
    except Exception as exc:  # noqa: BLE001 - Redis down must not strand a response QuickBooks already applied
        log.warning("could not enqueue processing of Web Connector message %s (%s); applying it here", message_id, exc)
        results.process_message(message_id)


def redispatch_unprocessed(company_id: int) -> None:
    """Responses stored but never applied (the job was lost with Redis): hand them to a worker again."""
    ids = db.session.scalars(select(WebConnectorMessage.id).where(
        WebConnectorMessage.company_id == company_id, WebConnectorMessage.received_at.is_not(None),
        WebConnectorMessage.processed_at.is_(None))).all()
    for message_id in ids:
        dispatch_processing(message_id)


def adopt_lost_runs(company_id: int, settings) -> int:
    """Desktop runs still "queued" well after they were started lost their RQ job (the sweeper only
    re-sends Online runs): queue their records now, so this session sends them."""
    from webapp.models import RunStatus, SyncRun
    from webapp.quickbooks.desktop import queue as desktop_queue

    stale = db.session.scalars(select(SyncRun).where(
        SyncRun.company_id == company_id, SyncRun.backend == "desktop", SyncRun.status == RunStatus.queued,
        SyncRun.created_at < utcnow() - dt.timedelta(seconds=30))).all()
    for run in stale:
        desktop_queue.enqueue_run(run, settings)
    return len(stale)


def recover_unanswered(company_id: int) -> int:
    """Requests sent in a session that ended without their answer: QuickBooks may or may not have
    applied them, so an Add is first looked up in QuickBooks (never blindly added again), a Mod
    re-reads the EditSequence, and a query is simply asked again."""
    entries = db.session.scalars(select(QueueEntry).join(
        WebConnectorMessage, QueueEntry.message_id == WebConnectorMessage.id).where(
        QueueEntry.company_id == company_id, QueueEntry.status == EntryStatus.sent,
        WebConnectorMessage.received_at.is_(None))).all()
    for entry in entries:
        entry.status = EntryStatus.queued
        if entry.purpose == "push" and not entry.lookup:
            entry.lookup = "recover" if entry.operation == "add" else "refresh"
            entry.operation = "query"
            if entry.lookup == "refresh":
                entry.state = {**entry.state, "stale_retries": 0}
        runs.event(entry.run, f"{entry.label}: the Web Connector never delivered QuickBooks' answer; checking "
                              "QuickBooks before sending anything again.", level="warning",
                   entity_type=entry.local_type, entity_id=entry.local_id, commit=False)
    db.session.commit()
    return len(entries)


def service() -> soap.WebConnectorService:
    return DesktopService()
