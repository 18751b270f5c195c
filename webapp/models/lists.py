"""The QuickBooks-style lists: financial accounts, classes, terms, sales tax codes, invoice items."""
from __future__ import annotations

import enum
from decimal import Decimal

from sqlalchemy import Boolean, Enum, ForeignKey, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import CompanyOwned, Money, db


class AccountType(str, enum.Enum):
    """QuickBooks Online AccountType values (the ones a contractor's chart of accounts uses)."""

    bank = "Bank"
    accounts_receivable = "Accounts Receivable"
    other_current_asset = "Other Current Asset"
    fixed_asset = "Fixed Asset"
    other_asset = "Other Asset"
    accounts_payable = "Accounts Payable"
    credit_card = "Credit Card"
    other_current_liability = "Other Current Liability"
    long_term_liability = "Long Term Liability"
    equity = "Equity"
    income = "Income"
    other_income = "Other Income"
    cost_of_goods_sold = "Cost of Goods Sold"
    expense = "Expense"
    other_expense = "Other Expense"


class FinancialAccount(CompanyOwned, db.Model):
    __tablename__ = "financial_accounts"
    __table_args__ = (UniqueConstraint("company_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    number: Mapped[str] = mapped_column(String(20), default="", nullable=False)
    account_type: Mapped[AccountType] = mapped_column(
        Enum(AccountType, native_enum=False, length=40, values_callable=lambda e: [m.value for m in e]),
        nullable=False,
    )
    subtype: Mapped[str] = mapped_column(String(60), default="", nullable=False)
    description: Mapped[str] = mapped_column(String(255), default="", nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)

    @property
    def is_receivable(self) -> bool:
        return self.account_type == AccountType.accounts_receivable

    @property
    def label(self) -> str:
        return f"{self.number} {self.name}".strip()


class TrackingClass(CompanyOwned, db.Model):
    __tablename__ = "tracking_classes"
    __table_args__ = (UniqueConstraint("company_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)


class Term(CompanyOwned, db.Model):
    __tablename__ = "terms"
    __table_args__ = (UniqueConstraint("company_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(31), nullable=False)
    due_days: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)


class SalesTaxCode(CompanyOwned, db.Model):
    __tablename__ = "sales_tax_codes"
    __table_args__ = (UniqueConstraint("company_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), nullable=False)
    description: Mapped[str] = mapped_column(String(255), default="", nullable=False)
    taxable: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    rate: Mapped[Decimal] = mapped_column(Numeric(7, 4), default=Decimal("0"), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)


class ItemType(str, enum.Enum):
    service = "service"
    non_inventory = "non_inventory"

    @property
    def label(self) -> str:
        return {"service": "Service", "non_inventory": "Non-inventory"}[self.value]


class InvoiceItem(CompanyOwned, db.Model):
    """An entry of the invoice item catalog."""

    __tablename__ = "invoice_items"
    __table_args__ = (UniqueConstraint("company_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    description: Mapped[str] = mapped_column(String(4000), default="", nullable=False)
    rate: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"), nullable=False)
    item_type: Mapped[ItemType] = mapped_column(
        Enum(ItemType, native_enum=False, length=20), default=ItemType.service, nullable=False
    )
    # The spec: invoice items need a QuickBooks income account before invoices can sync.
    income_account_id: Mapped[int | None] = mapped_column(ForeignKey("financial_accounts.id", ondelete="SET NULL"))
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)

    income_account = relationship("FinancialAccount")
