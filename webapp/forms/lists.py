"""The QuickBooks name lists: financial accounts, invoice items, classes, terms, sales tax codes."""
from __future__ import annotations

from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import BooleanField, DecimalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from webapp.forms.lookups import FilteredRecordSelectField, Unique, choices
from webapp.models import AccountType, FinancialAccount, InvoiceItem, ItemType, SalesTaxCode, Term, TrackingClass

INCOME_TYPES = (AccountType.income, AccountType.other_income)


class AccountForm(FlaskForm):
    model, record_label = FinancialAccount, "financial account"
    name = StringField("Name", validators=[DataRequired("Enter the account name."), Length(max=100), Unique()])
    number = StringField("Number", validators=[Length(max=20)])
    account_type = SelectField("Type", choices=choices(AccountType, lambda t: t.value), coerce=AccountType,
                               default=AccountType.expense)
    subtype = StringField("Detail type", validators=[Length(max=60)])
    description = StringField("Description", validators=[Length(max=255)])
    active = BooleanField("Active", default=True)


class ItemForm(FlaskForm):
    model, record_label = InvoiceItem, "invoice item"
    name = StringField("Name", validators=[DataRequired("Enter the item name."), Length(max=100), Unique()])
    description = TextAreaField("Description", validators=[Length(max=4000)])
    rate = DecimalField("Rate", places=2, default=Decimal("0.00"),
                        validators=[InputRequired("Enter a rate (0 is fine)."), NumberRange(min=0)])
    item_type = SelectField("Type", choices=choices(ItemType), coerce=ItemType,
                            default=ItemType.service)
    # The spec: invoices only sync when their items have a QuickBooks income account.
    income_account_id = FilteredRecordSelectField(
        "Income account", model=FinancialAccount, order_by=FinancialAccount.number, text=lambda a: a.label,
        where=lambda: FinancialAccount.account_type.in_(INCOME_TYPES))
    active = BooleanField("Active", default=True)


class ClassForm(FlaskForm):
    model, record_label = TrackingClass, "class"
    name = StringField("Name", validators=[DataRequired("Enter the class name."), Length(max=100), Unique()])
    active = BooleanField("Active", default=True)


class TermForm(FlaskForm):
    model, record_label = Term, "term"
    name = StringField("Name", validators=[DataRequired("Enter the terms' name, e.g. Net 30."), Length(max=31),
                                           Unique()])
    due_days = IntegerField("Due in (days)", default=30, validators=[
        InputRequired("Enter the number of days."), NumberRange(min=0, max=999, message="Between 0 and 999 days.")])
    active = BooleanField("Active", default=True)


class TaxCodeForm(FlaskForm):
    model, record_label = SalesTaxCode, "sales tax code"
    name = StringField("Name", validators=[DataRequired("Enter the code's name."), Length(max=40), Unique()])
    description = StringField("Description", validators=[Length(max=255)])
    taxable = BooleanField("Taxable", default=True)
    rate = DecimalField("Rate (%)", places=4, default=Decimal("0"), validators=[
        Optional(), NumberRange(min=0, max=100, message="Between 0 and 100 percent.")])
    active = BooleanField("Active", default=True)

    def validate_rate(self, field):
        if field.data is None:
            field.data = Decimal("0")
