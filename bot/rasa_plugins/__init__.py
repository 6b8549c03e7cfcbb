"""Rasa plug-ins: NLG, tracker and lock stores, action fallback, endpoints and credentials writers."""
