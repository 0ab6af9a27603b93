"""Reliability and security: faults, bad input, hostile queries and labels, load (`pytest -m reliability`)."""
