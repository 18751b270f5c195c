"""The screens invoices and credit memos share: list, create/edit with line editing, show, delete.

Each blueprint describes its document once (a SalesKind) and `register` adds the same routes to it,
so the two areas cannot drift apart. Endpoint names stay per area: invoices.new, credit_memos.new ...
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy.orm import selectinload

from webapp.forms.fields import load_record_choices
from webapp.forms.lines import apply_line_action, blank_line, load_line_choices, next_index, write_lines
from webapp.models import Customer, Project, Term
from webapp.records import delete_record, save_form
from webapp.tenancy import get_optional, get_or_404, scoped
from webapp.views.listing import paginate, render_list, search_filter


@dataclass(frozen=True)
class SalesKind:
    area: str            # blueprint name and template id prefix: "invoices"
    model: type
    line_model: type
    form_class: type
    line_form: type
    id_arg: str          # "invoice_id"
    label: str           # "Invoice"
    date_attr: str       # "invoice_date"
    note: str = ""       # shown on the form and the detail page

    @property
    def plural(self) -> str:
        return self.label.lower() + "s"


def register(bp: Blueprint, kind: SalesKind) -> None:
    model = kind.model

    def index():
        q = request.args.get("q", "")
        stmt = scoped(model).join(model.customer).options(selectinload(model.customer))
        if hasattr(model, "allocations"):
            stmt = stmt.options(selectinload(model.allocations))
        stmt = search_filter(stmt, [model.number, Customer.first_name, Customer.last_name,
                                    Customer.company_name], q)
        page = paginate(stmt.order_by(getattr(model, kind.date_attr).desc(), model.id.desc()))
        return render_list("sales/index.html", "sales/_table.html", kind=kind, page=page, q=q)

    def new():
        form = kind.form_class()
        if request.method == "GET":
            _prefill(form)
        return _edit_form(kind, model(), form)

    def show(**ids):
        doc = get_or_404(model, ids[kind.id_arg])
        return render_template("sales/show.html", kind=kind, doc=doc)

    def edit(**ids):
        doc = get_or_404(model, ids[kind.id_arg])
        return _edit_form(kind, doc, kind.form_class(obj=doc))

    def delete(**ids):
        doc = get_or_404(model, ids[kind.id_arg])
        if getattr(doc, "allocations", None):
            flash(f"{kind.label} {doc.number} has payments applied. Remove them from the payments first.", "error")
            return redirect(url_for(".show", **{kind.id_arg: doc.id}))
        return delete_record(doc, f"{kind.label} {doc.number}", url_for(".index"))

    def line():
        """One blank line row for htmx "Add line" (plus the button, out of band, for the next index)."""
        index = request.args.get("index", 0, type=int)
        subform = blank_line(kind.line_form, "lines", index)
        return render_template("sales/_line.html", kind=kind, line=subform, index=index, add_next=index + 1)

    bp.add_url_rule("/", "index", index)
    bp.add_url_rule("/new", "new", new, methods=["GET", "POST"])
    bp.add_url_rule("/line", "line", line)
    bp.add_url_rule(f"/<int:{kind.id_arg}>", "show", show)
    bp.add_url_rule(f"/<int:{kind.id_arg}>/edit", "edit", edit, methods=["GET", "POST"])
    bp.add_url_rule(f"/<int:{kind.id_arg}>/delete", "delete", delete, methods=["POST"])


def _prefill(form) -> None:
    """?project_id= (from a project page) or ?customer_id= fill in who is billed."""
    project = get_optional(Project, request.args.get("project_id", type=int))
    if project:
        form.customer_id.data, form.project_id.data = project.customer_id, project.id
        form.class_id.data = project.class_id
        if hasattr(form, "term_id"):
            form.term_id.data = project.term_id
        return
    customer = get_optional(Customer, request.args.get("customer_id", type=int))
    if customer:
        form.customer_id.data = customer.id


def _edit_form(kind: SalesKind, doc, form):
    form.record_id = doc.id
    load_record_choices(form)
    load_line_choices(form.lines)
    if request.method == "POST" and apply_line_action(form.lines):
        return _render_form(kind, doc, form)
    if form.validate_on_submit():
        _fill_due_date(form)
        write_lines(doc.lines, form.lines, kind.line_model)
        doc.recalculate()
        is_new = doc.id is None
        save_form(doc, form, exclude=("lines",))
        flash(f"{kind.label} {doc.number} {'created' if is_new else 'saved'}.", "success")
        return redirect(url_for(".show", **{kind.id_arg: doc.id}))
    return _render_form(kind, doc, form), 400 if form.errors else 200


def _fill_due_date(form) -> None:
    # Terms decide the due date when the user leaves it empty, as QuickBooks does.
    if hasattr(form, "due_date") and not form.due_date.data and form.term_id.data:
        term = get_optional(Term, form.term_id.data)
        form.due_date.data = form.invoice_date.data + timedelta(days=term.due_days)


def _render_form(kind: SalesKind, doc, form):
    return render_template("sales/form.html", kind=kind, doc=doc if doc.id else None, form=form,
                           add_next=next_index(form.lines))

