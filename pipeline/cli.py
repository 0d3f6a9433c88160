"""The ``evidence`` command: a thin layer that reads arguments, calls the library, prints Chinese.

One function per subcommand (``cmd_*``), wired in ``build_parser()``; new subcommands (run, demo,
inspect, assign, report, serve) add a ``cmd_*`` and a few lines there. Typed errors of the library
become a Chinese message on stderr and exit code 2 — never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from pipeline.config import Config, load_config
from pipeline.departments import DepartmentRegistry, load_departments
from pipeline.errors import EvidenceDeskError
from pipeline.models import Rubric
from pipeline.rubric import (
    check_rubric,
    format_rubric_summary,
    format_rubric_tree,
    read_rubric,
    rubric_to_json,
    unresolved_department_names,
    write_rubric_xlsx,
)

EXIT_OK = 0
EXIT_ERROR = 2  # a typed error: bad rubric, registry or configuration

Handler = Callable[[argparse.Namespace], int]


# ---- shared loading ------------------------------------------------------------------------------


def _config(args: argparse.Namespace) -> Config:
    return load_config(getattr(args, "config", None))


def _registry(args: argparse.Namespace, config: Config) -> DepartmentRegistry:
    path = getattr(args, "departments", None) or config.departments
    return load_departments(Path(path) if path else None)


def _rubric(args: argparse.Namespace) -> Rubric:
    config = _config(args)
    path = getattr(args, "rubric", None) or config.rubric
    return read_rubric(
        Path(path) if path else None,
        registry=_registry(args, config),
        default_owner=config.default_owner,
        year=getattr(args, "year", None) or config.assessment_year,
    )


def _print(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


# ---- subcommands -------------------------------------------------------------------------------


def cmd_rubric_summary(args: argparse.Namespace) -> int:
    """``evidence rubric``: title, year, parts with points, counts, number of warnings."""
    _print(format_rubric_summary(_rubric(args)))
    return EXIT_OK


def cmd_rubric_show(args: argparse.Namespace) -> int:
    _print(format_rubric_tree(_rubric(args)))
    return EXIT_OK


def cmd_rubric_export(args: argparse.Namespace) -> int:
    rubric = _rubric(args)
    out: Path | None = args.out
    if args.format == "xlsx":
        if out is None:
            raise _UsageError("导出 Excel 需要用 --out 指定文件，例如 --out 考核细则.xlsx")
        write_rubric_xlsx(rubric, out)
        _print(f"已导出考核细则（{sum(1 for _ in rubric.sub_items())}个子项）：{out}")
        return EXIT_OK
    text = json.dumps(rubric_to_json(rubric), ensure_ascii=False, indent=2)
    if out is None:
        _print(text)
        return EXIT_OK
    try:
        out.write_text(text + "\n", encoding="utf-8")
    except OSError as e:
        raise _UsageError(f"无法写入文件：{out}（{e.strerror or e}）") from e
    _print(f"已导出考核细则 JSON：{out}")
    return EXIT_OK


def cmd_rubric_check(args: argparse.Namespace) -> int:
    """The validation report. Warnings are findings, not failures: the exit code stays 0."""
    rubric = _rubric(args)
    warnings = check_rubric(rubric)
    _print(f"{rubric.title}（{rubric.year}年度）")
    if not warnings:
        _print("校验通过，没有发现问题。")
        return EXIT_OK
    _print(f"校验提示共{len(warnings)}条：")
    for index, warning in enumerate(warnings, start=1):
        _print(f"{index:>3}. {warning}")
    return EXIT_OK


def cmd_departments(args: argparse.Namespace) -> int:
    """The registry (name, kind, aliases, email) and the rubric's 职责分工 names it cannot resolve."""
    config = _config(args)
    registry = _registry(args, config)
    _print(f"部门名册：{registry.source}（共{len(registry.departments)}个单位）")
    for department in registry.departments:
        aliases = "、".join(department.aliases) or "无"
        email = "、".join(department.email) or "未设置"
        _print(f"  {department.name}｜{department.kind}｜别名：{aliases}｜邮箱：{email}")
    if registry.groups:
        _print(f"统称（{len(registry.groups)}个）：")
        for group in registry.groups:
            _print(f"  {group.name} → {'、'.join(group.members)}")
    rubric_path = getattr(args, "rubric", None) or config.rubric
    rubric = read_rubric(
        Path(rubric_path) if rubric_path else None,
        registry=registry,
        default_owner=config.default_owner,
        year=config.assessment_year,
    )
    unresolved = unresolved_department_names(rubric, registry)
    if unresolved:
        _print(f"考核细则职责分工中未能识别的单位（{len(unresolved)}个，请在部门名册中补充别名）：")
        for name in unresolved:
            _print(f"  {name}")
    else:
        _print("考核细则职责分工中的单位均已识别。")
    return EXIT_OK


