"""The sync engine: pushes debriefs and pulls config over HTTP (requests, no Qt)."""
