"""Periodic jobs run by the scheduler (each builds its own app context)."""
from __future__ import annotations

from workers.context import app_context


def sweep_runs() -> dict:
    """Re-enqueue sync runs whose job vanished and fail runs stuck past their timeout."""
    with app_context():
        from webapp.sync import sweeper

        return sweeper.sweep()
