"""Settings of the Web Connector service, read from the environment when the app is created
(the desktop blueprint applies them at registration; values given to create_app win)."""
from __future__ import annotations

from typing import Mapping


def from_environment(env: Mapping[str, str]) -> dict:
    def number(name: str, default: str) -> float:
        return float(env.get(name, default))

    settings = {
        # Requests per qbXML message.
        "QBWC_BATCH_SIZE": int(number("QBWC_BATCH_SIZE", "20")),
        # How long receiveResponseXML / sendRequestXML wait for the worker to apply an answer.
        "QBWC_PROCESSING_WAIT": number("QBWC_PROCESSING_WAIT", "5"),
        # A session silent this long no longer makes the company "busy"; its unanswered requests are recovered.
        "QBWC_IDLE_SECONDS": number("QBWC_IDLE_SECONDS", "300"),
        "QBWC_SESSION_MINUTES": int(number("QBWC_SESSION_MINUTES", "60")),
        # Backoff between attempts of a request QuickBooks answered with a lock error (3170-3180).
        "QBWC_RETRY_DELAYS": [float(x) for x in env.get("QBWC_RETRY_DELAYS", "5,30,120,600").split(",")],
        "QBWC_MAX_ATTEMPTS": int(number("QBWC_MAX_ATTEMPTS", "8")),
        # Incremental change queries run every session with work, and at least this often otherwise.
        "QBWC_POLL_MINUTES": number("QBWC_POLL_MINUTES", "60"),
    }
    if "QBWC_SIMULATOR" in env:
        settings["QBWC_SIMULATOR"] = env["QBWC_SIMULATOR"].lower() in ("1", "true", "yes", "on")
    return settings
