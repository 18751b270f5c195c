from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("invoices", __name__)


@bp.route("/")
def index():
    return render_template("errors/error.html", code=200, title="invoices", message="Coming soon.")


@bp.route("/<int:invoice_id>")
def show(invoice_id):
    return index()
