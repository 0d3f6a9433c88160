"""The evidence binder: rubric-ordered folders, what goes in, the 目录.xlsx index, idempotent rebuilds."""

from __future__ import annotations

import dataclasses
import json
import os
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pipeline.binder import (
    INDEX_HEADER,
    INDEX_NAME,
    MANIFEST_NAME,
    build_binder,
    iter_binder_files,
    original_name,
    safe_component,
)
from pipeline.matrix import Matrix, build_matrix
from pipeline.models import Understood
from tests.builders.rubric_objects import ALIASES, REGISTRY_ORDER, WEI, YINGJI, ZHENGFU, ZHUJIAN, small_rubric
from tests.builders.understood import doc_number, understood

PART1 = "一、加强组织领导/（一）责任落实"
PART2 = "二、推动重点工作/（四）重点专项整治"
# "/" cannot be part of a file name on disk, so the hostile names here are the ones a file can have.
FORMULA_NAME = '=HYPERLINK("x")恶意.docx'
SCRIPT_NAME = "<script>alert(1)<script>.pdf"


def files_for_binder() -> list[Understood]:
    return [
        understood("县应急局/检查方案.docx", kind="方案", matches=[("2(3)", 82), ("7(2)", 70)]),
        understood(
            f"县应急局/{FORMULA_NAME}",
            kind="台账",
            matches=[("7(2)", 71)],
            doc_numbers=[doc_number("蓬安办发", 2022, 5)],
            doc_date=date(2022, 5, 20),
        ),
        understood(f"县应急局/{SCRIPT_NAME}", kind="签到表", matches=[("2(3)", 75)]),
        understood("县应急局/待定.docx", kind="记录", matches=[("5(1)", 60, "review")]),
        understood("县应急局/坏文件.pdf", kind="方案", matches=[("2(4)", 80)], problems=["文件已损坏"]),
        understood(
            "县住房城乡建设局/燃气企业名单.xlsx", department=ZHUJIAN, kind="名单", matches=[("7(2)", 90)]
        ),
        understood(
            "县住房城乡建设局/检查方案.docx",
            department=ZHUJIAN,
            kind="方案",
            matches=[("2(3)", 80)],
            sha256="b" * 64,
        ),
        understood("县委办公室/常委会纪要.pdf", department=WEI, kind="纪要", matches=[("1", 88), ("B1", 80)]),
        understood("县政府办公室/常务会纪要.pdf", department=ZHENGFU, kind="纪要", matches=[("1", 86)]),
    ]


def make_matrix(files: list[Understood]) -> Matrix:
    return build_matrix(
        small_rubric(),
        files,
        departments=REGISTRY_ORDER,
        assessment_year=2022,
        today=date(2022, 11, 1),
        aliases=ALIASES,
    )


def make_inbox(root: Path, files: list[Understood]) -> Path:
    inbox = root / "inbox"
    for u in files:
        path = inbox / u.source.rel_path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(f"内容：{u.source.rel_path}".encode())
        os.utime(path, (1_650_000_000, 1_650_000_000))
    return inbox


def snapshot(folder: Path) -> dict[str, tuple[int, int, bytes]]:
    out = {}
    for rel in iter_binder_files(folder):
        st = (folder / rel).stat()
        out[rel] = (st.st_size, st.st_mtime_ns, (folder / rel).read_bytes())
    return out


@pytest.fixture
def built(tmp_path: Path) -> tuple[Matrix, Path, Path]:
    files = files_for_binder()
    inbox = make_inbox(tmp_path, files)
    return make_matrix(files), inbox, tmp_path / "outbox" / "binder"


def test_folders_follow_the_rubric_and_names_carry_the_sub_item(built: tuple[Matrix, Path, Path]) -> None:
    m, inbox, folder = built
    result = build_binder(m, inbox, folder)
    tree = set(iter_binder_files(folder))
    assert f"{PART1}/2/2(3)_检查方案.docx" in tree
    assert f"{PART2}/7/7(2)_燃气企业名单.xlsx" in tree
    assert f"{PART1}/1/1_常委会纪要.pdf" in tree and f"{PART1}/1/1_常务会纪要.pdf" in tree
    assert "加分项/B1/B1_常委会纪要.pdf" in tree
    # a file matched to two sub-items is in both
    assert f"{PART2}/7/7(2)_检查方案.docx" in tree
    # hostile names: kept readable, but nothing a file system (Windows included) refuses
    assert f"{PART2}/7/7(2)_=HYPERLINK(_x_)恶意.docx" in tree
    assert f"{PART1}/2/2(3)__script_alert(1)_script_.pdf" in tree
    # what stays out: review-only (5(1)), a file with a problem (2(4)); sources never moved
    assert not any("5(1)_" in t or "2(4)_" in t for t in tree)
    assert all((inbox / u.source.rel_path).is_file() for u in m.files)
    assert set(result.copied) == {e.target for e in result.entries} and not result.unchanged
    assert tree == {*result.copied, INDEX_NAME, MANIFEST_NAME}


