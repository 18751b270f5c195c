"""QuickBooks connections and the company's integration settings."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import CompanyOwned, UTCDateTime, db


class ConnectionStatus(str, enum.Enum):
    connected = "connected"
    needs_reconnect = "needs_reconnect"
    disconnected = "disconnected"


class QuickBooksConnection(CompanyOwned, db.Model):
    """A user's connection to one QuickBooks Online company (realm). Tokens are Fernet-encrypted."""

    __tablename__ = "quickbooks_connections"
    __table_args__ = (UniqueConstraint("user_id", "realm_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False)
    realm_id: Mapped[str] = mapped_column(String(40), nullable=False)
    company_name: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    access_token_encrypted: Mapped[str] = mapped_column(Text, default="", nullable=False)
    refresh_token_encrypted: Mapped[str] = mapped_column(Text, default="", nullable=False)
    access_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    refresh_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[ConnectionStatus] = mapped_column(Enum(ConnectionStatus, native_enum=False, length=20),
                                                     default=ConnectionStatus.connected, nullable=False)
    status_detail: Mapped[str] = mapped_column(String(500), default="", nullable=False)
    last_refreshed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User")

    @property
    def label(self) -> str:
        return f"{self.company_name} ({self.realm_id})" if self.company_name else self.realm_id


class QuickBooksType(str, enum.Enum):
    online = "online"
    desktop = "desktop"

    @property
    def label(self) -> str:
        return {"online": "QuickBooks Online", "desktop": "QuickBooks Desktop"}[self.value]


class SyncType(str, enum.Enum):
    manual = "manual"
    automatic = "automatic"


class ExpenseExportStatus(str, enum.Enum):
    paid = "paid"
    paid_and_approved = "paid_and_approved"


class CustomerNameFormat(str, enum.Enum):
    last_first = "last_first"
    first_last = "first_last"
    company_or_last_first = "company_or_last_first"
    last_first_company = "last_first_company"


class JobNameFormat(str, enum.Enum):
    number_address = "number_address"
    number = "number"
    address = "address"
    address_number = "address_number"


class QuickBooksSettings(CompanyOwned, db.Model):
    """Company Settings → QuickBooks integration (one row per company)."""

    __tablename__ = "quickbooks_settings"
    __table_args__ = (UniqueConstraint("company_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quickbooks_type: Mapped[QuickBooksType] = mapped_column(Enum(QuickBooksType, native_enum=False, length=20),
                                                            default=QuickBooksType.online, nullable=False)
    enabled: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    # The realm chosen among the admins' connected users' realms, and whose tokens are used.
    realm_id: Mapped[str] = mapped_column(String(40), default="", nullable=False)
    connection_id: Mapped[int | None] = mapped_column(ForeignKey("quickbooks_connections.id", ondelete="SET NULL"))

    # Synchronization Settings
    export_employees: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    export_customer_jobs: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    export_invoices: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    export_credit_memos: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    export_payments: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    export_bills: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    auto_print_invoices: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    auto_export_expenses: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)

    # QuickBooks Settings
    sync_after: Mapped[date | None] = mapped_column(Date)
    sync_type: Mapped[SyncType] = mapped_column(Enum(SyncType, native_enum=False, length=20),
                                                default=SyncType.manual, nullable=False)
    capitalize: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    customer_name_format: Mapped[CustomerNameFormat] = mapped_column(
        Enum(CustomerNameFormat, native_enum=False, length=30), default=CustomerNameFormat.last_first, nullable=False)
    job_name_format: Mapped[JobNameFormat] = mapped_column(
        Enum(JobNameFormat, native_enum=False, length=30), default=JobNameFormat.number_address, nullable=False)
    default_ar_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("financial_accounts.id", ondelete="SET NULL"))
    expense_export_status: Mapped[ExpenseExportStatus] = mapped_column(
        Enum(ExpenseExportStatus, native_enum=False, length=30), default=ExpenseExportStatus.paid, nullable=False)

    connection = relationship("QuickBooksConnection")
    default_ar_account = relationship("FinancialAccount")
    company = relationship("Company")


class DeletionReminder(CompanyOwned, db.Model):
    """A synced record deleted here: QuickBooks is never touched, so an admin must remove it there."""

    __tablename__ = "deletion_reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    local_type: Mapped[str] = mapped_column(String(40), nullable=False)
    label: Mapped[str] = mapped_column(String(300), nullable=False)
    quickbooks_type: Mapped[str] = mapped_column(String(40), nullable=False)
    quickbooks_id: Mapped[str] = mapped_column(String(60), nullable=False)
    realm: Mapped[str] = mapped_column(String(60), default="", nullable=False)
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    deleted_by = relationship("User")


__all__ = ["QuickBooksConnection", "QuickBooksSettings", "DeletionReminder", "ConnectionStatus", "QuickBooksType",
           "SyncType", "ExpenseExportStatus", "CustomerNameFormat", "JobNameFormat"]
