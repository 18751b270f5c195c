"""`python -m workers.worker`: an RQ worker with the Flask app context pushed.

Jobs run in a forked child, which inherits the pushed context; each job still opens its own database
session (the engine is disposed after fork so no connection is shared between processes).
"""
from __future__ import annotations

import logging
import sys

from rq import Worker

from webapp import create_app
from webapp.queues import WORKER_QUEUES, get_queue, redis_connection


class JobIdFilter(logging.Filter):
    """Stamp every log line with the current RQ job id, so a sync run's lines can be found."""

    def filter(self, record: logging.LogRecord) -> bool:
        from rq import get_current_job

        job = get_current_job()
        record.job_id = job.id if job else "-"
        return True


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    burst = "--burst" in argv
    names = [a for a in argv if not a.startswith("--")] or WORKER_QUEUES
    app = create_app()
    handler = logging.StreamHandler()
    handler.addFilter(JobIdFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [job %(job_id)s] %(name)s: %(message)s"))
    logging.getLogger("webapp").addHandler(handler)
    logging.getLogger("webapp").setLevel(logging.INFO)
    with app.app_context():
        worker = Worker([get_queue(n, app) for n in names], connection=redis_connection(app))
        worker.work(burst=burst, with_scheduler=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
