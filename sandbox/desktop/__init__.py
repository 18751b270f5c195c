"""Simulated QuickBooks Desktop: a company file that answers qbXML, and a Web Connector client."""
