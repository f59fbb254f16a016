"""Tests of shared/leads and its functions: intake, tagging and reverting, the inbox."""
