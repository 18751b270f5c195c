"""RQ jobs for QuickBooks Desktop (thin: ids in, webapp.quickbooks.desktop does the work)."""
from __future__ import annotations

from workers.context import app_context


def process_message(message_id: int) -> str:
    """Apply QuickBooks' answers to one Web Connector message (stored by receiveResponseXML)."""
    with app_context():
        from webapp.quickbooks.desktop import results

        return results.process_message(message_id)


def enqueue_processing(message_id: int) -> None:
    from webapp.queues import get_queue

    # One job per message: a second enqueue (a retry after a lost job) replaces nothing and is harmless,
    # since processing an already processed message does nothing.
    get_queue("default").enqueue(process_message, message_id, job_id=f"qbwc-message-{message_id}")


def run_web_connectors() -> dict:
    """The simulated Web Connector's schedule under `make run` (see webapp.quickbooks.desktop.simulator)."""
    with app_context():
        from webapp.quickbooks.desktop import simulator

        return simulator.start_due_sessions()
