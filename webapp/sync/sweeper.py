"""Nothing a user asked for is silently lost: runs whose job vanished (Redis restarted, enqueue
failed) are enqueued again, and runs stuck past the timeout fail with a visible reason."""
from __future__ import annotations

from datetime import timedelta

from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import RunStatus, SyncRun
from webapp.models.base import utcnow
from webapp.queues import redis_connection
from webapp.sync import runs

GRACE = timedelta(seconds=30)  # a run just committed may not be enqueued yet


def _job_alive(job_id: str) -> bool:
    if not job_id:
        return False
    try:
        job = Job.fetch(job_id, connection=redis_connection())
    except NoSuchJobError:
        return False
    return job.get_status(refresh=True) in (JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED,
                                            JobStatus.DEFERRED)


def sweep() -> dict:
    requeued = failed = 0
    now = utcnow()
    stuck_before = runs.stuck_before()
    candidates = db.session.scalars(select(SyncRun).where(
        SyncRun.status.in_((RunStatus.queued, RunStatus.running)), SyncRun.backend == "online")).all()
    for run in candidates:
        started = run.started_at or run.created_at
        if run.status == RunStatus.running and started < stuck_before:
            runs.event(run, "The sync stopped answering and was given up after the timeout. Press Sync to try "
                            "again; records already sent are not sent twice.", level="error")
            runs.finish(run, RunStatus.failed, "Timed out.")
            failed += 1
            continue
        if run.created_at > now - GRACE or _job_alive(run.job_id):
            continue
        runs.event(run, "The queued job was lost (the queue restarted); queued again.", level="warning")
        if run.status == RunStatus.running:
            run.status = RunStatus.queued
            db.session.commit()
        runs.dispatch(run)
        requeued += 1
    return {"requeued": requeued, "failed": failed}
