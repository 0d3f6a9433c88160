"""The static dashboard: what it shows, escaping, relative links only, and a render in headless Chromium."""

from __future__ import annotations

import html
import re
import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from pipeline.dashboard import render_dashboard, worst_gaps, write_dashboard
from pipeline.matrix import Matrix
from pipeline.reports import fmt_points, report_departments
from tests.builders.rubric_objects import YINGJI, ZHUJIAN
from tests.builders.understood import understood
from tests.pipeline.test_reports import sample_files, sample_matrix

CHROMIUM = Path("/usr/bin/chromium")
LINKS = {
    "完整性矩阵.xlsx": "完整性矩阵.xlsx",
    "evidence.csv": "evidence.csv",
    "matrix.csv": "matrix.csv",
}
WHEN = datetime(2022, 11, 1, 8, 30)


def _text(page: str) -> str:
    """Visible text, roughly: tags dropped, entities decoded, whitespace collapsed."""
    body = re.sub(r"<style.*?</style>", "", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def hostile_matrix() -> Matrix:
    evil = "县<script>alert(1)</script>局"
    files = [
        *sample_files(),
        understood(f"{evil}/=HYPERLINK(x).docx", department=evil, kind="方案", matches=[("2(3)", 80)]),
    ]
    return sample_matrix(files)


def test_dashboard_shows_score_parts_gaps_departments_and_links() -> None:
    m = sample_matrix()
    page = render_dashboard(m, links=LINKS, generated_at=WHEN)
    text = _text(page)
    assert f'<div class="score" id="projected">{fmt_points(m.projected)}</div>' in page
    assert f"{fmt_points(m.projected_low)}–{fmt_points(m.projected_high)}" in text
    assert "2022-11-01 08:30" in text
    for part in m.rubric.parts:
        assert f"{part.no}、{part.title}" in text
    gaps = [s for s in m.sub_items if s.status != "完成"]
    assert f'<span id="gap-count">{len(gaps)}</span>' in page
    for s in worst_gaps(m):
        assert f"<strong>{s.sub_item_id}</strong>" in page
    assert f'<strong id="problems">{len(m.problems)}</strong>' in page
    assert 'href="%E5%AE%8C%E6%95%B4%E6%80%A7%E7%9F%A9%E9%98%B5.xlsx"' in page
    assert 'href="evidence.csv"' in page
    for dept in report_departments(m):
        assert dept in text
    # departments ranked by their points at risk, each with the sum of its gaps
    table = page.split('id="departments"', 1)[1].split("</table>", 1)[0]
    ranked = re.findall(r'<td class="num">\d+</td><td>([^<]+)</td><td class="num">([\d.]+)</td>', table)
    assert [d for d, _ in ranked] and {d for d, _ in ranked} == set(report_departments(m))
    risks = [float(r) for _, r in ranked]
    assert risks == sorted(risks, reverse=True)
    for dept, risk in ranked:
        assert risk == fmt_points(sum(g.points_at_risk for g in m.gaps_for(dept)))


def test_progress_by_part_counts_every_sub_item_once() -> None:
    m = sample_matrix()
    page = render_dashboard(m, links=LINKS, generated_at=WHEN)
    table = page.split("分部分进度", 1)[1].split("</table>", 1)[0]
    counts = [int(n) for n in re.findall(r'<td class="num">(\d+)（', table)]
    assert sum(counts) == len(m.sub_items)


def test_worst_gaps_are_sorted_by_points_at_risk() -> None:
    m = sample_matrix()
    gaps = worst_gaps(m)
    assert 0 < len(gaps) <= 10
    assert [g.at_risk_high for g in gaps] == sorted((g.at_risk_high for g in gaps), reverse=True)
    assert all(g.status != "完成" for g in gaps)


def test_veto_and_bonus_are_shown_apart() -> None:
    m = sample_matrix()
    page = render_dashboard(m, links=LINKS, generated_at=WHEN)
    assert m.veto_item == 21
    veto = page.split('id="veto"', 1)[1].split("</section>", 1)[0]
    assert "一票否决项（第21项）" in veto and "不计入预测得分" in veto
    assert f'<strong id="bonus">{fmt_points(m.bonus_claimed)}</strong>' in page
    assert f"上限 {fmt_points(m.bonus_cap)} 分" in page


def test_workbook_link_is_found_by_label_or_path() -> None:
    m = sample_matrix()
    for links in ({"完整性矩阵": "完整性矩阵.xlsx"}, {"工作簿": "out/完整性矩阵.xlsx"}):
        page = render_dashboard(m, links=links, generated_at=WHEN)
        problems = page.split('id="problems"', 1)[1].split("</p>", 1)[0]
        assert "%E5%AE%8C%E6%95%B4%E6%80%A7%E7%9F%A9%E9%98%B5.xlsx" in problems
    page = render_dashboard(m, links={"evidence.csv": "evidence.csv"}, generated_at=WHEN)
    assert "问题文件表" not in page


def test_department_links_default_to_their_report_and_can_be_overridden() -> None:
    m = sample_matrix()
    page = render_dashboard(m, links={**LINKS, ZHUJIAN: "reports/zj.html"}, generated_at=WHEN)
    assert 'href="reports/%E5%8E%BF%E5%BA%94%E6%80%A5%E5%B1%80.html"' in page  # reports/县应急局.html
    assert 'href="reports/zj.html"' in page


def test_everything_is_escaped_and_nothing_external_is_loaded() -> None:
    page = render_dashboard(hostile_matrix(), links=LINKS, generated_at=WHEN)
    assert "<script" not in page.lower()
    assert "县&lt;script&gt;alert(1)&lt;/script&gt;局" in page
    assert not re.search(r"https?:|//[a-z]|<link|@import|url\(|@font-face|<img|<iframe", page, re.I)


@pytest.mark.parametrize(
    "bad", ["http://example.com/x.xlsx", "//host/x", "/etc/passwd", "javascript:alert(1)"]
)
def test_links_must_be_relative(bad: str) -> None:
    with pytest.raises(ValueError):
        render_dashboard(sample_matrix(), links={"x": bad})


def test_write_dashboard_writes_atomically(tmp_path: Path) -> None:
    path = tmp_path / "outbox" / "index.html"
    write_dashboard(sample_matrix(), path, links=LINKS, generated_at=WHEN)
    assert path.read_text(encoding="utf-8") == render_dashboard(
        sample_matrix(), links=LINKS, generated_at=WHEN
    )
    assert [p.name for p in path.parent.iterdir()] == ["index.html"]


# --------------------------------------------------------------------------------------------
# Headless Chromium
# --------------------------------------------------------------------------------------------

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def run_chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / "chromium-profile"
    profile.mkdir(exist_ok=True)
    return subprocess.run(
        [str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.chromium
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium")
def test_dashboard_renders_in_headless_chromium(tmp_path: Path) -> None:
    m = hostile_matrix()
    outbox = tmp_path / "outbox"
    path = outbox / "index.html"
    write_dashboard(m, path, links=LINKS, generated_at=WHEN)
    page = path.read_text(encoding="utf-8")
    assert not re.search(r"https?:", page), "the page must not name any network resource"

    done = run_chromium(tmp_path, "--dump-dom", path.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    # what the browser built from the page, not the page's source
    assert re.search(rf'id="projected"[^>]*>{re.escape(fmt_points(m.projected))}<', dom)
    gaps = sum(1 for s in m.sub_items if s.status != "完成")
    assert re.search(rf'id="gap-count"[^>]*>{gaps}<', dom)
    for dept in (YINGJI, ZHUJIAN):
        assert dept in dom
    assert "县&lt;script&gt;alert(1)&lt;/script&gt;局" in dom  # shown as text, never an element
    assert "<script" not in dom.lower()

    shot = tmp_path / "dashboard.png"
    done = run_chromium(tmp_path, "--screenshot=" + str(shot), "--window-size=1280,900", path.as_uri())
    assert done.returncode == 0 and shot.stat().st_size > 10_000, done.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
