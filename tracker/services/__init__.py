"""Writes (validate, run in a transaction, record one audit event) and the reads that return dataclasses.

Every writer takes `actor`: who did it ("cli", "import:people.csv", "user:alice@example.org").
The UI, the importers and the command line all write through these modules.
"""
