"""Production stack on one host: PostgreSQL, Redis, Rasa and action replicas behind nginx."""
