"""The benchmark's inbox generator still makes files the readers take (the benchmark itself is not a test)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from PIL import Image

from benchmarks.generate import change, main, plan
from pipeline.config import Limits
from pipeline.departments import load_departments
from pipeline.discover import discover
from pipeline.readers import ReadContext, read_evidence
from pipeline.readers.archive import expand_zip

ROOT = Path(__file__).resolve().parents[1]


def test_generated_inbox_is_readable_and_varied(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    assert main([str(inbox), "--files", "20", "--seed", "3", "--workers", "1"]) == 0

    files = discover(inbox, load_departments(ROOT / "departments.toml")).files
    assert len(files) == 20
    assert all(f.department for f in files), "every folder is a department of the registry"
    assert Counter(f.format for f in files)["docx"] == 8  # 40 % of 20

    ctx = ReadContext(limits=Limits(), scratch=tmp_path / "scratch")
    texts: list[str] = []
    for f in files:
        if f.format == "image":  # textless photos: OCR would only find nothing, slowly
            with Image.open(f.path) as image:
                image.verify()
            continue
        members = expand_zip(f, ctx.scratch, ctx.limits)[0] if f.format == "zip" else [f]
        assert members
        for member in members:
            evidence = read_evidence(member, ctx)
            assert not evidence.problems and evidence.text.strip(), member.rel_path
            texts.append(evidence.text)
    assert len(set(texts)) == len(texts), "no two documents have the same content"
    assert len({f.sha256 for f in files}) == len(files)

    before = {f.rel_path: f.sha256 for f in files}
    changed = change(inbox, plan(20, seed=3), 0.1, seed=9)
    after = {f.rel_path: f.sha256 for f in discover(inbox, load_departments(ROOT / "departments.toml")).files}
    assert {p for p in before if before[p] != after[p]} == {s.rel_path for s in changed}
