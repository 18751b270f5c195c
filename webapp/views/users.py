"""Company users: admins only."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from webapp.auth import settings_permission_required
from webapp.extensions import db
from webapp.forms.people import UserForm
from webapp.models import User
from webapp.records import commit_record
from webapp.tenancy import get_or_404, scoped
from webapp.views.listing import paginate, render_list, search_filter

bp = Blueprint("users", __name__)
bp.before_request(settings_permission_required(lambda: None))


@bp.route("/")
def index():
    q = request.args.get("q", "")
    stmt = search_filter(scoped(User), [User.name, User.email], q).order_by(User.name)
    return render_list("users/index.html", "users/_table.html", page=paginate(stmt), q=q)


def _email_taken(email: str, user_id: int | None) -> bool:
    stmt = select(User.id).where(func.lower(User.email) == email.lower())
    if user_id:
        stmt = stmt.where(User.id != user_id)
    return db.session.scalar(stmt) is not None


def _save(user: User, form: UserForm):
    if _email_taken(form.email.data.strip(), user.id):
        form.email.errors.append("Another user already has this email.")
        return None
    if user.id is None and not form.password.data:
        form.password.errors.append("Set a password for the new user.")
        return None
    if user.id == current_user.id and (form.role.data != user.role or not form.active.data):
        form.role.errors.append("You cannot remove your own admin rights or deactivate yourself.")
        return None
    user.name, user.email, user.phone = form.name.data.strip(), form.email.data.strip(), form.phone.data.strip()
    user.role, user.employment_type, user.active = form.role.data, form.employment_type.data, form.active.data
    if form.password.data:
        user.set_password(form.password.data)
    return commit_record(user)


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = UserForm()
    if form.validate_on_submit() and _save(User(), form):
        flash("User created.", "success")
        return redirect(url_for(".index"))
    return render_template("users/form.html", form=form, user=None), 400 if form.errors else 200


@bp.route("/<int:user_id>", methods=["GET", "POST"])
def edit(user_id: int):
    user = get_or_404(User, user_id)
    form = UserForm(obj=user)
    if request.method == "GET":
        form.password.data = ""
    if form.validate_on_submit() and _save(user, form):
        flash("User saved.", "success")
        return redirect(url_for(".index"))
    return render_template("users/form.html", form=form, user=user), 400 if form.errors else 200
