"""What every part stands on: settings, the database connection and its transactions, HTTP for both
runtimes (parsing, errors, authentication), logs, SQL files, migrations."""
