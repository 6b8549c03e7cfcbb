"""A message heard again is not encoded again, and gets exactly the same features."""

from __future__ import annotations

import time

import numpy as np

from bot.nlu import e5


def test_a_repeated_message_is_remembered_with_the_vector_it_had_alone():
    text = "mera paisa abhi tak nahi aya, kab aye ga? (cache test)"
    alone = e5.embed([text])[0]
    first = e5.embed_remembered(text)
    start = time.perf_counter()
    again = e5.embed_remembered(text)
    assert time.perf_counter() - start < 0.002  # a look-up, not a second encoding
    assert np.array_equal(first, alone)
    assert again is first


def test_the_memory_is_bounded(monkeypatch):
    monkeypatch.setattr(e5, "CACHE_SIZE", 3)
    for i in range(6):
        e5.embed_remembered(f"salam {i}")
    assert len(e5._cache) == 3
    assert "salam 5" in e5._cache and "salam 0" not in e5._cache
