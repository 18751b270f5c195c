"""Customer-side money: invoices, credit memos and payments."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from webapp.models.base import ZERO, CompanyOwned, Money, Timestamped, db


class SalesLine(Timestamped):
    """A line of an invoice or credit memo: item, description, quantity x rate."""

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    description: Mapped[str] = mapped_column(String(4000), default="", nullable=False)
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 4), default=Decimal("1"), nullable=False)
    rate: Mapped[Decimal] = mapped_column(Money, default=ZERO, nullable=False)
    amount: Mapped[Decimal] = mapped_column(Money, default=ZERO, nullable=False)

    @declared_attr
    def item_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("invoice_items.id", ondelete="RESTRICT"), index=True)

    @declared_attr
    def item(cls):
        return relationship("InvoiceItem")

    def compute_amount(self) -> None:
        self.amount = (Decimal(self.quantity or 0) * Decimal(self.rate or 0)).quantize(Decimal("0.01"))


class SalesDocument(CompanyOwned):
    """Shared columns of invoices and credit memos."""

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(21), nullable=False)  # QBO DocNumber max 21
    memo: Mapped[str] = mapped_column(String(1000), default="", nullable=False)
    total: Mapped[Decimal] = mapped_column(Money, default=ZERO, nullable=False)

    @declared_attr
    def customer_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("customers.id", ondelete="RESTRICT"), index=True, nullable=False)

    @declared_attr
    def project_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("projects.id", ondelete="RESTRICT"), index=True)

    @declared_attr
    def class_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("tracking_classes.id", ondelete="SET NULL"))

    @declared_attr
    def customer(cls):
        return relationship("Customer")

    @declared_attr
    def project(cls):
        return relationship("Project")

    @declared_attr
    def tracking_class(cls):
        return relationship("TrackingClass")

    def recalculate(self) -> None:
        for line in self.lines:
            line.compute_amount()
        self.total = sum((line.amount for line in self.lines), ZERO)


class Invoice(SalesDocument, db.Model):
    __tablename__ = "invoices"
    __table_args__ = (UniqueConstraint("company_id", "number"),)

    invoice_date: Mapped[date] = mapped_column(Date, nullable=False)
    due_date: Mapped[date | None] = mapped_column(Date)
    term_id: Mapped[int | None] = mapped_column(ForeignKey("terms.id", ondelete="SET NULL"))
    # The spec's "Sync Invoice" checkbox.
    sync_enabled: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)

    term = relationship("Term")
    lines = relationship("InvoiceLine", back_populates="invoice", cascade="all, delete-orphan",
                         order_by="InvoiceLine.position")
    allocations = relationship("PaymentAllocation", back_populates="invoice")

    @property
    def amount_paid(self) -> Decimal:
        return sum((a.amount for a in self.allocations), ZERO)

    @property
    def balance(self) -> Decimal:
        return self.total - self.amount_paid


class InvoiceLine(SalesLine, db.Model):
    __tablename__ = "invoice_lines"

    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id", ondelete="CASCADE"), index=True, nullable=False)
    invoice = relationship("Invoice", back_populates="lines")


class CreditMemo(SalesDocument, db.Model):
    __tablename__ = "credit_memos"
    __table_args__ = (UniqueConstraint("company_id", "number"),)

    memo_date: Mapped[date] = mapped_column(Date, nullable=False)
    sync_enabled: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)

    lines = relationship("CreditMemoLine", back_populates="credit_memo", cascade="all, delete-orphan",
                         order_by="CreditMemoLine.position")


class CreditMemoLine(SalesLine, db.Model):
    __tablename__ = "credit_memo_lines"

    credit_memo_id: Mapped[int] = mapped_column(ForeignKey("credit_memos.id", ondelete="CASCADE"), index=True,
                                                nullable=False)
    credit_memo = relationship("CreditMemo", back_populates="lines")


PAYMENT_METHODS = ("Check", "Cash", "Credit Card", "ACH", "Other")


class Payment(CompanyOwned, db.Model):
    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="RESTRICT"), index=True, nullable=False)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="RESTRICT"), index=True)
    payment_date: Mapped[date] = mapped_column(Date, nullable=False)
    amount: Mapped[Decimal] = mapped_column(Money, nullable=False)
    method: Mapped[str] = mapped_column(String(30), default="Check", nullable=False)
    reference: Mapped[str] = mapped_column(String(20), default="", nullable=False)
    memo: Mapped[str] = mapped_column(String(1000), default="", nullable=False)
    # The spec's "Sync Payment" checkbox.
    sync_enabled: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)

    customer = relationship("Customer")
    project = relationship("Project")
    allocations = relationship("PaymentAllocation", back_populates="payment", cascade="all, delete-orphan")

    @property
    def allocated(self) -> Decimal:
        return sum((a.amount for a in self.allocations), ZERO)

    @property
    def unapplied(self) -> Decimal:
        return self.amount - self.allocated


class PaymentAllocation(CompanyOwned, db.Model):
    __tablename__ = "payment_allocations"
    __table_args__ = (UniqueConstraint("payment_id", "invoice_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id", ondelete="CASCADE"), index=True, nullable=False)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id", ondelete="RESTRICT"), index=True, nullable=False)
    amount: Mapped[Decimal] = mapped_column(Money, nullable=False)

    payment = relationship("Payment", back_populates="allocations")
    invoice = relationship("Invoice", back_populates="allocations")
