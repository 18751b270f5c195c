"""RQ job functions and the worker / scheduler entry points.

Jobs are thin: they take ids, build the app context, and call webapp.sync / webapp.quickbooks.
"""
