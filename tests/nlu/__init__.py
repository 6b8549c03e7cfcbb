"""Tests for bot.nlu."""
