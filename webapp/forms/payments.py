"""Customer payments and their allocation to the customer's open invoices."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from flask_wtf import FlaskForm
from sqlalchemy.orm import selectinload
from wtforms import BooleanField, DateField, DecimalField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, ValidationError

from webapp.extensions import db
from webapp.forms.fields import RecordSelectField
from webapp.forms.lookups import ProjectSelectField, choices, validate_project_customer
from webapp.models import PAYMENT_METHODS, Customer, Invoice, PaymentAllocation
from webapp.models.base import ZERO
from webapp.tenancy import company_id, scoped


class PaymentForm(FlaskForm):
    customer_id = RecordSelectField("Customer", validators=[InputRequired("Choose a customer.")], model=Customer,
                                    order_by=Customer.last_name, text=lambda c: c.display_name, blank="— choose —")
    project_id = ProjectSelectField()
    payment_date = DateField("Payment date", validators=[InputRequired("Enter the payment date.")])
    amount = DecimalField("Amount", places=2, validators=[
        InputRequired("Enter the amount received."),
        NumberRange(min=Decimal("0.01"), message="Enter an amount above zero."),
    ])
    method = SelectField("Method", choices=choices(PAYMENT_METHODS, str))
    reference = StringField("Reference (check number)", validators=[Length(max=20)])
    memo = TextAreaField("Memo", validators=[Length(max=1000)])
    sync_enabled = BooleanField("Sync Payment", default=True)

    validate_project_id = validate_project_customer

    def validate_customer_id(self, field):
        if field.data is None:
            raise ValidationError("Choose a customer.")


@dataclass
class AllocationRow:
    invoice: Invoice
    open_balance: Decimal  # what is left to pay, not counting this payment's own earlier allocation
    text: str = ""
    amount: Decimal = ZERO
    error: str = ""

    @property
    def name(self) -> str:
        return f"alloc-{self.invoice.id}"


class Allocations:
    """One row per open invoice of the customer (plus those this payment already pays)."""

    def __init__(self, payment, customer_id: int | None):
        self.payment, self.rows, self.error = payment, [], ""
        own = {a.invoice_id: a.amount for a in payment.allocations} if customer_id == payment.customer_id else {}
        if not customer_id:
            return
        invoices = db.session.scalars(
            scoped(Invoice).where(Invoice.customer_id == customer_id)
            .options(selectinload(Invoice.allocations)).order_by(Invoice.invoice_date, Invoice.id)
        )
        for invoice in invoices:
            mine = own.get(invoice.id, ZERO)
            open_balance = invoice.balance + mine
            if open_balance > 0 or mine:
                self.rows.append(AllocationRow(invoice, open_balance, text=f"{mine:.2f}" if mine else "",
                                               amount=mine))

    @property
    def total(self) -> Decimal:
        return sum((r.amount for r in self.rows), ZERO)

    def load(self, formdata) -> None:
        for row in self.rows:
            row.text = (formdata.get(row.name) or "").strip()
            try:
                row.amount = Decimal(row.text.replace(",", "").replace("$", "")) if row.text else ZERO
            except InvalidOperation:
                row.amount, row.error = ZERO, "Enter an amount like 120.00."

    def validate(self, payment_amount: Decimal | None) -> bool:
        for row in self.rows:
            if row.error:
                continue
            if row.amount < 0:
                row.error = "An allocation cannot be negative."
            elif row.amount != row.amount.quantize(Decimal("0.01")):
                row.error = "Use at most two decimals."
            elif row.amount > row.open_balance:
                row.error = f"More than the invoice's open balance of ${row.open_balance:,.2f}."
        ok = not any(r.error for r in self.rows)
        if ok and payment_amount is not None and self.total > payment_amount:
            self.error = (f"The allocations add up to ${self.total:,.2f}, more than the payment's "
                          f"${payment_amount:,.2f}.")
            ok = False
        return ok

    def apply(self) -> None:
        """Make the payment's allocations match the rows (updating in place: one row per invoice)."""
        wanted = {r.invoice.id: r.amount for r in self.rows if r.amount > 0}
        for allocation in list(self.payment.allocations):
            if allocation.invoice_id in wanted:
                allocation.amount = wanted.pop(allocation.invoice_id)
            else:
                self.payment.allocations.remove(allocation)
        for invoice_id, amount in wanted.items():
            self.payment.allocations.append(PaymentAllocation(company_id=company_id(), invoice_id=invoice_id,
                                                              amount=amount))
