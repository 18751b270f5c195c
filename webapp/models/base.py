"""Column types and mixins shared by every aggregate."""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from sqlalchemy import DateTime, ForeignKey, Numeric, TypeDecorator
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from webapp.extensions import db


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend.

    SQLite drops tzinfo; 2-way sync compares local updated_at with QuickBooks' LastUpdatedTime,
    so every value read back must be aware and in UTC, whatever the database.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


# Money is exact: Numeric with cents, never float.
Money = Numeric(12, 2, asdecimal=True)
ZERO = Decimal("0.00")


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False
    )


class CompanyOwned(Timestamped):
    """A record that belongs to exactly one company (the tenant)."""

    @declared_attr
    def company_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), index=True, nullable=False)


__all__ = ["db", "Money", "ZERO", "UTCDateTime", "Timestamped", "CompanyOwned", "utcnow"]
