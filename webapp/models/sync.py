"""The sync model: Link, SyncRun, SyncEvent (see DESIGN.md, "The sync model")."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import CompanyOwned, UTCDateTime, db, utcnow


class LinkState(str, enum.Enum):
    linked = "linked"
    deleted_in_quickbooks = "deleted_in_quickbooks"


class Link(CompanyOwned, db.Model):
    """A local record connected to a QuickBooks object ("connected" / "previously synced" in the spec).

    `realm` is the QuickBooks Online realm id, or the Desktop company file's FileID, so switching the
    company to another QuickBooks company never reuses a link that points into the old one.
    """

    __tablename__ = "links"
    __table_args__ = (
        UniqueConstraint("company_id", "realm", "local_type", "local_id"),
        UniqueConstraint("company_id", "realm", "quickbooks_type", "quickbooks_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    backend: Mapped[str] = mapped_column(String(10), nullable=False)  # online | desktop
    realm: Mapped[str] = mapped_column(String(60), nullable=False)
    local_type: Mapped[str] = mapped_column(String(40), nullable=False)
    local_id: Mapped[int] = mapped_column(Integer, nullable=False)
    quickbooks_type: Mapped[str] = mapped_column(String(40), nullable=False)
    quickbooks_id: Mapped[str] = mapped_column(String(60), nullable=False)
    # SyncToken (Online) or EditSequence (Desktop)
    version: Mapped[str] = mapped_column(String(40), default="", nullable=False)
    quickbooks_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pushed_hash: Mapped[str] = mapped_column(String(64), default="", nullable=False)
    last_synced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    state: Mapped[LinkState] = mapped_column(Enum(LinkState, native_enum=False, length=30),
                                             default=LinkState.linked, nullable=False)


class RunStatus(str, enum.Enum):
    queued = "queued"
    running = "running"
    paused = "paused"
    succeeded = "succeeded"
    failed = "failed"
    partial = "partial"

    @property
    def finished(self) -> bool:
        return self in (RunStatus.succeeded, RunStatus.failed, RunStatus.partial)

    @property
    def label(self) -> str:
        return {"partial": "Partly failed"}.get(self.value, self.value.capitalize())


class SyncRun(CompanyOwned, db.Model):
    """One user action, automatic trigger, import, webhook or poll.

    Committed BEFORE its job is enqueued (an outbox): a lost Redis message is found again by the
    sweeper. `active_key` is set while the run is unfinished and is unique, so the database itself
    guarantees one active run per (company, target).
    """

    __tablename__ = "sync_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), nullable=False)  # push | sync_job | import | webhook | cdc
    backend: Mapped[str] = mapped_column(String(10), default="online", nullable=False)
    target_type: Mapped[str] = mapped_column(String(40), nullable=False)
    target_id: Mapped[int | None] = mapped_column(Integer)
    target_label: Mapped[str] = mapped_column(String(300), default="", nullable=False)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[RunStatus] = mapped_column(Enum(RunStatus, native_enum=False, length=20),
                                              default=RunStatus.queued, nullable=False, index=True)
    active_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    job_id: Mapped[str] = mapped_column(String(100), default="", nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    enqueued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    progress_done: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    progress_total: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    counts: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False)
    error: Mapped[str] = mapped_column(Text, default="", nullable=False)
    options: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False)

    requested_by = relationship("User")
    events = relationship("SyncEvent", back_populates="run", order_by="SyncEvent.id", cascade="all, delete-orphan")

    @property
    def progress_percent(self) -> int:
        if self.status.finished:
            return 100
        if not self.progress_total:
            return 0
        return min(99, int(100 * self.progress_done / self.progress_total))


class SyncEvent(db.Model):
    """A "View log" line: human message plus a short structured detail."""

    __tablename__ = "sync_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("sync_runs.id", ondelete="CASCADE"), index=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    level: Mapped[str] = mapped_column(String(10), default="info", nullable=False)  # info | warning | error
    entity_type: Mapped[str] = mapped_column(String(40), default="", nullable=False)
    entity_id: Mapped[int | None] = mapped_column(Integer)
    message: Mapped[str] = mapped_column(Text, nullable=False)
    detail: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False)

    run = relationship("SyncRun", back_populates="events")


__all__ = ["Link", "LinkState", "SyncRun", "SyncEvent", "RunStatus"]
