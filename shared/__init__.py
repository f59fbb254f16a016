"""Avenir's thin data package: settings, database, HTTP plumbing and the domain modules every function imports."""
