"""Simulated QuickBooks for development, demos and tests.

`sandbox.online` is a local QuickBooks Online v3 API + Intuit OAuth 2.0 server; `sandbox.desktop`
(another package) simulates QuickBooks Desktop. Run either with `python -m sandbox <kind> ...`.
"""
