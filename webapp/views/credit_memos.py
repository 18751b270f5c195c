from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("credit_memos", __name__)


@bp.route("/")
def index():
    return render_template("errors/error.html", code=200, title="credit_memos", message="Coming soon.")
