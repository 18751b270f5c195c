"""Where the QuickBooks Online change feed of a company stands (CDC high-water mark, daily sweep)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from webapp.models.base import CompanyOwned, UTCDateTime, db


class InboundCursor(CompanyOwned, db.Model):
    """One row per (company, realm): changes up to `changes_since` have been applied here.

    `changes_since` is QuickBooks' own response time (its clock, not ours), kept timezone-aware so the
    next CDC call asks for exactly the moment QuickBooks reported. Per realm, so reconnecting the
    company to another QuickBooks company starts a fresh feed.
    """

    __tablename__ = "quickbooks_inbound_cursors"
    __table_args__ = (UniqueConstraint("company_id", "realm"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    realm: Mapped[str] = mapped_column(String(60), nullable=False)
    changes_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_sweep_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_full_import_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


__all__ = ["InboundCursor"]
