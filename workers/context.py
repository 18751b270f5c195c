"""An app context for job functions, reusing the worker's app when one is already pushed."""
from __future__ import annotations

from contextlib import contextmanager

from flask import current_app, has_app_context


@contextmanager
def app_context():
    if has_app_context():
        yield current_app
        return
    from webapp import create_app

    app = create_app()
    with app.app_context():
        yield app
