"""Invoices; the sales-document form is shared with credit memos (webapp.forms.credit_memos)."""
from __future__ import annotations

from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, DecimalField, FieldList, FormField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from webapp.forms.fields import RecordSelectField
from webapp.forms.lines import MAX_LINES, LineForm, filled_lines
from webapp.forms.lookups import FilteredRecordSelectField, ProjectSelectField, Unique, validate_project_customer
from webapp.models import Customer, Invoice, InvoiceItem, Term, TrackingClass
from webapp.tenancy import get_optional


class SalesLineForm(LineForm):
    item_id = FilteredRecordSelectField("Item", model=InvoiceItem, order_by=InvoiceItem.name, blank="— item —")
    description = StringField("Description", validators=[Length(max=4000)])
    quantity = DecimalField("Quantity", places=4, validators=[Optional()])
    rate = DecimalField("Rate", places=2, validators=[Optional()])

    def is_blank(self) -> bool:
        return not (self.item_id.data or (self.description.data or "").strip() or self.rate.data)

    def values(self) -> dict:
        values = super().values()
        item = get_optional(InvoiceItem, values["item_id"])
        if values["quantity"] is None:
            values["quantity"] = Decimal("1")
        if values["rate"] is None:  # an empty rate means the catalog price
            values["rate"] = item.rate if item else Decimal("0")
        if not values["description"] and item:
            values["description"] = item.description or item.name
        return values

    def amount(self) -> Decimal:
        quantity = self.quantity.data if self.quantity.data is not None else Decimal("1")
        return (quantity * (self.rate.data or Decimal("0"))).quantize(Decimal("0.01"))


class SalesDocumentForm(FlaskForm):
    model, record_label = None, ""  # set by each document form, for Unique
    number = StringField("Number", validators=[DataRequired(), Length(max=21), Unique()])
    customer_id = RecordSelectField("Customer", validators=[InputRequired("Choose a customer.")], model=Customer,
                                    order_by=Customer.last_name, text=lambda c: c.display_name, blank="— choose —")
    project_id = ProjectSelectField()
    class_id = FilteredRecordSelectField("Class", model=TrackingClass, order_by=TrackingClass.name)
    memo = TextAreaField("Memo", validators=[Length(max=1000)])
    lines = FieldList(FormField(SalesLineForm), min_entries=1, max_entries=MAX_LINES)

    def validate_customer_id(self, field):
        if field.data is None:
            raise ValidationError("Choose a customer.")

    validate_project_id = validate_project_customer

    def validate_lines(self, field):
        if not filled_lines(field):
            raise ValidationError("Add at least one line.")

    def preview_total(self) -> Decimal:
        """The total as the server will compute it, shown while the form is being edited."""
        return sum((sub.amount() for sub in filled_lines(self.lines)), Decimal("0.00"))


class InvoiceForm(SalesDocumentForm):
    model, record_label = Invoice, "invoice"
    invoice_date = DateField("Invoice date", validators=[InputRequired("Enter the invoice date.")])
    due_date = DateField("Due date", validators=[Optional()])
    term_id = FilteredRecordSelectField("Terms", model=Term, order_by=Term.name)
    sync_enabled = BooleanField("Sync Invoice", default=True)

    def validate_due_date(self, field):
        if field.data and self.invoice_date.data and field.data < self.invoice_date.data:
            raise ValidationError("The due date cannot be before the invoice date.")
