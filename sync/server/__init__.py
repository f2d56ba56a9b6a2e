"""The central store: where debriefs from every rep meet (see its own issue)."""
