"""Tests of shared/prospects: scoring and outreach."""
