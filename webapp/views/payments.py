from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy.orm import selectinload

from webapp.forms.fields import load_record_choices
from webapp.forms.payments import Allocations, PaymentForm
from webapp.models import Customer, Payment, Project
from webapp.records import delete_record, save_form
from webapp.tenancy import get_optional, get_or_404, scoped
from webapp.views.listing import paginate, render_list, search_filter

bp = Blueprint("payments", __name__)


@bp.route("/")
def index():
    q = request.args.get("q", "")
    stmt = scoped(Payment).join(Payment.customer).options(selectinload(Payment.customer),
                                                          selectinload(Payment.allocations))
    stmt = search_filter(stmt, [Payment.reference, Customer.first_name, Customer.last_name, Customer.company_name], q)
    page = paginate(stmt.order_by(Payment.payment_date.desc(), Payment.id.desc()))
    return render_list("payments/index.html", "payments/_table.html", page=page, q=q)


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = PaymentForm()
    if request.method == "GET":
        project = get_optional(Project, request.args.get("project_id", type=int))
        customer = get_optional(Customer, request.args.get("customer_id", type=int))
        form.customer_id.data = project.customer_id if project else (customer.id if customer else None)
        form.project_id.data = project.id if project else None
    return _edit_form(Payment(), form)


@bp.route("/<int:payment_id>")
def show(payment_id: int):
    return render_template("payments/show.html", payment=get_or_404(Payment, payment_id))


@bp.route("/<int:payment_id>/edit", methods=["GET", "POST"])
def edit(payment_id: int):
    payment = get_or_404(Payment, payment_id)
    return _edit_form(payment, PaymentForm(obj=payment))


@bp.route("/<int:payment_id>/delete", methods=["POST"])
def delete(payment_id: int):
    payment = get_or_404(Payment, payment_id)
    return delete_record(payment, f"Payment of {payment.amount:,.2f} from {payment.customer.display_name}",
                         url_for(".index"))


@bp.route("/allocations")
def allocations():
    """The allocation rows for the customer just chosen (htmx, on change of the customer select)."""
    payment = get_optional(Payment, request.args.get("payment_id", type=int)) or Payment()
    customer = get_optional(Customer, request.args.get("customer_id", type=int))
    return render_template("payments/_allocations.html",
                           allocations=Allocations(payment, customer.id if customer else None))


def _edit_form(payment: Payment, form: PaymentForm):
    load_record_choices(form)
    allocations = Allocations(payment, form.customer_id.data)
    if request.method == "POST":
        allocations.load(request.form)
        if "refresh_allocations" in request.form:  # the no-JS twin of the htmx refresh
            return _render(payment, form, allocations)
    form_ok = form.validate_on_submit()
    # Check the allocations even when the form has errors, so every message shows at once.
    allocations_ok = request.method == "POST" and allocations.validate(form.amount.data)
    if form_ok and allocations_ok:
        is_new = payment.id is None
        allocations.apply()
        save_form(payment, form)
        flash(f"Payment {'recorded' if is_new else 'saved'}.", "success")
        return redirect(url_for(".show", payment_id=payment.id))
    failed = request.method == "POST"
    return _render(payment, form, allocations), 400 if failed else 200


def _render(payment, form, allocations):
    return render_template("payments/form.html", form=form, payment=payment if payment.id else None,
                           allocations=allocations)
