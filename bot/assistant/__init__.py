"""Conversation services: what the assistant says for each flow, without Rasa."""
