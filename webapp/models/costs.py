"""Job costs: vendors (installers, suppliers, vendors) and their bills."""
from __future__ import annotations

import enum
from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean, Date, Enum, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import ZERO, CompanyOwned, Money, Timestamped, db


class VendorKind(str, enum.Enum):
    installer = "installer"
    supplier = "supplier"
    vendor = "vendor"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Vendor(CompanyOwned, db.Model):
    __tablename__ = "vendors"
    __table_args__ = (UniqueConstraint("company_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[VendorKind] = mapped_column(Enum(VendorKind, native_enum=False, length=20),
                                             default=VendorKind.vendor, nullable=False)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    contact_name: Mapped[str] = mapped_column(String(120), default="", nullable=False)
    email: Mapped[str] = mapped_column(String(255), default="", nullable=False)
    phone: Mapped[str] = mapped_column(String(40), default="", nullable=False)
    street: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    city: Mapped[str] = mapped_column(String(80), default="", nullable=False)
    state: Mapped[str] = mapped_column(String(40), default="", nullable=False)
    postal_code: Mapped[str] = mapped_column(String(20), default="", nullable=False)
    is_1099: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)


class BillStatus(str, enum.Enum):
    draft = "draft"
    approved = "approved"
    paid = "paid"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Bill(CompanyOwned, db.Model):
    """An expense on a project's Job Costs tab, synced as a QuickBooks bill."""

    __tablename__ = "bills"

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id", ondelete="RESTRICT"), index=True, nullable=False)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="RESTRICT"), index=True)
    bill_date: Mapped[date] = mapped_column(Date, nullable=False)
    due_date: Mapped[date | None] = mapped_column(Date)
    reference: Mapped[str] = mapped_column(String(20), default="", nullable=False)
    memo: Mapped[str] = mapped_column(String(1000), default="", nullable=False)
    status: Mapped[BillStatus] = mapped_column(Enum(BillStatus, native_enum=False, length=20),
                                               default=BillStatus.draft, nullable=False)
    total: Mapped[Decimal] = mapped_column(Money, default=ZERO, nullable=False)
    # The spec's "Sync Bill" checkbox.
    sync_enabled: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)

    vendor = relationship("Vendor")
    project = relationship("Project")
    lines = relationship("BillLine", back_populates="bill", cascade="all, delete-orphan", order_by="BillLine.position")

    def recalculate(self) -> None:
        self.total = sum((line.amount for line in self.lines), ZERO)


class BillLine(Timestamped, db.Model):
    __tablename__ = "bill_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    bill_id: Mapped[int] = mapped_column(ForeignKey("bills.id", ondelete="CASCADE"), index=True, nullable=False)
    position: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("financial_accounts.id", ondelete="RESTRICT"))
    description: Mapped[str] = mapped_column(String(4000), default="", nullable=False)
    amount: Mapped[Decimal] = mapped_column(Money, default=ZERO, nullable=False)
    class_id: Mapped[int | None] = mapped_column(ForeignKey("tracking_classes.id", ondelete="SET NULL"))
    billable: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)

    bill = relationship("Bill", back_populates="lines")
    account = relationship("FinancialAccount")
    tracking_class = relationship("TrackingClass")
