from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from webapp.forms.customers import CustomerForm
from webapp.models import Customer
from webapp.records import delete_record, save_form
from webapp.tenancy import get_or_404, scoped
from webapp.views.listing import paginate, render_list, search_filter

bp = Blueprint("customers", __name__)


@bp.route("/")
def index():
    q = request.args.get("q", "")
    stmt = search_filter(scoped(Customer), [Customer.first_name, Customer.last_name, Customer.company_name,
                                            Customer.email, Customer.phone], q)
    page = paginate(stmt.order_by(Customer.last_name, Customer.first_name, Customer.id))
    return render_list("customers/index.html", "customers/_table.html", page=page, q=q)


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = CustomerForm()
    if form.validate_on_submit():
        customer = save_form(Customer(), form)
        flash(f"Customer {customer.display_name} created.", "success")
        return redirect(url_for(".show", customer_id=customer.id))
    return render_template("customers/form.html", form=form, customer=None), 400 if form.errors else 200


@bp.route("/<int:customer_id>")
def show(customer_id: int):
    customer = get_or_404(Customer, customer_id)
    return render_template("customers/show.html", customer=customer)


@bp.route("/<int:customer_id>/edit", methods=["GET", "POST"])
def edit(customer_id: int):
    customer = get_or_404(Customer, customer_id)
    form = CustomerForm(obj=customer)
    if form.validate_on_submit():
        save_form(customer, form)
        flash("Customer saved.", "success")
        return redirect(url_for(".show", customer_id=customer.id))
    return render_template("customers/form.html", form=form, customer=customer), 400 if form.errors else 200


@bp.route("/<int:customer_id>/delete", methods=["POST"])
def delete(customer_id: int):
    customer = get_or_404(Customer, customer_id)
    if customer.projects:
        flash("This customer has projects. Delete or move them first.", "error")
        return redirect(url_for(".show", customer_id=customer.id))
    return delete_record(customer, customer.display_name, url_for(".index"))
