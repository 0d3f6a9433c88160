"""How real documents say what the rubric says: a domain lexicon (``matchers/data/lexicon.toml``).

The rubric writes "领导班子成员调研检查安全生产工作"; a county news item writes "副县长带队开展节前安全
检查". Each concept of the lexicon pairs a phrase of the rubric with the ways documents say it. A
variant found in a document adds the rubric's phrase to what the scorer reads (so the similarity and
the shared-terms signals see the rubric's own words) and gives the sub-items whose text holds that
phrase a reason a person can check: "“副县长带队”即细则所说的“领导班子成员…调研检查”".

The lexicon was written from the tuning half of the real corpus (``tests/matchers/real``), never
from the half the figures are reported on; a test checks every rubric phrase is in the bundled rubric.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from matchers.text import fold

__all__ = ["Concept", "Lexicon", "Mention", "load_lexicon"]


@dataclass(frozen=True)
class Concept:
    rubric: str  # the rubric's phrase, folded; what the variants mean
    variants: tuple[str, ...]  # folded
    # the concept holds only if, of each group, one word also occurs (安全 for 常务会议)
    requires: tuple[tuple[str, ...], ...] = ()
    # nor when one of these occurs (a 挂牌督办 of an accident's investigation is not a hidden danger's)
    unless: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mention:
    """A concept a document expresses: the variant first found, how often and where it is said
    (once, deep in a long text, is a passing mention rather than the document's subject)."""

    concept: int
    variant: str
    count: int = 1
    first: int = 0


@dataclass(frozen=True)
class Lexicon:
    concepts: tuple[Concept, ...]
    pattern: re.Pattern[str] | None
    owner: dict[str, tuple[int, ...]]  # variant → concepts

    def find(self, folded: str) -> list[Mention]:
        """Every concept a variant of which occurs in ``folded``, in concept order; variants are
        matched longest first and never overlap (应急预案 is one mention, not also one of 预案)."""
        if self.pattern is None:
            return []
        found: dict[int, Mention] = {}
        for m in self.pattern.finditer(folded):
            for c in self.owner[m.group()]:
                seen = found.get(c)
                found[c] = (
                    Mention(c, m.group(), 1, m.start())
                    if seen is None
                    else Mention(c, seen.variant, seen.count + 1, seen.first)
                )
        out = []
        for c, mention in sorted(found.items()):
            concept = self.concepts[c]
            if all(any(r in folded for r in group) for group in concept.requires) and not any(
                u in folded for u in concept.unless
            ):
                out.append(mention)
        return out


def _groups(raw: list[str] | list[list[str]]) -> tuple[tuple[str, ...], ...]:
    """``["安全"]`` is one group; ``[["县长", "副县长"], ["检查", "调研"]]`` needs a word of each."""
    if raw and all(isinstance(r, str) for r in raw):
        return (tuple(fold(str(r)) for r in raw),)
    return tuple(tuple(fold(r) for r in group) for group in raw if group)


def parse_lexicon(text: str) -> Lexicon:
    data = tomllib.loads(text)
    concepts: list[Concept] = []
    owner: dict[str, list[int]] = {}
    for raw in data.get("concept", []):
        concept = Concept(
            rubric=fold(raw["rubric"]),
            variants=tuple(dict.fromkeys(fold(v) for v in raw["variants"] if v.strip())),
            requires=_groups(raw.get("requires", [])),
            unless=tuple(fold(u) for u in raw.get("unless", [])),
        )
        concepts.append(concept)
        for v in concept.variants:
            owner.setdefault(v, []).append(len(concepts) - 1)
    variants = sorted(owner, key=len, reverse=True)
    pattern = re.compile("|".join(map(re.escape, variants))) if variants else None
    return Lexicon(tuple(concepts), pattern, {k: tuple(v) for k, v in owner.items()})


@cache
def load_lexicon() -> Lexicon:
    return parse_lexicon(
        resources.files("matchers").joinpath("data/lexicon.toml").read_text(encoding="utf-8")
    )
