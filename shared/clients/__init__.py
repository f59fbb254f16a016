"""Clients: their accounts and API keys, owner sessions, the settings an owner changes."""
