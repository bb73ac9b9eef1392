"""Scheduled work: reminders, digests, monthly reports, backups."""
