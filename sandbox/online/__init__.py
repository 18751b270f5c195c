"""A local QuickBooks Online v3 API + Intuit OAuth 2.0 server for development, demos and tests.

    from sandbox.online import create_app            # WSGI app
    from sandbox.online.testing import start_sandbox  # real HTTP server in a thread
    from sandbox.online.control import SandboxControl  # client for /_sandbox
    from sandbox.online.seed import SMALL_REALM_ID, LARGE_REALM_ID
"""
from .app import create_app

__all__ = ["create_app"]
