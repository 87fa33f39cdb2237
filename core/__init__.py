"""The trunk: settings, database engine and tables, migrations, errors. Imports nothing of ours."""
