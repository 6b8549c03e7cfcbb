"""Which district a sentence names, by the district or one of its tehsils."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Dict, Optional, Tuple

from bot.core.districts import District, find_district, load_districts


@lru_cache(maxsize=1)
def _place_names() -> Tuple[Tuple[Tuple[str, ...], str], ...]:
    """(folded words of a name, district) for every district name and tehsil, longest
    first. Left out: a name two districts share, and a one-word name that is short or an
    everyday word ("kahan" is a tehsil of Gilgit and the word for "where"); the NLU's
    district entity finds those where they are meant."""
    from bot.nlu.extract import common_words

    everyday = common_words()
    owners: Dict[Tuple[str, ...], set] = {}
    for d in load_districts():
        for name in (d.name, *d.tehsils):
            words = tuple(_fold(w) for w in name.split() if _fold(w))
            if len(words) == 1 and (len(words[0]) < 5 or words[0] in everyday):
                continue
            if words:
                owners.setdefault(words, set()).add(d.name)
    unique = [(words, next(iter(names))) for words, names in owners.items() if len(names) == 1]
    return tuple(sorted(unique, key=lambda pair: -len(pair[0])))


def _fold(word: str) -> str:
    return re.sub(r"[^\w\u0600-\u06ff]+", "", (word or "").lower())


def district_in_text(text: str) -> Optional[District]:
    """The district a sentence names, by the district or one of its tehsils ("Madina shop
    in Alipur" is in Muzaffargarh), or None when it names none or several."""

    words = [_fold(w) for w in (text or "").split()]
    found: set = set()
    taken: set = set()
    for name, district in _place_names():
        n = len(name)
        for i in range(len(words) - n + 1):
            span = set(range(i, i + n))
            if tuple(words[i : i + n]) == name and not taken & span:
                found.add(district)
                taken |= span
    return find_district(found.pop()) if len(found) == 1 else None
