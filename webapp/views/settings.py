"""Company Settings (the spec: "permission required")."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from webapp.auth import settings_permission_required
from webapp.extensions import db
from webapp.forms.people import CompanyForm

bp = Blueprint("settings", __name__)
bp.before_request(settings_permission_required(lambda: None))


@bp.route("/", methods=["GET", "POST"])
def index():
    company = current_user.company
    form = CompanyForm(obj=company)
    if form.validate_on_submit():
        company.name = form.name.data.strip()
        db.session.commit()
        flash("Company settings saved.", "success")
        return redirect(url_for(".index"))
    return render_template("settings/index.html", form=form, company=company), 400 if form.errors else 200
