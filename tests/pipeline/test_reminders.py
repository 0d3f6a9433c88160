"""Which messages a run owes: one reminder per department with gaps, a receipt per department whose
files were just processed. Built over the bundled 2022 rubric and registry."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from pipeline.config import Config
from pipeline.departments import DepartmentRegistry, bundled_departments_path, load_departments
from pipeline.matrix import Matrix, build_matrix
from pipeline.models import Rubric, Understood
from pipeline.notify import Message, days_left_label
from pipeline.reminders import build_messages
from pipeline.rubric import read_rubric
from tests.builders.understood import understood

TODAY = date(2022, 12, 1)
ZHUJIAN = "县住房城乡建设局"


@pytest.fixture(scope="module")
def base() -> tuple[DepartmentRegistry, Rubric]:
    registry = load_departments(bundled_departments_path())
    return registry, read_rubric(None, registry=registry, default_owner="县应急局")


def _matrix(
    base: tuple[DepartmentRegistry, Rubric], files: list[Understood], deadline: date | None
) -> Matrix:
    registry, rubric = base
    return build_matrix(
        rubric,
        files,
        departments=[d.name for d in registry.departments],
        assessment_year=rubric.year,
        today=TODAY,
        deadline=deadline,
        aliases={d.name: d.aliases for d in registry.departments},
    )


def _messages(
    base: tuple[DepartmentRegistry, Rubric],
    files: list[Understood],
    newly: frozenset[str] | set[str] = frozenset(),
    deadline: date | None = date(2022, 12, 31),
) -> list[Message]:
    return build_messages(
        _matrix(base, files, deadline), base[0], today=TODAY, newly_processed=newly, config=Config()
    )


def _owned(base: tuple[DepartmentRegistry, Rubric], department: str) -> list[str]:
    return [c.sub_item_id for c in _matrix(base, [], None).cells_for(department)]


def test_one_reminder_per_department_with_gaps(base: tuple[DepartmentRegistry, Rubric]) -> None:
    matrix = _matrix(base, [], date(2022, 12, 31))
    messages = _messages(base, [])
    reminders = [m for m in messages if m.kind == "reminder"]
    with_gaps = [d.name for d in base[0].departments if matrix.gaps_for(d.name)]
    assert [m.department for m in reminders] == with_gaps
    assert all(m.kind == "reminder" for m in messages), "nothing processed: no receipt"
    for m in reminders:
        assert m.subject == "【安全生产党政同责】佐证资料缺项提醒（剩余30天）"
        assert m.key == f"reminder:{m.department}:{m.digest}:{TODAY.isoformat()}"
        assert m.text.startswith(m.department) and m.department in m.html
        (attachment,) = m.attachments
        assert attachment.filename == f"{m.department}-任务清单.xlsx" and attachment.content[:2] == b"PK"


def test_the_digest_follows_the_gaps(base: tuple[DepartmentRegistry, Rubric]) -> None:
    before = {m.department: m.digest for m in _messages(base, []) if m.kind == "reminder"}
    assert before == {m.department: m.digest for m in _messages(base, []) if m.kind == "reminder"}
    sub_item = _owned(base, ZHUJIAN)[0]
    filed = [understood("住建/燃气方案.docx", department=ZHUJIAN, matches=[(sub_item, 80)])]
    after = {m.department: m.digest for m in _messages(base, filed) if m.kind == "reminder"}
    assert after[ZHUJIAN] != before[ZHUJIAN]
    unrelated = [d for d in before if d != ZHUJIAN and after.get(d) == before[d]]
    assert len(unrelated) > len(before) // 2, "a file of one department leaves most others' gaps alone"


def test_a_department_with_every_item_done_gets_no_reminder(base: tuple[DepartmentRegistry, Rubric]) -> None:
    """The department with the fewest items hands in every material its items ask for."""
    registry, _ = base
    matrix = _matrix(base, [], None)
    department = min(
        (d.name for d in registry.departments if matrix.cells_for(d.name)),
        key=lambda name: len(matrix.cells_for(name)),
    )
    files = [
        understood(
            f"{department}/{g.sub_item_id}-{kind}.docx",
            department=department,
            kind=kind,
            matches=[(g.sub_item_id, 90)],
        )
        for g in matrix.gaps_for(department)
        for kind in (g.missing_materials or ("方案",))
    ]
    assert files and _matrix(base, files, None).gaps_for(department) == []
    reminded = {m.department for m in _messages(base, files) if m.kind == "reminder"}
    assert department not in reminded and ZHUJIAN in reminded


@pytest.mark.parametrize(
    ("deadline", "label"),
    [(date(2022, 12, 31), "剩余30天"), (date(2022, 11, 28), "已逾期3天"), (None, "未设置截止日期")],
)
def test_the_subject_says_how_many_days_are_left(
    base: tuple[DepartmentRegistry, Rubric], deadline: date | None, label: str
) -> None:
    days = None if deadline is None else (deadline - TODAY).days
    assert days_left_label(days) == label
    reminder = next(m for m in _messages(base, [], deadline=deadline) if m.kind == "reminder")
    assert reminder.subject == f"【安全生产党政同责】佐证资料缺项提醒（{label}）"


def test_a_receipt_lists_the_newly_processed_files_and_how_they_were_understood(
    base: tuple[DepartmentRegistry, Rubric],
) -> None:
    sub_item = _owned(base, ZHUJIAN)[0]
    matched = understood("住建/燃气方案.docx", department=ZHUJIAN, matches=[(sub_item, 80)])
    review = understood("住建/会议纪要.docx", department=ZHUJIAN, matches=[(sub_item, 50, "review")])
    broken = understood("住建/损坏.docx", department=ZHUJIAN, problems=["文件已损坏，无法打开"])
    copy = replace(
        understood("住建/燃气方案(1).docx", department=ZHUJIAN, sha256=matched.source.sha256),
        duplicate_of="住建/燃气方案.docx",
    )
    old = understood("住建/去年的台账.xlsx", department=ZHUJIAN)
    other = understood("应急局/通知.docx", department="县应急管理局")
    files = [matched, review, broken, copy, old, other]
    newly = {f.source.rel_path for f in files if f is not old}
    receipts = {m.department: m for m in _messages(base, files, newly) if m.kind == "receipt"}
    assert set(receipts) == {ZHUJIAN, "县应急管理局"}
    r = receipts[ZHUJIAN]
    assert r.subject == f"【安全生产党政同责】佐证资料接收回执（{ZHUJIAN}）"
    assert f"燃气方案.docx：对应指标 {sub_item}" in r.text
    assert f"会议纪要.docx：对应指标 {sub_item}（待确认）" in r.text
    assert "损坏.docx：有问题：文件已损坏，无法打开" in r.text
    assert "燃气方案(1).docx：与已收到的文件内容相同（重复提交）" in r.text
    assert "去年的台账" not in r.text and "通知.docx" not in r.text
    assert r.key == f"receipt:{ZHUJIAN}:{r.digest}" and r.attachments == ()
    again = {m.department: m for m in _messages(base, files, newly) if m.kind == "receipt"}
    assert again[ZHUJIAN].digest == r.digest, "the same files give the same receipt (sent once)"
