"""The workbook, checked by loading it with openpyxl."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pipeline.matrix import Matrix, build_matrix
from pipeline.models import Department, Problem, Skipped
from pipeline.workbook import display_width, write_workbook
from tests.builders.rubric_objects import ALIASES, REGISTRY_ORDER, WEI, YINGJI, ZHENGFU, ZHUJIAN, small_rubric
from tests.builders.understood import doc_number, understood

HOSTILE = '=HYPERLINK("http://evil.example/","点我")'


def matrix(files: list, **kw: object) -> Matrix:
    return build_matrix(
        small_rubric(),
        files,
        departments=REGISTRY_ORDER,
        assessment_year=2022,
        today=date(2022, 11, 1),
        deadline=date(2022, 11, 30),
        aliases=ALIASES,
        **kw,  # type: ignore[arg-type]
    )


def demo_matrix() -> Matrix:
    files = [
        understood(
            f"{YINGJI}/检查方案.docx",
            kind="方案",
            matches=[("2(3)", 80)],
            doc_numbers=[doc_number("蓬安办发", 2022, 7)],
        ),
        understood(f"{YINGJI}/签到表.xlsx", kind="签到表", matches=[("2(3)", 70)]),
        understood(f"{YINGJI}/现场照片.jpg", kind="照片", matches=[("2(3)", 66)], file_format="image"),
        understood(f"{ZHENGFU}/会议纪要.pdf", department=ZHENGFU, kind="纪要", matches=[("1", 55, "review")]),
        understood(f"{YINGJI}/{HOSTILE}.docx", kind="通知", matches=[("13", 90)], title=HOSTILE),
        understood(f"{YINGJI}/坏文件.pdf", problems=["文件已损坏，无法打开"]),
        understood(f"{YINGJI}/副本.docx", duplicate_of=f"{YINGJI}/检查方案.docx"),
        understood(f"{YINGJI}/b1.docx", matches=[("B1", 80)]),
    ]
    extra = [
        Problem(f"{YINGJI}/检查方案.docx", "inconsistent", "报告称重点企业23家，但《重点企业名单》只有21行")
    ]
    return matrix(files, extra_problems=extra, skipped=[Skipped(f"{YINGJI}/~$草稿.docx", "Office 临时文件")])


class Registry:
    departments = (
        Department(YINGJI, email=("yj@example.cn",)),
        Department(ZHENGFU),
        Department(WEI),
        Department(ZHUJIAN, email=("zj@example.cn",)),
    )


@pytest.fixture
def written(tmp_path: Path) -> tuple[Matrix, Path]:
    m = demo_matrix()
    path = write_workbook(
        m, tmp_path / "outbox" / "完整性矩阵.xlsx", registry=Registry(), inbox=tmp_path / "inbox"
    )
    return m, path


def test_display_width_counts_cjk_double() -> None:
    assert display_width("abc") == 3
    assert display_width("县应急局") == 8
    assert display_width("ＡＢ") == 4


def test_all_sheets_present_and_reload(written: tuple[Matrix, Path]) -> None:
    _, path = written
    wb = load_workbook(path)
    assert wb.sheetnames == ["总览", "矩阵", "佐证清单", "问题文件", "催办", "未设置邮箱"]
    assert not list(path.parent.glob(".*.tmp"))  # the atomic write left nothing behind


def test_registry_sheet_only_with_a_registry(tmp_path: Path) -> None:
    path = write_workbook(demo_matrix(), tmp_path / "w.xlsx")
    assert "未设置邮箱" not in load_workbook(path).sheetnames


def test_matrix_sheet_symbols_fills_and_layout(written: tuple[Matrix, Path]) -> None:
    m, path = written
    ws = load_workbook(path)["矩阵"]
    header = [c.value for c in ws[1]]
    assert header[:5] == ["细项", "项目分值", "可扣分", "状态", "考评内容"]
    assert header[5:] == list(m.departments)
    rows = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    assert list(rows) == [s.sub_item_id for s in m.sub_items]
    col = header.index(YINGJI)
    assert rows["2(3)"][col].value == "✓"
    assert rows["2(3)"][col].fill.fgColor.rgb.endswith("C6EFCE")
    assert rows["2(3)"][header.index(ZHUJIAN)].value == "✗"
    assert rows["2(3)"][header.index(ZHUJIAN)].fill.fgColor.rgb.endswith("FFC7CE")
    assert rows["1"][header.index(ZHENGFU)].value == "?"
    assert rows["2(1)"][header.index(ZHENGFU)].value is None  # not responsible
    assert rows["2(3)"][3].value == "部分"
    assert ws.freeze_panes == "F2"
    assert ws.auto_filter.ref == f"A1:{ws.cell(1, len(header)).column_letter}{len(m.sub_items) + 1}"
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows == "$1:$1"


def test_column_widths_fit_chinese_text(written: tuple[Matrix, Path]) -> None:
    ws = load_workbook(written[1])["问题文件"]
    longest = max(display_width(str(c.value)) for c in ws["B"] if c.value)
    assert ws.column_dimensions["B"].width >= longest  # 县应急局 = 8 columns, not 4


def test_overview_projected_score_veto_and_bonus(written: tuple[Matrix, Path]) -> None:
    m, path = written
    ws = load_workbook(path)["总览"]
    values = {r[0].value: [c.value for c in r[1:]] for r in ws.iter_rows() if r[0].value}
    assert values["预计得分"][0] == pytest.approx(round(m.projected, 2))
    assert values["合计"][0] == 100
    assert values["合计"][1] == pytest.approx(round(m.at_risk_low, 2))
    assert values["合计"][2] == pytest.approx(round(m.at_risk_high, 2))
    assert values["合计"][4] == pytest.approx(round(m.projected, 2), abs=0.01)
    assert "第21项" in values["一票否决项"][0]
    assert values["加分项"][0].startswith("已有佐证 1 分 / 上限 5 分")
    assert values["一、加强组织领导"][0] == 13


def test_evidence_sheet_lists_every_file_with_link_and_matches(written: tuple[Matrix, Path]) -> None:
    m, path = written
    ws = load_workbook(path)["佐证清单"]
    rows = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    assert set(rows) == {u.source.rel_path for u in m.files}
    plan = rows[f"{YINGJI}/检查方案.docx"]
    assert plan[4].value == "蓬安办发〔2022〕7号"
    assert plan[5].value == "2022-06-01"
    assert plan[6].value == "2(3)（80.0）"
    assert "报告称重点企业23家" in plan[9].value
    target = plan[0].hyperlink.target
    assert target == f"../inbox/{YINGJI}/检查方案.docx"
    assert (path.parent / target).resolve() == (
        path.parent.parent / "inbox" / YINGJI / "检查方案.docx"
    ).resolve()
    assert rows[f"{ZHENGFU}/会议纪要.pdf"][6].value == "1（55.0，待确认）"
    assert rows[f"{YINGJI}/副本.docx"][8].value == "重复"


def test_hostile_names_stay_text(written: tuple[Matrix, Path]) -> None:
    _, path = written
    wb = load_workbook(path)
    hostile_path = f"{YINGJI}/{HOSTILE}.docx"
    cells = [
        c
        for ws in wb
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and "HYPERLINK" in c.value
    ]
    assert cells, "the hostile name must appear"
    for c in cells:
        assert c.data_type == "s"
    ws = wb["佐证清单"]
    (row,) = [r for r in ws.iter_rows(min_row=2) if r[0].value == hostile_path]
    assert row[0].data_type == "s" and row[0].value == hostile_path


def test_leading_formula_characters_and_control_chars(tmp_path: Path) -> None:
    names = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "=cmd|' /C calc'!A0"]
    files = [understood(f"{n}.docx", department=n, matches=[("13", 90)]) for n in names]
    files.append(understood("bad\x07name.docx", problems=["含\x01控制字符"]))
    path = write_workbook(matrix(files), tmp_path / "w.xlsx")
    ws = load_workbook(path)["佐证清单"]
    by_name = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    for n in names:
        row = by_name[f"{n}.docx"]
        assert row[0].data_type == "s"
        assert row[1].value == n and row[1].data_type == "s"
    assert "badname.docx" in by_name


def test_problems_sheet_lists_problems_duplicates_and_skipped(written: tuple[Matrix, Path]) -> None:
    m, path = written
    ws = load_workbook(path)["问题文件"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    kinds = [r[2] for r in rows]
    assert kinds.count("无法读取或有问题") == 1
    assert kinds.count("内容不一致") == 1
    assert kinds.count("重复文件") == 1
    assert kinds.count("已跳过") == 1
    assert len(rows) == len(m.problems) + 1 + len(m.skipped)
    assert ["文件已损坏，无法打开" in r[4] for r in rows].count(True) == 1


def test_reminders_sorted_by_department_risk_then_gap_risk(written: tuple[Matrix, Path]) -> None:
    m, path = written
    ws = load_workbook(path)["催办"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert len(rows) == len(m.gaps)
    totals = [r[1] for r in rows]
    assert totals == sorted(totals, reverse=True)
    for dept in {r[0] for r in rows}:
        risks = [r[4] for r in rows if r[0] == dept]
        assert risks == sorted(risks, reverse=True)
    zj = next(r for r in rows if r[0] == ZHUJIAN and r[2] == "2(3)")
    assert zj[5] == "方案、签到、照片"


def test_no_email_sheet_lists_departments_without_email(written: tuple[Matrix, Path]) -> None:
    m, path = written
    ws = load_workbook(path)["未设置邮箱"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert [r[0] for r in rows] == [ZHENGFU, WEI]
    assert rows[1][2] == len(m.gaps_for(WEI))


def test_real_rubric_workbook(tmp_path: Path) -> None:
    from pipeline.departments import load_departments
    from pipeline.rubric import read_rubric

    registry = load_departments()
    m = build_matrix(
        read_rubric(),
        [],
        departments=registry.names() if callable(registry.names) else registry.names,
        assessment_year=2022,
        today=date(2022, 11, 1),
        aliases={d.name: d.aliases for d in registry.departments},
    )
    path = write_workbook(m, tmp_path / "完整性矩阵.xlsx", registry=registry)
    wb = load_workbook(path)
    assert wb["矩阵"].max_row == len(m.sub_items) + 1
    assert wb["催办"].max_row == len(m.gaps) + 1


def test_zip_member_links_to_its_bundle_and_hash_is_escaped(tmp_path: Path) -> None:
    from dataclasses import replace

    member = understood("县应急局/材料.zip!/方案.docx", matches=[("13", 90)])
    member = replace(member, source=replace(member.source, container="县应急局/材料.zip"))
    sharp = understood("县应急局/第#1号.docx")
    path = write_workbook(matrix([member, sharp]), tmp_path / "out" / "w.xlsx", inbox=tmp_path / "inbox")
    ws = load_workbook(path)["佐证清单"]
    links = {r[0].value: r[0].hyperlink.target for r in ws.iter_rows(min_row=2)}
    assert links["县应急局/材料.zip!/方案.docx"] == "../inbox/县应急局/材料.zip"
    assert links["县应急局/第#1号.docx"] == "../inbox/县应急局/第%231号.docx"


def test_a_file_nothing_matched_shows_its_suggestions_but_counts_nowhere(tmp_path: Path) -> None:
    from dataclasses import replace

    from pipeline.models import Match

    rel = f"{YINGJI}/节前检查新闻.docx"
    near = (
        Match(rel, "2(3)", 38.5, ("正文与指标2(3)内容相近（相似度0.15）",), "suggested"),
        Match(rel, "13", 21.0, ("共同关键词：考评",), "suggested"),
    )
    m = matrix([replace(understood(rel), suggestions=near)])
    assert all(not c.evidence for s in m.sub_items for c in s.cells)  # a suggestion is not evidence
    path = write_workbook(m, tmp_path / "完整性矩阵.xlsx")
    sheet = load_workbook(path)["佐证清单"]
    header = [c.value for c in sheet[1]]
    row = {h: c.value for h, c in zip(header, sheet[2], strict=True)}
    assert row["状态"] == "未匹配" and not row["对应细项（得分）"]
    assert row["待确认建议（未达匹配阈值）"].splitlines() == [
        "2(3)（38.5）：正文与指标2(3)内容相近（相似度0.15）",
        "13（21.0）：共同关键词：考评",
    ]
