"""`evidence rubric …` and `evidence departments`: output, exports, and typed errors as exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from pipeline.cli import build_parser, main
from pipeline.departments import bundled_departments_path, load_departments, resolve_department
from tests.builders.rubric_docx import build_rubric_docx

DEPARTMENTS = ["--departments", str(bundled_departments_path())]


@pytest.fixture(autouse=True)
def _isolated_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No ./evidence.toml or ./departments.toml of the working tree leaks into a test."""
    monkeypatch.chdir(tmp_path)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_rubric_without_subcommand_prints_the_summary(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "rubric", *DEPARTMENTS)
    assert code == 0 and not err
    assert "蓬溪县迎接市安办2022年度安全生产党政同责工作考核任务分解表" in out
    assert "考核年度：2022年" in out
    assert (
        "一、加强组织领导（13分" in out
        and "二、推动重点工作（50分" in out
        and "三、强化考核问效（37分" in out
    )
    assert "项目28项" in out and "子项105个" in out
    assert "校验提示：" in out


def test_rubric_show_prints_the_tree(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rubric", "show", *DEPARTMENTS)
    assert code == 0
    assert "（四）重点专项整治（17分）" in out and "7(4)" in out and "（默认）" in out


def test_rubric_option_before_or_after_the_subcommand(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = build_rubric_docx(tmp_path / "rubric.docx")
    for argv in (["rubric", "--rubric", str(path), "show"], ["rubric", "show", "--rubric", str(path)]):
        code, out, err = run(capsys, *argv, *DEPARTMENTS)
        assert code == 0, err
        assert "一、加强组织领导（13分）" in out
    missing = str(tmp_path / "none.txt")
    for argv in (["rubric", "--rubric", missing, "show"], ["rubric", "show", "--rubric", missing]):
        assert run(capsys, *argv)[0] == 2


def test_export_json_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rubric", "export", "--format", "json", *DEPARTMENTS)
    assert code == 0
    assert "加强组织领导" in out  # ensure_ascii=False: Chinese as written
    data = json.loads(out)
    assert data["year"] == 2022 and [p["points"] for p in data["parts"]] == [13, 50, 37]
    assert data["bonus"]["cap"] == 5


def test_export_json_and_xlsx_to_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_json = tmp_path / "rubric.json"
    code, out, _ = run(capsys, "rubric", "export", "--out", str(out_json), *DEPARTMENTS)
    assert code == 0 and str(out_json) in out
    assert json.loads(out_json.read_text(encoding="utf-8"))["title"].endswith("考核任务分解表")
    out_xlsx = tmp_path / "rubric.xlsx"
    code, _, _ = run(capsys, "rubric", "export", "--format", "xlsx", "--out", str(out_xlsx), *DEPARTMENTS)
    assert code == 0
    assert openpyxl.load_workbook(out_xlsx)["考核细则"].max_row == 106


def test_export_xlsx_needs_out(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "rubric", "export", "--format", "xlsx", *DEPARTMENTS)
    assert code == 2 and not out
    assert err.startswith("错误：") and "--out" in err


def test_rubric_check_lists_the_warnings(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rubric", "check", *DEPARTMENTS)
    assert code == 0
    assert "校验提示共" in out
    assert "第13项标题中的年份" in out and "合并单元格" in out and "已默认由" in out


def test_departments_lists_registry_and_unresolved_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    registry = load_departments(bundled_departments_path())
    code, out, _ = run(capsys, "departments", *DEPARTMENTS)
    assert code == 0
    first = registry.departments[0]
    assert first.name in out and first.kind in out
    assert "未设置" in out  # no e-mail configured by default
    assert "考核细则职责分工中的单位均已识别" in out

    assert not resolve_department("县气象局", registry).ok
    dump = (
        "附件\n某县2022年度考核任务分解表\n"
        "\t考评\n指标\n\t考评内容\n\t评分标准\n\t考核\n分值\n\t职责分工及提供内容\n\t佐证资料\n\n"
        "\t一、组织领导（100分）\n\t（一）责任落实（100分）\n\t1.唯一项\n\t扣1分。\n\t100\n"
        "\t县应急局、县气象局提供方案\n\t\n\n"
    )
    rubric = tmp_path / "small.txt"
    rubric.write_text(dump, encoding="utf-8")
    code, out, _ = run(capsys, "departments", "--rubric", str(rubric), *DEPARTMENTS)
    assert code == 0
    assert "未能识别的单位（1个" in out and "县气象局" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["rubric", "--rubric", "nowhere.txt"], "找不到考核细则文件"),
        (["rubric", "show", "--departments", "nowhere.toml"], "部门名册"),
        (["departments", "--departments", "nowhere.toml"], "部门名册"),
    ],
)
def test_typed_errors_exit_2_without_traceback(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert err.startswith("错误：") and message in err
    assert "Traceback" not in err


def test_bad_config_is_a_config_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "evidence.toml"
    config.write_text("rubric = [unclosed", encoding="utf-8")
    code, _, err = run(capsys, "--config", str(config), "rubric")
    assert code == 2 and "配置文件" in err


def test_parser_has_one_handler_per_subcommand() -> None:
    parser = build_parser()
    for argv in (["rubric"], ["rubric", "show"], ["rubric", "export"], ["rubric", "check"], ["departments"]):
        assert callable(parser.parse_args(argv).handler)
    assert main([]) == 0  # no command: help, not an error
