"""Infrastructure every process shares: settings, database, migrations, log masking, identifiers."""
