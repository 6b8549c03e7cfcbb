"""Payment points: the registry's list, and the point a complaint names, however spelled.

A complaint names its retailer, agent or campsite as the citizen says it: "madina karyana
alipur", "مدینہ کریانہ سٹور", "Madina Kiryana Store, Alipur". Each name is reduced to the
sound skeletons of its words (bot/patterns/phonetic.py, after the Roman Urdu folding of
bot/nlu/roman.py) and compared with rapidfuzz; words any shop has ("store", "general",
"campsite") and place names do not tell points apart and are left out. A name that matches
no point of the registry is kept as a point of its own, so later complaints with the same
name group with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Dict, FrozenSet, Iterable, List, Optional, Sequence, Tuple

from rapidfuzz import fuzz
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.core.masking import mask_text
from bot.nlu.roman import fold_roman
from bot.patterns.causes import Taxonomy
from bot.patterns.models import SOURCE_COMPLAINT, SOURCE_REGISTRY, PaymentPoint
from bot.patterns.phonetic import skeleton, words
from bot.registry.models import Household, Instalment, Person

# Skeletons this short ("mdn") must be equal; longer ones may differ by a letter or so.
FUZZY_FROM = 4


def keys(text: str) -> List[str]:
    """Skeletons of the words of `text`, Roman words folded first."""
    out = []
    for word in words(text):
        key = skeleton(fold_roman(word) if word.isascii() else word)
        if key:
            out.append(key)
    return out


@dataclass(frozen=True)
class Name:
    """What a name says: the words that tell the point apart, and the place it names."""

    distinct: Tuple[str, ...]
    place: str  # the skeleton of the place after the last comma, joined ("lpr")


def parse_name(name: str, ignore: FrozenSet[str]) -> Name:
    parts = [p.strip() for p in (name or "").split(",") if p.strip()]
    shop, place = (", ".join(parts[:-1]), parts[-1]) if len(parts) > 1 else (name, "")
    distinct = tuple(k for k in keys(shop) if k not in ignore)
    return Name(distinct, "".join(keys(place)))


@dataclass(frozen=True)
class Said:
    """A complaint's words as skeletons, with each pair of neighbours joined: Urdu writes
    "علی پور" as two words where Roman writes "alipur" as one."""

    single: Tuple[str, ...]
    joined: Tuple[str, ...]

    @classmethod
    def of(cls, text: str) -> Said:
        single = tuple(keys(text))
        return cls(single, tuple(a + b for a, b in zip(single, single[1:], strict=False)))

    def has(self, key: str, min_score: float) -> bool:
        if not key:
            return False
        if key in self.single or key in self.joined:
            return True
        if len(key) < FUZZY_FROM:
            return False
        return any(
            fuzz.ratio(key, said) >= min_score
            for said in (*self.single, *self.joined)
            if abs(len(said) - len(key)) <= 2
        )


def ignored_keys(taxonomy: Taxonomy, places: Iterable[str]) -> FrozenSet[str]:
    """Skeletons of the generic words and of the district's place names."""
    ignore = {k for w in taxonomy.generic_point_words for k in keys(w)}
    for place in places:
        ignore.update(keys(place))
        ignore.add("".join(keys(place)))
    return frozenset(ignore)


def score(name: Name, said: Said, min_score: float) -> float:
    """Share of the distinctive words said (0 unless the first one is)."""
    if not name.distinct or not said.has(name.distinct[0], min_score):
        return 0.0
    found = sum(1 for key in name.distinct if said.has(key, min_score))
    return found / len(name.distinct)


def best_point(
    points: Sequence[PaymentPoint],
    text: str,
    ignore: FrozenSet[str],
    tehsil: Optional[str],
    min_score: float,
) -> Optional[PaymentPoint]:
    """The one point `text` names, or None when it names none or cannot tell two apart."""
    said = Said.of(text)
    ranked = []
    for point in points:
        share = score(parse_name(point.name, ignore), said, min_score)
        if share < 0.5:
            continue
        place = parse_name(point.name, frozenset()).place or "".join(keys(point.tehsil or ""))
        named_place = bool(place) and said.has(place, min_score)
        same_tehsil = bool(tehsil) and (point.tehsil or "").lower() == tehsil.lower()
        registry = point.source == SOURCE_REGISTRY
        ranked.append(((share, named_place, same_tehsil, registry), point))
    if not ranked:
        return None
    ranked.sort(key=lambda item: item[0], reverse=True)
    if len(ranked) > 1 and ranked[0][0] == ranked[1][0]:
        return None  # two points fit equally well: asking staff beats guessing
    return ranked[0][1]


def names_a_point(text: str, ignore: FrozenSet[str]) -> bool:
    """True when `text` has a word that could tell a point apart (not just "Alipur bazaar")."""
    return bool(parse_name(text.replace(",", " "), ignore).distinct)


def points_near(session: Session, district: Optional[str]) -> List[PaymentPoint]:
    """The points of a district (every point when the district is not known)."""
    query = select(PaymentPoint)
    if district:
        query = query.where(PaymentPoint.district == district)
    return list(session.execute(query.order_by(PaymentPoint.id)).scalars())


def new_complaint_point(
    session: Session, text: str, district: Optional[str], tehsil: Optional[str], now: datetime
) -> PaymentPoint:
    """Keep a name no registry point matched, for later complaints to group with."""
    point = PaymentPoint(
        name=" ".join(mask_text(text).split())[:200],
        bank=None,
        district=district,
        tehsil=tehsil,
        source=SOURCE_COMPLAINT,
        created_at=now,
    )
    session.add(point)
    session.flush()
    return point


def refresh_registry_points(session: Session, now: datetime) -> int:
    """Add the payment points the registry's instalments name and the table lacks.

    A point is its name in its district; the partner bank is the one most of its
    instalments went through (a retailer is one bank's agent, the registry may disagree).
    """
    rows = session.execute(
        select(
            Instalment.agent, Household.district, Household.tehsil, Instalment.bank, func.count()
        )
        .join(Person, Person.id == Instalment.person_id)
        .join(Household, Household.id == Person.household_id)
        .where(Instalment.agent.is_not(None))
        .group_by(Instalment.agent, Household.district, Household.tehsil, Instalment.bank)
    ).all()
    best: Dict[Tuple[str, str], Tuple[int, Optional[str], Optional[str]]] = {}
    for agent, district, tehsil, bank, n in rows:
        key = (agent, district)
        if key not in best or (n, bank or "") > (best[key][0], best[key][1] or ""):
            best[key] = (int(n), bank, tehsil)
    known = set(
        session.execute(
            select(PaymentPoint.name, PaymentPoint.district).where(
                PaymentPoint.source == SOURCE_REGISTRY
            )
        ).all()
    )
    added = 0
    for (agent, district), (_, bank, tehsil) in sorted(best.items()):
        if (agent, district) in known:
            continue
        session.add(
            PaymentPoint(
                name=agent,
                bank=bank,
                district=district,
                tehsil=tehsil,
                source=SOURCE_REGISTRY,
                created_at=now,
            )
        )
        added += 1
    session.flush()
    return added


def has_registry_points(session: Session) -> bool:
    return (
        session.execute(
            select(PaymentPoint.id).where(PaymentPoint.source == SOURCE_REGISTRY).limit(1)
        ).first()
        is not None
    )
