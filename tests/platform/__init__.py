"""Tests of shared/platform: the database layer, HTTP for both runtimes, settings, SQL files, schema, faults, logs."""
