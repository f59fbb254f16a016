"""Prospects: scoring their answers to a test inquiry, and the outreach to the neediest."""