class _UsageError(EvidenceDeskError):
    """A command-line mistake that argparse cannot see (e.g. xlsx export without --out)."""


# ---- parser ------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="evidence",
        description="安全生产党政同责考核佐证资料收集与核对工具",
    )
    parser.add_argument("--config", type=Path, default=None, help="配置文件（默认 ./evidence.toml）")
    commands = parser.add_subparsers(dest="command", metavar="命令")

    # Leaf parsers use SUPPRESS so an option given before the subcommand is not reset by it.
    def rubric_options(p: argparse.ArgumentParser, *, suppress: bool) -> None:
        default = argparse.SUPPRESS if suppress else None
        p.add_argument(
            "--rubric", type=Path, default=default, help="考核细则文件（.txt/.docx/.xlsx，默认内置2022年表）"
        )
        p.add_argument("--departments", type=Path, default=default, help="部门名册 departments.toml")
        p.add_argument("--year", type=int, default=default, help="考核年度（默认取自考核细则标题）")

    rubric = commands.add_parser("rubric", help="考核细则：摘要、树状显示、导出、校验")
    rubric_options(rubric, suppress=False)
    rubric.set_defaults(handler=cmd_rubric_summary)
    rubric_commands = rubric.add_subparsers(dest="rubric_command", metavar="子命令")

    show = rubric_commands.add_parser("show", help="以树状显示考核细则及分值")
    rubric_options(show, suppress=True)
    show.set_defaults(handler=cmd_rubric_show)

    export = rubric_commands.add_parser("export", help="导出为 JSON 或 Excel")
    rubric_options(export, suppress=True)
    export.add_argument("--format", choices=("json", "xlsx"), default="json", help="导出格式（默认 json）")
    export.add_argument("--out", type=Path, default=None, help="输出文件（json 不指定时输出到屏幕）")
    export.set_defaults(handler=cmd_rubric_export)

    check = rubric_commands.add_parser("check", help="校验考核细则（分值合计、编号、责任单位、年份）")
    rubric_options(check, suppress=True)
    check.set_defaults(handler=cmd_rubric_check)

    departments = commands.add_parser("departments", help="部门名册及未能识别的单位名称")
    departments.add_argument("--departments", type=Path, default=None, help="部门名册 departments.toml")
    departments.add_argument("--rubric", type=Path, default=None, help="考核细则文件（默认内置2022年表）")
    departments.set_defaults(handler=cmd_departments)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return EXIT_OK
    try:
        return handler(args)
    except EvidenceDeskError as e:
        sys.stderr.write(f"错误：{e.message}\n")
        if e.detail:
            sys.stderr.write(f"（详情：{e.detail}）\n")
        return EXIT_ERROR
    except KeyboardInterrupt:
        sys.stderr.write("已中断。\n")
        return 130
    except BrokenPipeError:
        # the reader of our output went away (`evidence rubric show | head`): not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
