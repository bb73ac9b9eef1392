"""Workforce and supervision compliance tracker: domain, rules and data."""
