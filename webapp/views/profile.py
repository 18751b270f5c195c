"""The logged-in user's profile. QuickBooks user connections live in its Integrations section."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from webapp.extensions import db
from webapp.forms.people import ProfileForm

bp = Blueprint("profile", __name__)


@bp.route("/", methods=["GET", "POST"])
def index():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        current_user.name = form.name.data.strip()
        current_user.phone = form.phone.data.strip()
        if form.new_password.data:
            current_user.set_password(form.new_password.data)
        db.session.commit()
        flash("Profile saved.", "success")
        return redirect(url_for(".index"))
    return render_template("profile/index.html", form=form), 400 if form.errors else 200
