from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError


def init_app(app: Flask) -> None:
    @app.errorhandler(403)
    def forbidden(_e):
        return render_template("errors/error.html", code=403, title="Not allowed",
                               message="You do not have permission to do that. Ask a company admin."), 403

    @app.errorhandler(404)
    def not_found(_e):
        return render_template("errors/error.html", code=404, title="Not found",
                               message="That page or record does not exist."), 404

    @app.errorhandler(CSRFError)
    def csrf_error(e):
        return render_template("errors/error.html", code=400, title="Form expired",
                               message="The form was missing its security token or it expired. "
                                       "Reload the page and try again."), 400
