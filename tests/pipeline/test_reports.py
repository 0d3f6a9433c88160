"""Department gap reports: content, isolation between departments, escaping, width, golden text."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest

from pipeline.matrix import Matrix, build_matrix
from pipeline.models import Problem, Skipped, Understood
from pipeline.reports import (
    display_width,
    fmt_points,
    render_department_report,
    report_names,
    write_department_reports,
)
from pipeline.rubric import read_rubric
from tests.builders.rubric_objects import ALIASES, REGISTRY_ORDER, WEI, YINGJI, ZHUJIAN, small_rubric
from tests.builders.understood import doc_number, understood

GOLDEN = Path(__file__).parent / "golden"
UPDATE_FLAG = "EVIDENCE_UPDATE_GOLDEN"
TODAY = date(2022, 11, 1)
HOSTILE_FORMULA = '县应急局/=HYPERLINK("http://x")恶意.docx'
HOSTILE_SCRIPT = "县应急局/<script>alert(1)</script>.pdf"


def sample_files() -> list[Understood]:
    """县应急局 and 县住房城乡建设局 files, with hostile names, a problem, a review match and a duplicate."""
    return [
        understood(
            "县应急局/2(3)-检查方案.docx", kind="方案", matches=[("2(3)", 82), ("7(2)", 45, "review")]
        ),
        understood(
            HOSTILE_FORMULA,
            kind="台账",
            matches=[("7(2)", 71)],
            doc_numbers=[doc_number("蓬安办发", 2022, 5)],
        ),
        understood(HOSTILE_SCRIPT, kind="其他", problems=["文件已加密，无法打开，请提供未加密的版本"]),
        understood("县应急局/5(1)-会议记录.docx", kind="记录", matches=[("5(1)", 64, "review")]),
        understood(
            "县住房城乡建设局/燃气企业名单.xlsx",
            department=ZHUJIAN,
            kind="名单",
            matches=[("7(2)", 90)],
            sha256="a" * 64,
        ),
        understood(
            "县住房城乡建设局/应急局转发的通知.docx",
            department=ZHUJIAN,
            organ=YINGJI,
            kind="通知",
            matches=[("2(4)", 77)],
        ),
        understood(
            "县应急局/名单副本.xlsx",
            kind="名单",
            matches=[("7(2)", 90)],
            sha256="a" * 64,
            duplicate_of="县住房城乡建设局/燃气企业名单.xlsx",
        ),
    ]


def sample_matrix(
    files: list[Understood] | None = None, *, today: date = TODAY, deadline: date | None = date(2022, 11, 30)
) -> Matrix:
    return build_matrix(
        small_rubric(),
        sample_files() if files is None else files,
        departments=REGISTRY_ORDER,
        assessment_year=2022,
        today=today,
        deadline=deadline,
        aliases=ALIASES,
        skipped=[Skipped("县应急局/~$检查方案.docx", "Office 临时锁文件，已跳过")],
        extra_problems=[Problem(HOSTILE_FORMULA, "consistency", "报告称检查12次，台账只有10行")],
    )


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get(UPDATE_FLAG) == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text, f"{name} changed; review and rerun with {UPDATE_FLAG}=1"


def test_golden_update_flag_is_off() -> None:
    assert not os.environ.get(UPDATE_FLAG), (
        f"{UPDATE_FLAG} regenerates golden files: unset it before a real run"
    )


@pytest.mark.parametrize(
    ("department", "golden"), [(YINGJI, "report_yingji.txt"), (ZHUJIAN, "report_zhujian.txt")]
)
def test_text_report_matches_golden(department: str, golden: str) -> None:
    check_golden(golden, render_department_report(sample_matrix(), department).text)


def test_report_has_deadline_summary_gaps_receipt_and_how_to_submit() -> None:
    m = sample_matrix()
    text = render_department_report(m, YINGJI).text
    assert "截止日期：2022年11月30日（剩余29天）" in text
    gaps = m.gaps_for(YINGJI)
    counts = {s: sum(1 for c in m.cells_for(YINGJI) if c.status == s) for s in ("缺失", "部分", "待确认")}
    assert f"缺失 {counts['缺失']} 项" in text and f"部分 {counts['部分']} 项" in text
    assert f"待确认 {counts['待确认']} 项" in text
    assert f"可能扣分合计 {fmt_points(sum(g.points_at_risk for g in gaps))} 分" in text
    # gaps appear in the order of points at risk
    positions = [text.index(f". {g.sub_item_id} ") for g in gaps]
    assert positions == sorted(positions)
    assert [g.points_at_risk for g in gaps] == sorted((g.points_at_risk for g in gaps), reverse=True)
    # what to send: the rubric's words, the missing materials
    gap_72 = next(g for g in gaps if g.sub_item_id == "7(2)")
    assert "重点企业检查记录" in gap_72.what_to_send and "需提交：" in text
    assert "缺少材料：" + "、".join(gap_72.missing_materials) in text
    # receipt: file → sub-items with score, status and reasons; problems; skipped lock file
    assert "2(3)（匹配度82，已匹配）：标题含“2(3)”相关关键词" in text
    assert "7(2)（匹配度45，待确认）" in text
    assert "问题：文件已加密，无法打开，请提供未加密的版本" in text
    assert "问题：报告称检查12次，台账只有10行" in text
    assert "~$检查方案.docx" in text
    assert "inbox/县应急局/" in text and "7(2)-方案.pdf" in text


def test_examples_named_by_the_rubric_are_shown() -> None:
    m = sample_matrix()
    report = render_department_report(m, WEI)
    gap = next(g for g in m.gaps_for(WEI) if g.sub_item_id == "1")
    assert gap.examples, "the builder's sub-item 1 cites a title and example documents"
    for example in gap.examples:
        assert example in report.text.replace("\n", "").replace(" ", "") or example in report.html
    assert "《生命重于泰山——学习习近平总书记关于安全生产重要论述》" in report.html


def test_report_holds_only_its_own_departments_files() -> None:
    m = sample_matrix()
    yingji = render_department_report(m, YINGJI)
    for body in (yingji.text, yingji.html):
        assert "燃气企业名单" not in body  # 住建's file, even though 应急局's duplicate has its content
        assert "应急局转发的通知" not in body  # issued by 应急局 (counts for its cell) but submitted by 住建
        assert "县住房城乡建设局/" not in body
    assert "与其他单位已提交的文件内容相同" in yingji.text
    zhujian = render_department_report(m, ZHUJIAN)
    for body in (zhujian.text, zhujian.html):
        assert "燃气企业名单" in body
        assert "恶意" not in body and "2(3)-检查方案" not in body and "script" not in body


def test_html_escapes_hostile_names_and_loads_nothing() -> None:
    page = render_department_report(sample_matrix(), YINGJI).html
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;.pdf" in page
    assert "=HYPERLINK(&quot;http://x&quot;)恶意.docx" in page
    assert not re.search(r"(?:src|href)\s*=\s*[\"']?\s*(?:https?:)?//", page, re.IGNORECASE)
    assert not re.search(r"<link|@import|url\(|@font-face|<img|<iframe", page, re.IGNORECASE)
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert page.count("<html") == 1 and page.rstrip().endswith("</html>")


def test_department_name_is_escaped_in_html() -> None:
    odd = "县<b>测试</b>局"
    files = [understood(f"{odd}/x.docx", department=odd, kind="方案", matches=[("2(3)", 80)])]
    report = render_department_report(sample_matrix(files), odd)
    assert "<b>" not in report.html and "县&lt;b&gt;测试&lt;/b&gt;局" in report.html


def test_text_lines_fit_80_columns() -> None:
    m = sample_matrix()
    for dept in (YINGJI, ZHUJIAN, WEI):
        for line in render_department_report(m, dept).text.splitlines():
            assert display_width(line) <= 80, line


@pytest.mark.parametrize(
    ("today", "deadline", "expected"),
    [
        (date(2022, 12, 3), date(2022, 11, 30), "已逾期3天"),
        (date(2022, 11, 30), date(2022, 11, 30), "今天截止"),
        (date(2022, 11, 29), date(2022, 11, 30), "剩余1天"),
        (TODAY, None, "未设置截止日期"),
    ],
)
def test_deadline_wording(today: date, deadline: date | None, expected: str) -> None:
    report = render_department_report(sample_matrix(today=today, deadline=deadline), YINGJI)
    assert expected in report.text and expected in report.html


def test_gap_lines_change_with_the_gaps_not_with_the_date() -> None:
    before = render_department_report(sample_matrix(), YINGJI).gap_lines
    later = render_department_report(sample_matrix(today=date(2022, 11, 20)), YINGJI).gap_lines
    assert before == later
    assert any(line.startswith("2(3)｜部分｜") and "签到" in line for line in before)
    assert any(line.startswith("问题文件｜") and "加密" in line for line in before)
    extra = [
        understood("县应急局/2(3)-签到表.xlsx", kind="签到表", matches=[("2(3)", 80)]),
        understood("县应急局/2(3)-照片.jpg", kind="照片", matches=[("2(3)", 80)], file_format="image"),
    ]
    fixed = render_department_report(sample_matrix([*sample_files(), *extra]), YINGJI).gap_lines
    assert fixed != before and not any(line.startswith("2(3)｜") for line in fixed)


def test_write_department_reports_writes_every_department_with_safe_names(tmp_path: Path) -> None:
    odd = "县A/B:局"
    files = [*sample_files(), understood(f"{odd}/x.docx", department=odd, matches=[("99", 80)])]
    m = sample_matrix(files)
    written = write_department_reports(m, tmp_path / "reports")
    names = {p.name for p in written}
    expected = {*m.departments, odd}
    assert len(written) == 2 * len(expected)
    for dept in m.departments:
        assert {f"{dept}.html", f"{dept}.txt"} <= names
    assert {"县A_B_局.html", "县A_B_局.txt"} <= names
    assert all(p.parent == tmp_path / "reports" for p in written)
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == sorted(names)  # no temp files left
    text = (tmp_path / "reports" / f"{YINGJI}.txt").read_text(encoding="utf-8")
    assert text == render_department_report(m, YINGJI).text


def test_report_names_are_unique_even_when_sanitising_collides() -> None:
    names = report_names(["县A/局", "县A:局", "县应急局"])
    assert len(set(names.values())) == 3 and names["县应急局"] == "县应急局"


def test_report_on_the_real_rubric_without_files() -> None:
    rubric = read_rubric()
    m = build_matrix(rubric, [], departments=(), assessment_year=2022, today=TODAY)
    dept = "县住房城乡建设局"
    report = render_department_report(m, dept)
    assert m.gaps_for(dept)
    assert "7(2)" in report.text and "尚未收到本单位提交的文件" in report.text
    # a sub-item text cut short in the heading is given in full
    assert "考核要求：" + rubric.sub_item("7(2)").text in report.text.replace("\n      ", "")
    assert "缺失 0 项" not in report.text
    for line in report.text.splitlines():
        assert display_width(line) <= 80, line
