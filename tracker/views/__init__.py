"""Every read: load records, call the rules (tracker.compliance), return plain dataclasses for a page, a report,
an export, the API or a job. Nothing here writes (writes live in tracker.services)."""
