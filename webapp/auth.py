"""Login management and the permission decorator."""
from __future__ import annotations

from functools import wraps

from flask import Flask, abort
from flask_login import current_user, login_required

from webapp.extensions import db, login_manager


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = app.config.get("SESSION_PROTECTION", "strong")

    @login_manager.user_loader
    def load_user(user_id: str):
        from webapp.models import User

        return db.session.get(User, int(user_id))

    # Every view needs a logged-in user unless it says otherwise (login page, webhooks, SOAP, static).
    @app.before_request
    def require_login():
        from flask import request

        endpoint = request.endpoint or ""
        view = app.view_functions.get(endpoint)
        if endpoint == "static" or getattr(view, "public", False):
            return None
        return login_required(lambda: None)()


def public(view):
    """Mark a view as reachable without logging in."""
    view.public = True
    return view


def settings_permission_required(view):
    """The spec's "permission required" for Company Settings: company admins only."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.can_manage_settings:
            abort(403)
        return view(*args, **kwargs)

    return wrapper
