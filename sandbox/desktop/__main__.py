"""Command line for the simulated QuickBooks Desktop side (the lead wires the same functions to
``flask sandbox webconnector run`` and the Procfile scheduler).

    python -m sandbox.desktop run --qwc company.qwc --company instance/qbd/demo.sqlite
    python -m sandbox.desktop schedule --qwc company.qwc --company instance/qbd/demo.sqlite
    python -m sandbox.desktop reset --company instance/qbd/demo.sqlite
    python -m sandbox.desktop fault --company ... --kind lock --count 2

The Web Connector password comes from QBWC_PASSWORD, never from argv (argv is visible to every
user of the machine).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading

from .company import FAULT_KINDS, DesktopCompany
from .webconnector import run_on_schedule, run_session


def _password() -> str:
    password = os.environ.get("QBWC_PASSWORD")
    if not password:
        sys.exit("set QBWC_PASSWORD to the Web Connector password of the company")
    return password


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sandbox.desktop")
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("run", "schedule"):
        command = commands.add_parser(name)
        command.add_argument("--qwc", required=True)
        command.add_argument("--company", required=True)
        command.add_argument("--json", action="store_true")
    reset = commands.add_parser("reset")
    reset.add_argument("--company", required=True)
    fault = commands.add_parser("fault")
    fault.add_argument("--company", required=True)
    fault.add_argument("--kind", choices=FAULT_KINDS, required=True)
    fault.add_argument("--count", type=int, default=1)
    fault.add_argument("--status-code", type=int)
    args = parser.parse_args(argv)

    company = DesktopCompany(args.company)
    if args.command == "reset":
        company.reset()
        return 0
    if args.command == "fault":
        company.inject_fault(args.kind, args.count, status_code=args.status_code)
        return 0

    def show(report) -> None:
        print(json.dumps(report.to_dict(), default=str) if args.json else report.summary(), flush=True)

    if args.command == "run":
        report = run_session(args.qwc, _password(), company)
        show(report)
        return 0 if report.ok else 1
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        run_on_schedule(args.qwc, _password(), company, stop, on_report=show)
    except KeyboardInterrupt:
        stop.set()
    return 0


if __name__ == "__main__":
    sys.exit(main())
