"""Issue 7 §5: the rubric reader on arbitrary and damaged text either gives a Rubric or raises RubricError.

Anything else (IndexError, ValueError, a KeyError from a half-parsed row…) would reach the office as a
traceback from ``evidence rubric check`` instead of a Chinese message naming the problem.
"""

from __future__ import annotations

import random
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.departments import DepartmentRegistry, bundled_departments_path, load_departments
from pipeline.errors import RubricError
from pipeline.models import Rubric
from pipeline.rubric import _clean, bundled_rubric_path, read_rubric

REAL = bundled_rubric_path().read_text(encoding="utf-8")
REAL_LINES = REAL.split("\n")

# What rubric text is made of: its numbering (一、 （二） 3. （4） ①), points, separators and words.
RUBRIC_TOKENS = st.sampled_from(
    [*"\t\n\r 　一二三四五六七八九十百（）()、.．。，；：分扣0123456789０１２３①②③", "本项", "扣完为止", "每项次",
     "分）", "考核", "县应急局", "县委办公室", "各乡镇", "加强组织领导", "\u3000", "\ufeff", "[bookmark: _Toc1]"]
)  # fmt: skip


def rubric_text(max_tokens: int) -> st.SearchStrategy[str]:
    return st.lists(RUBRIC_TOKENS, max_size=max_tokens).map("".join)


SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def registry() -> DepartmentRegistry:
    return load_departments(bundled_departments_path())


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="rubric-fuzz-") as d:
        yield Path(d)


def _read(workdir: Path, registry: DepartmentRegistry, data: str | bytes) -> Rubric | None:
    """read_rubric on ``data``; None when it raised RubricError, which is the allowed failure."""
    path = workdir / "考核细则.txt"
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    try:
        rubric = read_rubric(path, registry=registry)
    except RubricError as e:
        assert e.message.strip(), "a RubricError must say what is wrong"
        return None
    assert isinstance(rubric, Rubric)
    return rubric


def test_real_file_reads(workdir: Path, registry: DepartmentRegistry) -> None:
    """The baseline the mutations start from: the bundled dump gives the full rubric."""
    rubric = _read(workdir, registry, REAL)
    assert rubric is not None and rubric.year == 2022
    assert sum(1 for _ in rubric.sub_items()) > 50


@SETTINGS
@given(rubric_text(400))
def test_rubric_like_text_never_crashes(workdir: Path, registry: DepartmentRegistry, text: str) -> None:
    _read(workdir, registry, text)


@SETTINGS
@given(st.text(max_size=300))
def test_arbitrary_text_never_crashes(workdir: Path, registry: DepartmentRegistry, text: str) -> None:
    _read(workdir, registry, text)


@SETTINGS
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_crash(workdir: Path, registry: DepartmentRegistry, data: bytes) -> None:
    """Not UTF-8, not GB18030, NUL bytes: an encoding RubricError or a reading, nothing else."""
    _read(workdir, registry, data)


@SETTINGS
@given(st.randoms(use_true_random=False), st.integers(1, len(REAL_LINES)))
def test_real_lines_shuffled_and_truncated(
    workdir: Path, registry: DepartmentRegistry, rnd: random.Random, keep: int
) -> None:
    lines = REAL_LINES[:]
    rnd.shuffle(lines)
    _read(workdir, registry, "\n".join(lines[:keep]))


@SETTINGS
@given(st.sets(st.integers(0, len(REAL_LINES) - 1), max_size=40))
def test_real_file_with_lines_dropped(workdir: Path, registry: DepartmentRegistry, dropped: set[int]) -> None:
    text = "\n".join(line for i, line in enumerate(REAL_LINES) if i not in dropped)
    _read(workdir, registry, text)


@SETTINGS
@given(st.integers(0, len(REAL)), st.integers(0, len(REAL)))
def test_real_file_cut_anywhere(workdir: Path, registry: DepartmentRegistry, start: int, end: int) -> None:
    """A copy-paste that lost its head or its tail (or both)."""
    _read(workdir, registry, REAL[min(start, end) : max(start, end)])


@SETTINGS
@given(st.lists(st.tuples(st.integers(0, len(REAL) - 1), rubric_text(4)), max_size=25))
def test_real_file_with_characters_replaced(
    workdir: Path, registry: DepartmentRegistry, edits: list[tuple[int, str]]
) -> None:
    """Points, numbering and tabs damaged in place: e.g. "（5分）" → "（5 一分）", a tab turned into a newline."""
    text = REAL
    for at, replacement in sorted(edits, reverse=True):
        text = text[:at] + replacement + text[at + 1 :]
    _read(workdir, registry, text)


@SETTINGS
@given(rubric_text(200))
def test_clean_is_idempotent(text: str) -> None:
    """The line normalisation the reader applies first gives the same text when applied again."""
    assert _clean(_clean(text)) == _clean(text)
