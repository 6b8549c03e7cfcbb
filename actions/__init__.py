"""Thin rasa-sdk actions: read slots, call services in bot/, reply with domain responses."""
