"""Local-run and operator pieces: the `avenir` command, the embedded PostgreSQL, the local server."""
