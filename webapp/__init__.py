"""Contractors Cloud: the Flask application factory.

Nothing runs at import time: configuration is read from the environment inside create_app and every
extension and blueprint is bound there, so tests and workers build apps with the config they need.
"""
from __future__ import annotations

import os

from flask import Flask

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=os.environ.get("INSTANCE_PATH", os.path.join(ROOT, "instance")),
        template_folder=os.path.join(ROOT, "templates"),
        static_folder=os.path.join(ROOT, "static"),
    )
    from webapp.config import from_environment

    app.config.update(from_environment(app.instance_path))
    if config:
        app.config.update(config)

    from webapp import extensions, models  # noqa: F401  (models registers every table)

    extensions.db.init_app(app)
    extensions.migrate.init_app(app, extensions.db, directory=os.path.join(ROOT, "migrations"),
                                render_as_batch=True, compare_type=True)
    extensions.csrf.init_app(app)
    extensions.htmx.init_app(app)

    from webapp import auth, cli, database, templating, views
    from webapp.quickbooks import panels
    from webapp.quickbooks.online import inbound_panels, oauth
    from webapp.sync import triggers

    database.init_app(app)
    auth.init_app(app)
    templating.init_app(app)
    oauth.init_app(app)
    panels.init_app(app)
    inbound_panels.init_app(app)
    triggers.init_app(app)
    views.init_app(app)
    cli.init_app(app)
    return app
