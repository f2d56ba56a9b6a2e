"""The central store's HTTP API (/api/v1): an app factory and one router per area."""
