"""`python -m workers.scheduler`: periodic jobs with RQ's CronScheduler.

The periodic work itself lives in workers.periodic (thin jobs); this only says how often.
"""
from __future__ import annotations

import sys

from rq.cron import CronScheduler

from webapp import create_app
from webapp.queues import redis_connection
from workers import desktop_jobs, inbound_jobs, periodic

# (job, queue, seconds between runs)
SCHEDULE = [
    (periodic.sweep_runs, "default", 60),
    # Starts the simulated Web Connector for each Desktop company whose RunEveryNMinutes has passed.
    (desktop_jobs.run_web_connectors, "default", 60),
    # QuickBooks Online change feed (webhooks are only a trigger and may be lost).
    (inbound_jobs.catch_up_quickbooks, "default", 60),
]


def main() -> int:
    app = create_app()
    scheduler = CronScheduler(connection=redis_connection(app), name="contractors-cloud")
    for func, queue, interval in SCHEDULE:
        scheduler.register(func, queue, interval=interval)
    scheduler.start()
    return 0


if __name__ == "__main__":
    sys.exit(main())