def test_copies_keep_content_and_mtime(built: tuple[Matrix, Path, Path]) -> None:
    m, inbox, folder = built
    build_binder(m, inbox, folder)
    src = inbox / "县住房城乡建设局/燃气企业名单.xlsx"
    dst = folder / PART2 / "7" / "7(2)_燃气企业名单.xlsx"
    assert dst.read_bytes() == src.read_bytes()
    assert dst.stat().st_mtime == src.stat().st_mtime


def test_same_name_in_one_folder_gets_a_hash_suffix(built: tuple[Matrix, Path, Path]) -> None:
    m, inbox, folder = built
    build_binder(m, inbox, folder)
    in_2 = sorted(p.name for p in (folder / PART1 / "2").iterdir())
    assert "2(3)_检查方案.docx" in in_2
    assert f"2(3)_检查方案_{'b' * 8}.docx" in in_2  # 住建's 检查方案.docx, content hash bbbb…


def test_index_lists_entries_in_rubric_order_and_keeps_formulas_as_text(
    built: tuple[Matrix, Path, Path],
) -> None:
    m, inbox, folder = built
    result = build_binder(m, inbox, folder)
    ws = load_workbook(folder / INDEX_NAME)["目录"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == INDEX_HEADER
    assert len(rows) - 1 == len(result.entries)
    assert [r[0] for r in rows[1:]] == list(range(1, len(rows)))
    ids = [str(r[1]).split(" ")[0] for r in rows[1:]]
    rubric_order = ["1", "2(1)", "2(3)", "2(4)", "5(1)", "5(2)", "7(2)", "13", "B1"]
    assert ids == sorted(ids, key=rubric_order.index)
    hostile = next(r for r in ws.iter_rows(min_row=2) if "HYPERLINK" in str(r[2].value))
    assert hostile[2].data_type == "s" and hostile[2].value.startswith(f"{PART2}/7/7(2)_=HYPERLINK")
    assert hostile[3].value == YINGJI and hostile[4].value == "蓬安办发〔2022〕5号"
    assert hostile[5].value == "2022-05-20"
    formula = next(e for e in result.entries if FORMULA_NAME in e.rel_path)
    assert formula.target == hostile[2].value


def test_formula_like_index_values_stay_strings(tmp_path: Path) -> None:
    files = [understood("县应急局/x.docx", kind="方案", matches=[("2(3)", 80)])]
    inbox = make_inbox(tmp_path, files)
    m = make_matrix(files)
    # a department value that a spreadsheet would run (the index shows it as written)
    dde = "-1+cmd|' /C calc'!A0"
    m = dataclasses.replace(
        m,
        files=tuple(
            dataclasses.replace(u, source=dataclasses.replace(u.source, department=dde)) for u in m.files
        ),
    )
    build_binder(m, inbox, tmp_path / "binder")
    ws = load_workbook(tmp_path / "binder" / INDEX_NAME)["目录"]
    assert ws["D2"].value == dde and ws["D2"].data_type == "s"


def test_second_build_is_a_no_op(built: tuple[Matrix, Path, Path]) -> None:
    m, inbox, folder = built
    first = build_binder(m, inbox, folder)
    before = snapshot(folder)
    second = build_binder(m, inbox, folder)
    assert second.copied == () and second.removed == () and second.missing == ()
    assert set(second.unchanged) == set(first.copied)
    assert snapshot(folder) == before  # same files, same bytes, same mtimes (目录.xlsx included)


def test_rebuild_removes_only_its_own_stale_files_and_recopies_changed_ones(
    built: tuple[Matrix, Path, Path], tmp_path: Path
) -> None:
    m, inbox, folder = built
    build_binder(m, inbox, folder)
    human = folder / PART1 / "1" / "人工补充说明.txt"
    human.write_text("保留", encoding="utf-8")
    outside = tmp_path / "outbox" / "不要动.txt"
    outside.write_text("x", encoding="utf-8")
    manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    manifest["files"].append("../不要动.txt")  # a hand-edited manifest must not reach outside
    (folder / MANIFEST_NAME).write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")

    # 住建's 名单 no longer matched; 应急局's 检查方案 rewritten (different size)
    files = [
        dataclasses.replace(u, matches=()) if u.source.rel_path.endswith("燃气企业名单.xlsx") else u
        for u in files_for_binder()
    ]
    (inbox / "县应急局/检查方案.docx").write_bytes(b"new content, longer than before......")
    result = build_binder(make_matrix(files), inbox, folder)
    assert result.removed == (f"{PART2}/7/7(2)_燃气企业名单.xlsx",)
    assert not (folder / PART2 / "7" / "7(2)_燃气企业名单.xlsx").exists()
    assert set(result.copied) == {f"{PART1}/2/2(3)_检查方案.docx", f"{PART2}/7/7(2)_检查方案.docx"}
    assert (folder / PART1 / "2" / "2(3)_检查方案.docx").read_bytes().startswith(b"new content")
    assert human.read_text(encoding="utf-8") == "保留" and outside.exists()


def test_emptied_folders_are_pruned(built: tuple[Matrix, Path, Path]) -> None:
    m, inbox, folder = built
    build_binder(m, inbox, folder)
    assert (folder / "加分项" / "B1").is_dir()
    files = [
        dataclasses.replace(u, matches=u.matches[:1]) if "常委会" in u.source.rel_path else u for u in m.files
    ]
    result = build_binder(make_matrix(list(files)), inbox, folder)
    assert result.removed == ("加分项/B1/B1_常委会纪要.pdf",)
    assert not (folder / "加分项").exists()


def test_zip_members_come_from_their_extracted_path_or_are_missing(tmp_path: Path) -> None:
    scratch = tmp_path / "scratch" / "abc"
    scratch.mkdir(parents=True)
    member_path = scratch / "照片.jpg"
    member_path.write_bytes(b"\xff\xd8jpeg")
    base = understood(
        "县应急局/资料.zip!/2022/照片.jpg", kind="照片", matches=[("2(3)", 80)], file_format="image"
    )
    member = dataclasses.replace(
        base, source=dataclasses.replace(base.source, path=str(member_path), container="县应急局/资料.zip")
    )
    m = make_matrix([member])
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    folder = tmp_path / "binder"
    result = build_binder(m, inbox, folder)
    assert result.copied == (f"{PART1}/2/2(3)_照片.jpg",)
    assert (folder / result.copied[0]).read_bytes() == b"\xff\xd8jpeg"
    member_path.unlink()
    again = build_binder(m, inbox, folder)
    assert again.missing == ("县应急局/资料.zip!/2022/照片.jpg",)
    assert again.removed == result.copied and again.entries == ()
    ws = load_workbook(folder / INDEX_NAME)["目录"]
    assert ws.max_row == 1


def test_missing_inbox_file_is_reported_not_fatal(built: tuple[Matrix, Path, Path]) -> None:
    m, inbox, folder = built
    (inbox / "县委办公室/常委会纪要.pdf").unlink()
    result = build_binder(m, inbox, folder)
    assert result.missing == ("县委办公室/常委会纪要.pdf",)
    assert not any("常委会纪要" in e.target for e in result.entries)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("一、加强组织领导", "一、加强组织领导"),
        ("（一）责任落实", "（一）责任落实"),
        ('a/b\\c:d*e?f"g<h>i|j', "a_b_c_d_e_f_g_h_i_j"),
        ("..", "未命名"),
        ("../etc", "_etc"),
        (".hidden", "hidden"),
        ("名称. ", "名称"),
        ("CON", "_CON"),
        ("nul.txt", "_nul.txt"),
        ("tab\there", "tab_here"),
        ("", "未命名"),
    ],
)
def test_safe_component(name: str, expected: str) -> None:
    assert safe_component(name) == expected


def test_safe_component_cuts_long_names_keeping_the_suffix() -> None:
    name = "很长" * 200 + ".docx"
    safe = safe_component(name)
    assert safe.endswith(".docx") and len(safe.encode("utf-8")) <= 180
    assert safe.startswith("很长很长")


def test_original_name_of_a_zip_member() -> None:
    assert original_name("县应急局/资料.zip!/2022/照片.jpg") == "照片.jpg"
    assert original_name("县应急局/检查方案.docx") == "检查方案.docx"
