"""RQ jobs for sync runs (thin: ids in, the engine does the work)."""
from __future__ import annotations

from datetime import timedelta

from workers.context import app_context


def run_sync(run_id: int) -> str:
    with app_context():
        from webapp.quickbooks.online import inbound_runs
        from webapp.sync import engine

        try:
            return (inbound_runs.execute if inbound_runs.is_inbound(run_id) else engine.execute)(run_id)
        except Exception as exc:
            engine.fail_unexpected(run_id, exc)
            raise  # RQ records the job as failed, with the traceback, for the team


def enqueue(run, delay: timedelta | None = None) -> None:
    """Enqueue a run's job (deterministic job id per attempt, so the sweeper can tell if it vanished)."""
    from webapp.extensions import db
    from webapp.queues import get_queue

    queue = get_queue("imports" if run.kind in ("import", "cdc") else "sync")
    job_id = f"run-{run.id}-{run.attempts}"
    if delay and delay.total_seconds() > 0:
        job = queue.enqueue_in(delay, run_sync, run.id, job_id=job_id)
    else:
        job = queue.enqueue(run_sync, run.id, job_id=job_id)
    run.job_id = job.id
    db.session.commit()
