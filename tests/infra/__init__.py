"""Tests of infra/: the CLI, the local server, the OpenAPI document, the test clusters."""
