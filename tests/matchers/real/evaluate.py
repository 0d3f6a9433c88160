"""Matching figures on the real corpus, from real files through the real readers.

``read_real`` writes the documents as files (``render.build_inbox``) and reads them with the
pipeline's readers (OCR for scans and photos; the OCR cache lives in ``state``, so a second run is
quick); ``score_real`` understands what was read with a workspace, as a run does. The figures,
counted over matches (confident or 待确认, never the below-threshold suggestions):

- precision@1: of the documents that got a match, the share whose best match is one of its labels
  (a NONE document that got a match counts against it);
- recall@3 (all labels): the labels found among the first three matches, over all labels, a
  document with more than three labels counting three;
- any@3: the share of labelled documents with any of their labels in the first three;
- negatives clean: the share of NONE documents with no match at all.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from matchers.subitems import EvidenceView, scoring_text
from pipeline import stages
from pipeline.config import Config
from pipeline.discover import discover
from pipeline.models import Evidence, Example, Match
from tests.matchers.real.corpus import RealDoc
from tests.matchers.real.render import Placed, build_inbox

COUNTED = ("confident", "review", "manual")


@dataclass(frozen=True)
class ReadDoc:
    placed: Placed
    evidence: Evidence


@dataclass(frozen=True)
class RealCase:
    placed: Placed
    matches: tuple[Match, ...]  # counted matches, best first
    suggestions: tuple[Match, ...] = ()  # below the threshold, shown for a person to pick from

    @property
    def doc(self) -> RealDoc:
        return self.placed.doc

    @property
    def top(self) -> tuple[str, ...]:
        return tuple(m.sub_item_id for m in self.matches)


@dataclass(frozen=True)
class RealFigures:
    documents: int
    positives: int
    negatives: int
    answered: int
    precision_at_1: float
    recall_at_3: float
    any_at_3: float
    negatives_clean: float


def config_for(base: Path, state: Path | None = None, **values: object) -> Config:
    return Config(inbox=base / "inbox", outbox=base / "outbox", state_dir=state or base / "state", **values)  # type: ignore[arg-type]


def read_real(
    docs: Sequence[RealDoc],
    base: Path,
    *,
    state: Path | None = None,
    unknown_folder: bool = False,
    ocr: bool = True,
) -> list[ReadDoc]:
    config = config_for(base, state)
    placed = build_inbox(docs, config.inbox, unknown_folder=unknown_folder, ocr=ocr)
    ws = stages.open_workspace(config)
    sources = discover(config.inbox, ws.registry).files
    evidence = stages.read_batch(sources, stages.read_context(config))
    stages.release_readers()
    by_path = {e.source.rel_path: e for e in evidence}
    return [ReadDoc(p, by_path[p.rel_path]) for p in placed]


def score_real(read: Sequence[ReadDoc], ws: stages.Workspace) -> list[RealCase]:
    done = {u.sha256: u.matches for u in stages.understand([r.evidence for r in read], ws)}
    cases: list[RealCase] = []
    for r in read:
        matches = done.get(r.evidence.source.sha256, ())
        cases.append(
            RealCase(
                r.placed,
                tuple(m for m in matches if m.status in COUNTED),
                tuple(m for m in matches if m.status == "suggested"),
            )
        )
    return cases


def figures(cases: Sequence[RealCase]) -> RealFigures:
    answered = correct = positives = any3 = neg = clean = 0
    found = wanted = 0
    for case in cases:
        labels = case.doc.labels
        top = case.top
        if top:
            answered += 1
            correct += top[0] in labels
        if labels:
            positives += 1
            hits = sum(1 for x in labels if x in top[:3])
            found += min(hits, 3)
            wanted += min(len(labels), 3)
            any3 += hits > 0
        else:
            neg += 1
            clean += not top
    return RealFigures(
        documents=len(cases),
        positives=positives,
        negatives=neg,
        answered=answered,
        precision_at_1=correct / answered if answered else 0.0,
        recall_at_3=found / wanted if wanted else 0.0,
        any_at_3=any3 / positives if positives else 0.0,
        negatives_clean=clean / neg if neg else 0.0,
    )


def without_reference(ws: stages.Workspace) -> stages.Workspace:
    """The workspace of an office that turned the bundled reference examples off: what the matcher
    does zero-shot, and where an office's own confirmations start from."""
    return stages.with_examples(replace(ws, reference=()), ())


def examples_from(read: Sequence[ReadDoc], ws: stages.Workspace) -> list[Example]:
    """The documents as if the office had confirmed each with its corpus labels (``evidence assign``)."""
    done = {u.sha256: u for u in stages.understand([r.evidence for r in read], ws)}
    out: list[Example] = []
    for r in read:
        u = done.get(r.evidence.source.sha256)
        if u is None:  # nothing read (a problem file): nothing the office could have confirmed
            continue
        view = EvidenceView(r.placed.rel_path, None, r.evidence.text, u.facts)
        out.append(Example(u.sha256, r.placed.doc.labels, scoring_text(view), "assign", r.placed.rel_path))
    return out


def learning_curve(
    tune: Sequence[ReadDoc],
    test: Sequence[ReadDoc],
    ws: stages.Workspace,
    sizes: Sequence[int],
    seeds: int = 5,
) -> dict[int, list[RealFigures]]:
    """Figures on ``test`` after the office confirmed ``n`` files drawn from ``tune`` (labelled ones and
    NONE alike, as they come), for each ``n`` and each of ``seeds`` draws. Without the reference
    examples: they are the ``tune`` documents themselves, which would then count twice."""
    ws = without_reference(ws)
    pool = list(tune)
    everything = examples_from(pool, ws)
    out: dict[int, list[RealFigures]] = {}
    for n in sizes:
        out[n] = []
        for seed in range(seeds):
            chosen = random.Random(1000 * n + seed).sample(range(len(pool)), min(n, len(pool)))
            learnt = stages.with_examples(ws, [everything[i] for i in chosen])
            out[n].append(figures(score_real(test, learnt)))
    return out
