"""Installers, suppliers and vendors (all QuickBooks vendors)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.forms.vendors import VendorForm
from webapp.models import Bill, Vendor, VendorKind
from webapp.records import delete_record, save_form
from webapp.tenancy import get_or_404, scoped
from webapp.views.listing import paginate, render_list, search_filter

bp = Blueprint("vendors", __name__)


@bp.route("/")
def index():
    q = request.args.get("q", "")
    kind = request.args.get("kind", "")
    stmt = search_filter(scoped(Vendor), [Vendor.name, Vendor.contact_name, Vendor.email, Vendor.phone], q)
    if kind in VendorKind.__members__:
        stmt = stmt.where(Vendor.kind == VendorKind(kind))
    else:
        kind = ""
    page = paginate(stmt.order_by(Vendor.name, Vendor.id))
    return render_list("vendors/index.html", "vendors/_table.html", page=page, q=q, kind=kind, kinds=list(VendorKind))


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = VendorForm()
    if request.method == "GET" and request.args.get("kind") in VendorKind.__members__:
        form.kind.data = VendorKind(request.args["kind"])
    return _edit_form(Vendor(), form)


@bp.route("/<int:vendor_id>")
def show(vendor_id: int):
    vendor = get_or_404(Vendor, vendor_id)
    bills = db.session.scalars(scoped(Bill).where(Bill.vendor_id == vendor.id)
                               .order_by(Bill.bill_date.desc()).limit(20)).all()
    return render_template("vendors/show.html", vendor=vendor, bills=bills)


@bp.route("/<int:vendor_id>/edit", methods=["GET", "POST"])
def edit(vendor_id: int):
    vendor = get_or_404(Vendor, vendor_id)
    return _edit_form(vendor, VendorForm(obj=vendor))


@bp.route("/<int:vendor_id>/delete", methods=["POST"])
def delete(vendor_id: int):
    vendor = get_or_404(Vendor, vendor_id)
    has_bills = db.session.scalar(select(func.count()).select_from(Bill).where(Bill.vendor_id == vendor.id))
    if has_bills:
        flash(f"{vendor.name} has bills. Mark the vendor inactive instead.", "error")
        return redirect(url_for(".show", vendor_id=vendor.id))
    return delete_record(vendor, vendor.name, url_for(".index"))


def _edit_form(vendor: Vendor, form: VendorForm):
    form.record_id = vendor.id
    if form.validate_on_submit():
        is_new = vendor.id is None
        save_form(vendor, form)
        flash(f"Vendor {vendor.name} {'created' if is_new else 'saved'}.", "success")
        return redirect(url_for(".show", vendor_id=vendor.id))
    return render_template("vendors/form.html", form=form, vendor=vendor if vendor.id else None), \
        400 if form.errors else 200
