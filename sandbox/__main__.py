"""`python -m sandbox <kind> ...`: run a simulated QuickBooks.

    python -m sandbox online --port 5055 [--host 127.0.0.1] [--db PATH] [--reset]
    python -m sandbox desktop ...      same as `python -m sandbox.desktop ...`

Each kind is a subcommand; `desktop` hands its arguments to `sandbox.desktop`'s own command line.
"""
from __future__ import annotations

import argparse
import os
import signal
import sys


def run_online(args: argparse.Namespace) -> int:
    from werkzeug.serving import make_server

    from sandbox.online import create_app
    from sandbox.online.oauth import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET

    client_id = args.client_id or os.environ.get("QBO_SANDBOX_CLIENT_ID") or DEFAULT_CLIENT_ID
    client_secret = args.client_secret or os.environ.get("QBO_SANDBOX_CLIENT_SECRET") or DEFAULT_CLIENT_SECRET
    os.makedirs(os.path.dirname(os.path.abspath(args.db)), exist_ok=True)
    app = create_app(args.db, reset=args.reset, client_id=client_id, client_secret=client_secret,
                     rate_limits=not args.no_rate_limits, webhook_url=args.webhook_url,
                     webhook_verifier=args.webhook_verifier)
    sandbox = app.extensions["qbo_sandbox"]
    server = make_server(args.host, args.port, app, threaded=True)
    base = f"http://{args.host}:{server.server_port}"
    print(f"QuickBooks Online sandbox at {base}", flush=True)
    print(f"  API base (python-quickbooks api_url_v3): {base}/v3", flush=True)
    print(f"  OpenID discovery: {base}/.well-known/openid_configuration/", flush=True)
    print(f"  OAuth client: client_id={client_id} client_secret={client_secret}", flush=True)
    print(f"  Database: {os.path.abspath(args.db)}", flush=True)
    print("  Companies (realm id, name, developer access token):", flush=True)
    for realm in sandbox.store.realms():
        print(f"    {realm['realm_id']}  {realm['name']}\n      token: {sandbox.dev_token(realm['realm_id'])}",
              flush=True)
    def stop(signum, frame):  # honcho and friends send SIGTERM: close the file and the webhook thread cleanly
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        sandbox.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description="Simulated QuickBooks")
    kinds = parser.add_subparsers(dest="kind", required=True)
    online = kinds.add_parser("online", help="QuickBooks Online v3 API + Intuit OAuth 2.0 server")
    online.add_argument("--port", type=int, default=5055)
    online.add_argument("--host", default="127.0.0.1")
    online.add_argument("--db", default=os.path.join("instance", "qbo-sandbox.sqlite"))
    online.add_argument("--reset", action="store_true", help="wipe the database and reseed the companies")
    online.add_argument("--client-id", help="OAuth client id (env QBO_SANDBOX_CLIENT_ID)")
    online.add_argument("--client-secret", help="OAuth client secret (env QBO_SANDBOX_CLIENT_SECRET)")
    online.add_argument("--no-rate-limits", action="store_true", help="turn Intuit's throttles off")
    online.add_argument("--webhook-url", default=os.environ.get("QBO_SANDBOX_WEBHOOK_URL"),
                        help="send every company's webhooks here (env QBO_SANDBOX_WEBHOOK_URL)")
    online.add_argument("--webhook-verifier", default=os.environ.get("QBO_SANDBOX_WEBHOOK_VERIFIER"),
                        help="verifier token that signs them (default cc-sandbox-verifier)")
    online.set_defaults(run=run_online)
    kinds.add_parser("desktop", help="QuickBooks Desktop simulator: python -m sandbox desktop -h")
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["desktop"]:
        # The desktop simulator owns its command line; hand it everything after the kind.
        from sandbox.desktop.__main__ import main as desktop_main

        return desktop_main(argv[1:])
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
