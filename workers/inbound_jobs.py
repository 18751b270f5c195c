"""Periodic QuickBooks Online catch-up (thin: the work is in webapp.quickbooks.online.cdc)."""
from __future__ import annotations

from workers.context import app_context


def catch_up_quickbooks() -> int:
    """Start a CDC run for every company connected to QuickBooks Online (one active per company);
    once a day the run sweeps the last day whatever the high-water mark says."""
    with app_context():
        from sqlalchemy import select

        from webapp.extensions import db
        from webapp.models import ConnectionStatus, QuickBooksSettings, QuickBooksType
        from webapp.quickbooks.online import cdc
        from webapp.sync import runs

        started = 0
        for settings in db.session.scalars(select(QuickBooksSettings).where(
                QuickBooksSettings.enabled.is_(True), QuickBooksSettings.quickbooks_type == QuickBooksType.online,
                QuickBooksSettings.realm_id != "")).all():
            if settings.connection is None or settings.connection.status != ConnectionStatus.connected:
                continue
            sweep = cdc.sweep_due(settings.company_id, settings.realm_id)
            label = "QuickBooks daily sweep" if sweep else "QuickBooks changes"
            started += runs.start(settings.company_id, "cdc", "cdc", None, label,
                                  options={"sweep": sweep, "trigger": "schedule"}).created
        return started
