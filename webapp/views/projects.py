from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("projects", __name__)


@bp.route("/")
def index():
    return render_template("errors/error.html", code=200, title="projects", message="Coming soon.")


@bp.route("/new")
def new():
    return index()


@bp.route("/<int:project_id>")
def show(project_id):
    return index()
