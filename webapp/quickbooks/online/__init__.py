"""QuickBooks Online: OAuth connections, the API client, push, import, webhooks and CDC."""
