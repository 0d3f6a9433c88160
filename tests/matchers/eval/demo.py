"""The demo inbox as a second evaluation set: real file formats, read by the real readers.

``pipeline.demo.write_demo_inbox`` says what each file should prove (``DemoFile.proves``); a zip's
members inherit what the zip proves. The figures are counted over the files that prove sub-items:

- precision@1: the share whose best match is one of the sub-items it proves (no match counts wrong);
- recall@3: the share with one of them among the first three matches.

OCR-bound files (scans and photos, ``DemoFile.ocr_pages > 0``) can be left out, which keeps a test
run to seconds; the benchmark includes them, with the OCR cache in a persistent state folder.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline import stages
from pipeline.config import Config
from pipeline.demo import DemoFile, DemoManifest, write_demo_inbox
from pipeline.discover import discover
from pipeline.models import Evidence, Match


@dataclass(frozen=True)
class DemoCase:
    rel_path: str  # the evidence's own path ("…/资料.zip!/签到表.xlsx" for a zip member)
    file: DemoFile  # the manifest entry (the zip, for a member)
    matches: tuple[Match, ...]

    @property
    def expect(self) -> tuple[str, ...]:
        return self.file.sub_item_ids


@dataclass(frozen=True)
class DemoRun:
    manifest: DemoManifest
    cases: tuple[DemoCase, ...]  # every understood evidence of the manifest, zip records left out

    def positives(self) -> list[DemoCase]:
        return [c for c in self.cases if c.expect]


@dataclass(frozen=True)
class DemoFigures:
    precision_at_1: float
    recall_at_3: float
    positives: int
    misses: tuple[str, ...]  # rel paths without an expected sub-item in the first three


def run_demo(base: Path, *, ocr: bool = True, state: Path | None = None) -> DemoRun:
    """Write the demo inbox under ``base``, read it (without the OCR-bound files unless ``ocr``),
    understand it. ``state`` holds the OCR cache; reuse one across runs to make OCR reruns fast."""
    inbox = base / "inbox"
    config = Config(inbox=inbox, outbox=base / "outbox", state_dir=state or base / "state")
    manifest = write_demo_inbox(inbox)
    ws = stages.open_workspace(config)
    by_path = {f.rel_path: f for f in manifest.files}
    sources = [
        s
        for s in discover(inbox, ws.registry).files
        if s.rel_path in by_path and (ocr or by_path[s.rel_path].ocr_pages == 0)
    ]
    evidence = stages.read_batch(sources, stages.read_context(config))
    return DemoRun(manifest, tuple(_cases(evidence, stages.understand(evidence, ws), by_path)))


def _cases(
    evidence: Sequence[Evidence], understood: Sequence[stages.Understanding], by_path: dict[str, DemoFile]
) -> list[DemoCase]:
    matches = {u.sha256: tuple(m for m in u.matches if m.status != "suggested") for u in understood}
    cases: list[DemoCase] = []
    for ev in evidence:
        if ev.source.format == "zip":
            continue  # the bundle's record; its members are the evidence
        file = by_path.get(ev.source.rel_path) or by_path.get(ev.source.rel_path.split("!/", 1)[0])
        if file is not None:
            cases.append(DemoCase(ev.source.rel_path, file, matches.get(ev.source.sha256, ())))
    return cases


def demo_figures(run: DemoRun) -> DemoFigures:
    positives = run.positives()
    first = found = 0
    misses: list[str] = []
    for case in positives:
        ids = [m.sub_item_id for m in case.matches]
        first += bool(ids) and ids[0] in case.expect
        hit = any(i in case.expect for i in ids[:3])
        found += hit
        if not hit:
            misses.append(case.rel_path)
    n = len(positives)
    return DemoFigures(
        precision_at_1=first / n if n else 0.0,
        recall_at_3=found / n if n else 0.0,
        positives=n,
        misses=tuple(misses),
    )
