from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Email

from webapp.auth import public
from webapp.extensions import db
from webapp.models import User

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Email()])
    password = PasswordField("Password", validators=[DataRequired()])


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(func.lower(User.email) == form.email.data.strip().lower()))
        if user and user.active and user.check_password(form.password.data):
            login_user(user)
            target = request.args.get("next", "")
            # Only local paths: an absolute "next" would be an open redirect.
            if not target.startswith("/") or target.startswith("//"):
                target = url_for("dashboard.index")
            return redirect(target)
        form.password.errors.append("Wrong email or password.")
    return render_template("auth/login.html", form=form), (200 if not form.errors else 400)


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))
