"""The lists area: five QuickBooks name lists with one set of screens.

Each list is described once (a NameList) and gets the same routes: list + search + pagination,
create, edit, and deactivate/reactivate. QuickBooks never deletes names from these lists (it makes
them inactive), so neither do we: a deleted name would leave synced invoices and bills pointing at
nothing on one side.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import Blueprint, flash, redirect, render_template, request, url_for

from webapp.forms.fields import load_record_choices
from webapp.forms.lists import AccountForm, ClassForm, ItemForm, TaxCodeForm, TermForm
from webapp.models import FinancialAccount, InvoiceItem, SalesTaxCode, Term, TrackingClass
from webapp.records import commit_record, save_form
from webapp.templating import money
from webapp.tenancy import get_or_404, scoped
from webapp.views.listing import paginate, render_list, search_filter

bp = Blueprint("lists", __name__)


@dataclass(frozen=True)
class NameList:
    key: str               # url part, endpoint of the list page and quickbooks_list_actions() argument
    singular: str          # endpoint prefix of the record routes: lists.account_new ...
    title: str
    form_class: type       # its `model` and `record_label` name the record type
    search: tuple
    order_by: tuple
    columns: tuple[tuple[str, Callable], ...]   # (header, value of a record as text)
    help: str = ""

    @property
    def model(self) -> type:
        return self.form_class.model

    @property
    def label(self) -> str:
        return self.form_class.record_label

    @property
    def id_arg(self) -> str:
        return f"{self.singular}_id"

    @property
    def table_id(self) -> str:
        return f"{self.key}-table"


NAME_LISTS = (
    NameList("accounts", "account", "Financial accounts", AccountForm,
             search=(FinancialAccount.name, FinancialAccount.number, FinancialAccount.subtype),
             order_by=(FinancialAccount.number, FinancialAccount.name),
             columns=(("Number", lambda a: a.number), ("Type", lambda a: a.account_type.value),
                      ("Detail type", lambda a: a.subtype)),
             help="The chart of accounts: income accounts for invoice items, expense accounts for bills."),
    NameList("items", "item", "Invoice items", ItemForm,
             search=(InvoiceItem.name, InvoiceItem.description), order_by=(InvoiceItem.name,),
             columns=(("Type", lambda i: i.item_type.label), ("Rate", lambda i: money(i.rate)),
                      ("Income account", lambda i: i.income_account.label if i.income_account else "— none —")),
             help="What invoices sell. Each item needs an income account before its invoices can sync."),
    NameList("classes", "class", "Classes", ClassForm,
             search=(TrackingClass.name,), order_by=(TrackingClass.name,), columns=(),
             help="Class tracking: label projects, invoices and bill lines by department or trade."),
    NameList("terms", "term", "Terms", TermForm,
             search=(Term.name,), order_by=(Term.due_days, Term.name),
             columns=(("Due in", lambda t: f"{t.due_days} days"),),
             help="Payment terms: they set an invoice's due date."),
    NameList("tax_codes", "tax_code", "Sales tax codes", TaxCodeForm,
             search=(SalesTaxCode.name, SalesTaxCode.description), order_by=(SalesTaxCode.name,),
             columns=(("Description", lambda c: c.description), ("Taxable", lambda c: "Yes" if c.taxable else "No"),
                      ("Rate", lambda c: f"{c.rate.normalize():f} %")),
             help="Sales tax codes used on invoices."),
)


@bp.route("/")
def index():
    return render_template("lists/index.html", name_lists=NAME_LISTS)


def _register(spec: NameList) -> None:
    model = spec.model

    def listing():
        q = request.args.get("q", "")
        stmt = search_filter(scoped(model), spec.search, q).order_by(*spec.order_by, model.id)
        return render_list("lists/list.html", "lists/_table.html", spec=spec, page=paginate(stmt), q=q)

    def new():
        return _edit_form(spec, model(), spec.form_class())

    def edit(**ids):
        record = get_or_404(model, ids[spec.id_arg])
        return _edit_form(spec, record, spec.form_class(obj=record))

    def toggle_active(**ids):
        record = get_or_404(model, ids[spec.id_arg])
        record.active = not record.active
        commit_record(record)
        flash(f"{record.name} {'reactivated' if record.active else 'made inactive'}.", "success")
        return redirect(url_for(f".{spec.key}"))

    base = f"/{spec.key.replace('_', '-')}"
    bp.add_url_rule(f"{base}/", spec.key, listing)
    bp.add_url_rule(f"{base}/new", f"{spec.singular}_new", new, methods=["GET", "POST"])
    bp.add_url_rule(f"{base}/<int:{spec.id_arg}>/edit", f"{spec.singular}_edit", edit, methods=["GET", "POST"])
    bp.add_url_rule(f"{base}/<int:{spec.id_arg}>/active", f"{spec.singular}_toggle", toggle_active, methods=["POST"])


def _edit_form(spec: NameList, record, form):
    form.record_id = record.id
    load_record_choices(form)
    if form.validate_on_submit():
        is_new = record.id is None
        save_form(record, form)
        flash(f"{spec.label.capitalize()} {record.name} {'created' if is_new else 'saved'}.", "success")
        return redirect(url_for(f".{spec.key}"))
    return render_template("lists/form.html", spec=spec, form=form, record=record if record.id else None), \
        400 if form.errors else 200


for _spec in NAME_LISTS:
    _register(_spec)
