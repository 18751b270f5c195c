from __future__ import annotations

from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, DecimalField, FieldList, FormField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from webapp.forms.fields import RecordSelectField
from webapp.forms.lines import MAX_LINES, LineForm, filled_lines
from webapp.forms.lookups import FilteredRecordSelectField, ProjectSelectField, choices
from webapp.models import AccountType, BillStatus, FinancialAccount, TrackingClass, Vendor

# Accounts a job cost can be booked to.
EXPENSE_TYPES = (AccountType.cost_of_goods_sold, AccountType.expense, AccountType.other_expense)


class BillLineForm(LineForm):
    account_id = FilteredRecordSelectField("Account", model=FinancialAccount, order_by=FinancialAccount.number,
                                           text=lambda a: a.label, blank="— account —",
                                           where=lambda: FinancialAccount.account_type.in_(EXPENSE_TYPES))
    description = StringField("Description", validators=[Length(max=4000)])
    amount = DecimalField("Amount", places=2, validators=[Optional()])
    class_id = FilteredRecordSelectField("Class", model=TrackingClass, order_by=TrackingClass.name)
    billable = BooleanField("Billable")

    def is_blank(self) -> bool:
        return not (self.account_id.data or (self.description.data or "").strip() or self.amount.data)

    def validate_account_id(self, field):
        # Only for filled rows: an untouched row is dropped, not an error.
        if field.data is None and not self.is_blank():
            raise ValidationError("Choose the expense account.")

    def values(self) -> dict:
        values = super().values()
        values["amount"] = values["amount"] or Decimal("0.00")
        return values


class BillForm(FlaskForm):
    vendor_id = RecordSelectField("Vendor", validators=[InputRequired("Choose a vendor.")], model=Vendor,
                                  order_by=Vendor.name, blank="— choose —")
    project_id = ProjectSelectField()
    bill_date = DateField("Bill date", validators=[InputRequired("Enter the bill date.")])
    due_date = DateField("Due date", validators=[Optional()])
    reference = StringField("Reference (vendor's bill number)", validators=[Length(max=20)])
    status = SelectField("Status", choices=choices(BillStatus), coerce=BillStatus,
                         default=BillStatus.draft)
    memo = TextAreaField("Memo", validators=[Length(max=1000)])
    sync_enabled = BooleanField("Sync Bill", default=True)
    lines = FieldList(FormField(BillLineForm), min_entries=1, max_entries=MAX_LINES)

    def validate_vendor_id(self, field):
        if field.data is None:
            raise ValidationError("Choose a vendor.")

    def validate_due_date(self, field):
        if field.data and self.bill_date.data and field.data < self.bill_date.data:
            raise ValidationError("The due date cannot be before the bill date.")

    def validate_lines(self, field):
        if not filled_lines(field):
            raise ValidationError("Add at least one line.")

    def preview_total(self) -> Decimal:
        return sum((sub.amount.data or Decimal("0") for sub in filled_lines(self.lines)), Decimal("0.00"))
