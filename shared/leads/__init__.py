"""Leads: intake, tagging and reverting, the owner's inbox and a lead's story."""
