"""Manual overrides: written atomically, human-editable, validated, and always winning."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from pipeline.errors import ConfigError
from pipeline.models import Match
from pipeline.overrides import (
    NOT_EVIDENCE,
    Overrides,
    UnknownSubItemError,
    apply_overrides,
    assign,
    clear_occurrence,
    load_overrides,
    overrides_path,
    record_occurrence,
    unassign,
)

KNOWN = {"7(1)", "7(2)", "9(1)", "3"}
SHA_A = "a" * 64
SHA_B = "b" * 64

MACHINE = (
    Match("县住建/方案.docx", "9(1)", 71.0, ("引用文号 蓬住建发〔2022〕5号",)),
    Match("县住建/方案.docx", "7(2)", 48.0, ("关键词 燃气",), "review"),
)


def test_no_file_means_no_overrides(tmp_path: Path) -> None:
    assert load_overrides(tmp_path / "state") == Overrides()
    assert apply_overrides("x", SHA_A, MACHINE, Overrides()) == MACHINE


def test_assign_writes_human_readable_toml(tmp_path: Path) -> None:
    state = tmp_path / "state"
    assign(state, "县住建/方案.docx", SHA_A, ["７（１）", "9(1)", "7(1)"], known_ids=KNOWN, note="会议确认")
    assign(state, "应急局/照片.jpg", SHA_B, None, known_ids=KNOWN)
    text = overrides_path(state).read_text(encoding="utf-8")
    assert "人工指定" in text  # the header explains the file in Chinese
    data = tomllib.loads(text)
    assert data["file"][0] == {
        "path": "县住建/方案.docx",
        "sha256": SHA_A,
        "items": ["7(1)", "9(1)"],  # full-width normalised, repeats dropped
        "note": "会议确认",
        "assigned_at": data["file"][0]["assigned_at"],
    }
    assert data["file"][1]["not_evidence"] is True
    assert not list(state.glob(".overrides.*"))  # no temp file left behind
    loaded = load_overrides(state, KNOWN)
    assert [e.sub_item_ids for e in loaded.entries] == [("7(1)", "9(1)"), None]


def test_reassign_replaces_and_unassign_removes(tmp_path: Path) -> None:
    state = tmp_path / "state"
    assign(state, "县住建/方案.docx", SHA_A, ["7(1)"])
    assign(state, "县住建/方案.docx", SHA_A, ["7(2)"])
    assert [e.sub_item_ids for e in load_overrides(state).entries] == [("7(2)",)]
    assert unassign(state, "县住建/方案.docx")
    assert not unassign(state, "县住建/方案.docx")
    assert len(load_overrides(state)) == 0


def test_unknown_sub_item_is_a_typed_error(tmp_path: Path) -> None:
    state = tmp_path / "state"
    with pytest.raises(UnknownSubItemError, match="指标编号不存在：7\\(9\\)") as info:
        assign(state, "a.docx", SHA_A, ["7(9)"], known_ids=KNOWN)
    assert isinstance(info.value, ConfigError)
    assert not overrides_path(state).exists()
    with pytest.raises(ConfigError, match="没有给出指标编号"):
        assign(state, "a.docx", SHA_A, [], known_ids=KNOWN)


def test_hand_edited_file_is_validated(tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir()
    overrides_path(state).write_text('[[file]]\npath = "a.docx"\nitems = ["8(8)"]\n', encoding="utf-8")
    assert load_overrides(state).entries[0].sub_item_ids == ("8(8)",)  # no rubric given: not checked
    with pytest.raises(UnknownSubItemError, match="第 1 条"):
        load_overrides(state, KNOWN)
    overrides_path(state).write_text("[[file]\npath = ", encoding="utf-8")
    with pytest.raises(ConfigError, match="格式错误"):
        load_overrides(state)


def test_awkward_strings_survive_the_round_trip(tmp_path: Path) -> None:
    state = tmp_path / "state"
    path = '县住建/引号"与\\反斜杠\\x07.docx'
    assign(state, path, SHA_A, ["3"], note="第一行\n第二行\t制表")
    (entry,) = load_overrides(state).entries
    assert entry.rel_path == path
    assert entry.note == "第一行\n第二行\t制表"


def test_override_wins_over_the_matcher(tmp_path: Path) -> None:
    state = tmp_path / "state"
    assign(state, "县住建/方案.docx", SHA_A, ["7(1)", "9(1)"])
    result = apply_overrides("县住建/方案.docx", SHA_A, MACHINE, load_overrides(state))
    manual = [m for m in result if m.status == "manual"]
    assert [(m.sub_item_id, m.score) for m in manual] == [("7(1)", 100.0), ("9(1)", 100.0)]
    assert all(m.reasons[0].startswith("人工指定：本文件佐证指标") for m in manual)
    (rejected,) = [m for m in result if m.status == "rejected"]
    assert rejected.sub_item_id == "7(2)"
    assert "人工指定为 7(1)、9(1)" in rejected.reasons[0]
    assert rejected.reasons[1:] == MACHINE[1].reasons  # the machine's reasons stay visible


def test_not_evidence_rejects_every_match_with_a_reason(tmp_path: Path) -> None:
    state = tmp_path / "state"
    assign(state, "县住建/方案.docx", SHA_A, None)
    result = apply_overrides("县住建/方案.docx", SHA_A, MACHINE, load_overrides(state))
    assert [m.sub_item_id for m in result] == ["9(1)", "7(2)"]
    assert all(m.status == "rejected" and NOT_EVIDENCE in m.reasons[0] for m in result)


def test_override_survives_rename_and_in_place_correction(tmp_path: Path) -> None:
    state = tmp_path / "state"
    assign(state, "县住建/旧名.docx", SHA_A, ["7(2)"])
    overrides = load_overrides(state)
    renamed = apply_overrides("县住建/新名.docx", SHA_A, (), overrides)  # same content, new name
    assert [(m.rel_path, m.sub_item_id, m.status) for m in renamed] == [
        ("县住建/新名.docx", "7(2)", "manual")
    ]
    corrected = apply_overrides("县住建/旧名.docx", SHA_B, (), overrides)  # same name, new content
    assert [m.sub_item_id for m in corrected] == ["7(2)"]
    assert apply_overrides("县住建/别的.docx", SHA_B, MACHINE, overrides) == MACHINE


def test_content_entry_beats_path_entry(tmp_path: Path) -> None:
    state = tmp_path / "state"
    assign(state, "a.docx", SHA_B, ["3"])
    assign(state, "b.docx", SHA_A, ["9(1)"])
    # a.docx now holds b.docx's old content: the content's entry wins.
    result = apply_overrides("a.docx", SHA_A, (), load_overrides(state))
    assert [m.sub_item_id for m in result] == ["9(1)"]


def test_recorded_events_survive_assignments_and_read_back_as_written(tmp_path: Path) -> None:
    state = tmp_path / "state"
    known = KNOWN | {"23(1)", "22(1)"}
    record_occurrence(state, "２３（１）", 2, known_ids=known, note="两次迟报被通报")
    assign(state, "县住建/方案.docx", SHA_A, ["9(1)"], known_ids=known)  # keeps the event
    record_occurrence(state, "22(1)", known_ids=known)
    data = tomllib.loads(overrides_path(state).read_text(encoding="utf-8"))
    assert [o["item"] for o in data["outcome"]] == ["23(1)", "22(1)"]
    assert data["outcome"][0]["deduct"] == 2.0 and "deduct" not in data["outcome"][1]
    loaded = load_overrides(state, known)
    assert [e.rel_path for e in loaded.entries] == ["县住建/方案.docx"]
    assert loaded.occurred()["23(1)"].note == "两次迟报被通报"
    assert loaded.occurred()["22(1)"].deduct is None
    record_occurrence(state, "23(1)", 1, known_ids=known)  # replaces, never doubles
    assert load_overrides(state).occurred()["23(1)"].deduct == 1
    assert unassign(state, "县住建/方案.docx")
    assert clear_occurrence(state, "23(1)") and not clear_occurrence(state, "23(1)")
    assert list(load_overrides(state).occurred()) == ["22(1)"]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('item = "99(9)"', "指标编号不存在：99(9)"),
        ('item = "23(1)"\ndeduct = -1', "扣分应为不小于 0 的数字"),
        ('item = "23(1)"\ndeduct = "一分"', "扣分应为数字"),
        ('item = "23(1)"\ndeduct = nan', "扣分应为不小于 0 的数字"),
        ('note = "忘了写指标"', "缺少指标编号"),
    ],
)
def test_a_hand_edited_event_that_makes_no_sense_is_refused_with_its_place(
    tmp_path: Path, entry: str, message: str
) -> None:
    state = tmp_path / "state"
    state.mkdir()
    overrides_path(state).write_text(f"[[outcome]]\n{entry}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(message)) as raised:
        load_overrides(state, KNOWN | {"23(1)"})
    assert "第 1 条 [[outcome]]" in str(raised.value)
