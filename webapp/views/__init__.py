"""One blueprint per area, registered with its url_prefix."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from webapp.views import (
        auth, bills, credit_memos, customers, dashboard, desktop, errors, invoices, lists, payments, profile, projects,
        quickbooks, settings, users, vendors,
    )
    from webapp.views import quickbooks_inbound

    app.register_blueprint(auth.bp)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(customers.bp, url_prefix="/customers")
    app.register_blueprint(projects.bp, url_prefix="/projects")
    app.register_blueprint(invoices.bp, url_prefix="/invoices")
    app.register_blueprint(payments.bp, url_prefix="/payments")
    app.register_blueprint(credit_memos.bp, url_prefix="/credit-memos")
    app.register_blueprint(bills.bp, url_prefix="/bills")
    app.register_blueprint(vendors.bp, url_prefix="/vendors")
    app.register_blueprint(lists.bp, url_prefix="/lists")
    app.register_blueprint(users.bp, url_prefix="/users")
    app.register_blueprint(profile.bp, url_prefix="/profile")
    app.register_blueprint(settings.bp, url_prefix="/settings")
    app.register_blueprint(quickbooks.bp, url_prefix="/quickbooks")
    app.register_blueprint(desktop.bp)  # /qbwc (the Web Connector) and /quickbooks/desktop
    app.register_blueprint(quickbooks_inbound.bp, url_prefix="/quickbooks")
    errors.init_app(app)
