"""Every read: loads records, calls the rules, returns dataclasses for a page, report, export, the API or a job."""
