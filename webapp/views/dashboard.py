from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import Bill, Customer, Invoice, Payment, Project
from webapp.tenancy import company_id

bp = Blueprint("dashboard", __name__)


@bp.route("/")
def index():
    cid = company_id()
    counts = {}
    for label, model in (("Customers", Customer), ("Projects", Project), ("Invoices", Invoice),
                         ("Payments", Payment), ("Bills", Bill)):
        counts[label] = db.session.scalar(select(func.count()).select_from(model).where(model.company_id == cid))
    recent_invoices = db.session.scalars(
        select(Invoice).where(Invoice.company_id == cid).order_by(Invoice.invoice_date.desc(), Invoice.id.desc()).limit(8)
    ).all()
    return render_template("dashboard/index.html", counts=counts, recent_invoices=recent_invoices)
