"""PostgreSQL and Redis servers for tests, started from Debian packages (owned by the tickets work)."""
