"""Tests of shared/clients: API keys and rotation, owner sessions, the client's settings."""
