"""QuickBooks Desktop through the Web Connector: credentials, sessions, the queue and watermarks.

The queue is the database: every qbXML request the Web Connector fetches is a QueueEntry of a
SyncRun, so View log can say "queued → sent to the Web Connector → done / error" and nothing a user
asked for lives only in memory or in Redis.
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import CompanyOwned, UTCDateTime, db, utcnow


class WebConnectorAccount(CompanyOwned, db.Model):
    """The company's Web Connector login and the identity of its .qwc file.

    `username` identifies the company at authenticate time, so it is unique across companies;
    `file_id` is the GUID QBWC stamps into the company file (QBWC1039 wants one per company) and is
    the "realm" of the company's Desktop links.
    """

    __tablename__ = "qbwc_accounts"
    __table_args__ = (UniqueConstraint("company_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True, nullable=False)
    file_id: Mapped[str] = mapped_column(String(38), unique=True, nullable=False)
    # werkzeug scrypt hash; empty until an admin sets the password (authenticate answers nvu).
    password_hash: Mapped[str] = mapped_column(String(255), default="", nullable=False)
    password_set_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    run_every_minutes: Mapped[int] = mapped_column(Integer, default=15, nullable=False)
    last_poll_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SessionStatus(str, enum.Enum):
    open = "open"          # authenticated, exchanging requests
    closed = "closed"      # closeConnection received
    abandoned = "abandoned"  # went silent (connection lost); its unanswered requests are recovered
    nothing = "nothing"    # authenticate answered "none"
    busy = "busy"          # another session of the company was live
    refused = "refused"    # bad password ("nvu")

    @property
    def label(self) -> str:
        return {"nothing": "Nothing to do", "refused": "Wrong password", "busy": "Busy (another session)"}.get(
            self.value, self.value.capitalize())


class WebConnectorSession(CompanyOwned, db.Model):
    """One Web Connector check-in: the "log of Web Connector sessions" in Company Settings.

    Only a hash of the ticket is stored. `live_key` holds the company id while the session is open
    and is unique, so the database refuses a second live session of the same company ("busy")
    even when two authenticate calls race.
    """

    __tablename__ = "qbwc_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    live_key: Mapped[int | None] = mapped_column(Integer, unique=True)
    status: Mapped[SessionStatus] = mapped_column(Enum(SessionStatus, native_enum=False, length=20),
                                                  default=SessionStatus.open, nullable=False)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    client_version: Mapped[str] = mapped_column(String(40), default="", nullable=False)
    company_file: Mapped[str] = mapped_column(String(500), default="", nullable=False)
    product: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    qbxml_version: Mapped[str] = mapped_column(String(10), default="", nullable=False)
    messages_sent: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    responses_received: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    noops: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    # What getLastError returns ("NoOp" while waiting for the worker or a lock to clear).
    last_error: Mapped[str] = mapped_column(Text, default="", nullable=False)
    connection_error: Mapped[str] = mapped_column(Text, default="", nullable=False)
    close_message: Mapped[str] = mapped_column(Text, default="", nullable=False)


class WebConnectorMessage(CompanyOwned, db.Model):
    """One sendRequestXML / receiveResponseXML exchange. The SOAP call stores the response here and
    an RQ job applies it (`processed_at`); a message never answered marks a lost exchange."""

    __tablename__ = "qbwc_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("qbwc_sessions.id", ondelete="CASCADE"), index=True,
                                            nullable=False)
    request_xml: Mapped[str] = mapped_column(Text, nullable=False)
    response_xml: Mapped[str] = mapped_column(Text, default="", nullable=False)
    hresult: Mapped[str] = mapped_column(String(20), default="", nullable=False)
    message: Mapped[str] = mapped_column(Text, default="", nullable=False)
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    session = relationship("WebConnectorSession")


class EntryStatus(str, enum.Enum):
    queued = "queued"
    sent = "sent"
    done = "done"
    error = "error"
    retry_later = "retry_later"

    @property
    def pending(self) -> bool:
        return self in (EntryStatus.queued, EntryStatus.sent, EntryStatus.retry_later)


PENDING_STATUSES = (EntryStatus.queued, EntryStatus.sent, EntryStatus.retry_later)


class QueueEntry(CompanyOwned, db.Model):
    """One request of the web connector queue.

    `operation` is what goes out next (add / mod / query). A push entry that must look something up
    first (recover an unanswered add, match a name in use, refresh a stale EditSequence) sends a
    query with `lookup` saying why, then goes back to add/mod or is done. Push requests are built
    when sent, from the record as it is then and the links its dependencies have by then; queries
    keep their request in `request_xml`.
    """

    __tablename__ = "qbwc_queue"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("sync_runs.id", ondelete="CASCADE"), index=True, nullable=False)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("qbwc_messages.id", ondelete="SET NULL"), index=True)
    wave: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    purpose: Mapped[str] = mapped_column(String(20), nullable=False)  # push | import | poll | bill_import
    operation: Mapped[str] = mapped_column(String(10), nullable=False)  # add | mod | query
    lookup: Mapped[str] = mapped_column(String(20), default="", nullable=False)  # recover | match | refresh
    local_type: Mapped[str] = mapped_column(String(40), default="", nullable=False)
    local_id: Mapped[int | None] = mapped_column(Integer)
    qb_type: Mapped[str] = mapped_column(String(40), nullable=False)
    label: Mapped[str] = mapped_column(String(300), default="", nullable=False)
    request_xml: Mapped[str] = mapped_column(Text, default="", nullable=False)
    request_id: Mapped[str] = mapped_column(String(50), default="", nullable=False)
    status: Mapped[EntryStatus] = mapped_column(Enum(EntryStatus, native_enum=False, length=20),
                                                default=EntryStatus.queued, nullable=False, index=True)
    outcome: Mapped[str] = mapped_column(String(30), default="", nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    not_before: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    response: Mapped[str] = mapped_column(Text, default="", nullable=False)
    status_code: Mapped[int | None] = mapped_column(Integer)
    message: Mapped[str] = mapped_column(Text, default="", nullable=False)
    # Small working state: retries used per kind, iterator ids, watermark candidates, filters.
    state: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False)

    run = relationship("SyncRun")
    sent_in = relationship("WebConnectorMessage")


class DesktopWatermark(CompanyOwned, db.Model):
    """FromModifiedDate of the next incremental query of one QuickBooks object type (Desktop has no
    webhooks). Advanced only after a whole iteration succeeded."""

    __tablename__ = "qbwc_watermarks"
    __table_args__ = (UniqueConstraint("company_id", "object_type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    object_type: Mapped[str] = mapped_column(String(40), nullable=False)
    modified_since: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


__all__ = ["WebConnectorAccount", "WebConnectorSession", "SessionStatus", "WebConnectorMessage", "QueueEntry",
           "EntryStatus", "PENDING_STATUSES", "DesktopWatermark"]
