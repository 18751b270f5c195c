"""QuickBooks backends: Online (REST + OAuth 2.0) and Desktop (Web Connector + qbXML)."""
