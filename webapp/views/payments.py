from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("payments", __name__)


@bp.route("/")
def index():
    return render_template("errors/error.html", code=200, title="payments", message="Coming soon.")
