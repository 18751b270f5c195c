from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy.orm import selectinload

from webapp.forms.bills import BillForm, BillLineForm
from webapp.forms.fields import load_record_choices
from webapp.forms.lines import apply_line_action, blank_line, load_line_choices, next_index, write_lines
from webapp.models import Bill, BillLine, Project, Vendor
from webapp.records import delete_record, save_form
from webapp.tenancy import get_optional, get_or_404, scoped
from webapp.views.listing import paginate, render_list, search_filter

bp = Blueprint("bills", __name__)


@bp.route("/")
def index():
    q = request.args.get("q", "")
    stmt = scoped(Bill).join(Bill.vendor).options(selectinload(Bill.vendor), selectinload(Bill.project))
    stmt = search_filter(stmt, [Vendor.name, Bill.reference], q)
    page = paginate(stmt.order_by(Bill.bill_date.desc(), Bill.id.desc()))
    return render_list("bills/index.html", "bills/_table.html", page=page, q=q)


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = BillForm()
    if request.method == "GET":
        # From a project's Job Costs tab.
        project = get_optional(Project, request.args.get("project_id", type=int))
        form.project_id.data = project.id if project else None
    return _edit_form(Bill(), form)


@bp.route("/line")
def line():
    """One blank line row for the htmx "Add line" button."""
    index = request.args.get("index", 0, type=int)
    return render_template("bills/_line.html", line=blank_line(BillLineForm, "lines", index), index=index)


@bp.route("/<int:bill_id>")
def show(bill_id: int):
    return render_template("bills/show.html", bill=get_or_404(Bill, bill_id))


@bp.route("/<int:bill_id>/edit", methods=["GET", "POST"])
def edit(bill_id: int):
    bill = get_or_404(Bill, bill_id)
    return _edit_form(bill, BillForm(obj=bill))


@bp.route("/<int:bill_id>/delete", methods=["POST"])
def delete(bill_id: int):
    bill = get_or_404(Bill, bill_id)
    return delete_record(bill, f"Bill {bill.reference or bill.id} from {bill.vendor.name}", url_for(".index"))


def _edit_form(bill: Bill, form: BillForm):
    load_record_choices(form)
    load_line_choices(form.lines)
    if request.method == "POST" and apply_line_action(form.lines):
        return _render(bill, form)
    if form.validate_on_submit():
        write_lines(bill.lines, form.lines, BillLine)
        bill.recalculate()
        is_new = bill.id is None
        save_form(bill, form, exclude=("lines",))
        flash(f"Bill {'created' if is_new else 'saved'}.", "success")
        return redirect(url_for(".show", bill_id=bill.id))
    return _render(bill, form), 400 if form.errors else 200


def _render(bill: Bill, form: BillForm):
    return render_template("bills/form.html", bill=bill if bill.id else None, form=form,
                           add_next=next_index(form.lines))
