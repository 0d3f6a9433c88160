"""The ``evidence`` command: a thin layer that reads arguments, calls the library, prints Chinese.

One function per subcommand (``cmd_*``), wired in ``build_parser()``; new subcommands (run, demo,
inspect, assign, report, serve) add a ``cmd_*`` and a few lines there. Typed errors of the library
become a Chinese message on stderr and exit code 2 — never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
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


# ---- the pipeline ----------------------------------------------------------------------------


def _run_config(args: argparse.Namespace) -> Config:
    return load_config(
        getattr(args, "config", None),
        inbox=getattr(args, "inbox", None),
        outbox=getattr(args, "outbox", None),
        departments=getattr(args, "departments", None),
    )


def _inbox_is_empty(inbox: Path) -> bool:
    if not inbox.exists():
        return True
    return not any(p.name != "README.md" for p in inbox.iterdir())


def cmd_run(args: argparse.Namespace) -> int:
    config = _run_config(args)
    if args.demo and _inbox_is_empty(config.inbox):
        from pipeline.demo import write_demo_inbox

        manifest = write_demo_inbox(config.inbox, force=True)
        _print(f"收件箱为空，已生成演示资料 {len(manifest.files)} 个文件：{config.inbox}")
    from pipeline.runtime import STARTUP_TIMEOUT_S, configure_prefect

    configure_prefect(config.state)
    server = None
    if not os.environ.get("PREFECT_API_URL"):
        from flows.localserver import TemporaryServer

        server = TemporaryServer(config)  # boots while the run imports its libraries
    try:
        from flows.evidence_flow import evidence_run  # imports prefect: after the environment is set
        from flows.localserver import ServerNotReady
        from pipeline.stages import format_summary

        try:
            api = server.serving(STARTUP_TIMEOUT_S) if server else contextlib.nullcontext()
            with api:
                summary = evidence_run(
                    config_file=str(args.config) if getattr(args, "config", None) else None,
                    inbox=str(config.inbox),
                    outbox=str(config.outbox),
                    departments=str(config.departments) if config.departments else None,
                )
        except ServerNotReady as e:
            raise _UsageError(str(e)) from e
    finally:
        if server is not None:
            server.stop()
    _print(format_summary(summary))
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from pipeline.ledger import Ledger
    from pipeline.stages import (
        attach_examples,
        compute_matrix,
        open_workspace,
        rescore_recorded,
        today_in,
        write_outputs,
    )

    config = _run_config(args)
    if not (config.state / "ledger.sqlite3").exists():
        raise _UsageError(f"还没有运行记录（{config.state}），请先运行 evidence run")
    ws = open_workspace(config)
    with Ledger.for_config(config) as ledger:
        ws = attach_examples(ledger, ws)
        rescored = rescore_recorded(ledger, ws)
        if rescored:
            _print(f"已按新的人工指定、样例或细则重新匹配 {rescored} 份文件。")
        matrix = compute_matrix(ledger, ws, today_in(config.timezone))
    outputs = write_outputs(matrix, ws)
    _print(
        f"已根据台账重新生成报表（未重新读取文件）。预计得分 {matrix.projected:.1f} 分"
        f"（区间 {matrix.projected_low:.1f}–{matrix.projected_high:.1f}）"
        + (f"，{matrix.recorded_outcomes}" if matrix.recorded_outcomes else "")
        + "。\n"
        f"输出：{outputs.workbook}、{outputs.dashboard}、{config.outbox / 'reports'}、{outputs.binder}"
    )
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from pipeline.demo import write_demo_inbox

    config = _run_config(args)
    manifest = write_demo_inbox(config.inbox, force=args.force)
    _print(f"已在 {config.inbox} 生成演示资料 {len(manifest.files)} 个文件。运行 evidence run 处理它们。")
    return EXIT_OK


def cmd_inspect(args: argparse.Namespace) -> int:
    from pipeline.inspect import inspect_files

    config = _run_config(args)
    for record in inspect_files([Path(f) for f in args.files], config):
        if args.json:
            _print(json.dumps(record.to_json(), ensure_ascii=False, sort_keys=True))
        else:
            _print(record.to_text())
    return EXIT_OK


def cmd_assign(args: argparse.Namespace) -> int:
    from pipeline.inspect import assign_file

    config = _run_config(args)
    if not args.none and not args.sub_items:
        raise _UsageError("请给出指标编号（如 7(2)），或用 --none 标记为“不是佐证”")
    _print(assign_file(Path(args.file), None if args.none else list(args.sub_items), config, note=args.note))
    return EXIT_OK


def cmd_occurred(args: argparse.Namespace) -> int:
    from pipeline.inspect import record_outcome

    config = _run_config(args)
    _print(record_outcome(args.sub_item, args.deduct, config, note=args.note, clear=args.clear))
    return EXIT_OK


def cmd_learn(args: argparse.Namespace) -> int:
    from pipeline.learning import forget_learnt, learn_binder

    config = _run_config(args)
    if args.forget:
        _print(f"已清除 {forget_learnt(config)} 份学习样例（人工指定不受影响）。")
        return EXIT_OK
    if not args.directory:
        raise _UsageError("请给出往年迎检资料所在的文件夹，例如 evidence learn 2021年迎检资料")
    _print(learn_binder(Path(args.directory), config).summary())
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    config = _run_config(args)
    from pipeline.runtime import configure_prefect

    configure_prefect(config.state)
    server = None
    if args.pool and not os.environ.get("PREFECT_API_URL"):
        # A deployment on a private local server would reach no worker (and leave that server running).
        raise _UsageError(
            f"使用 --pool 时请先设置 PREFECT_API_URL，指向各县共用的 Prefect 服务（工作池 {args.pool} 所在）"
        )
    if not os.environ.get("PREFECT_API_URL"):
        from flows.localserver import start_local_server

        _print(f"正在启动本地 Prefect 服务（127.0.0.1:{config.serve_port}）…")
        try:
            server = start_local_server(config)
        except RuntimeError as e:
            raise _UsageError(str(e)) from e
    from flows.serve import serve  # imports prefect: after PREFECT_API_URL is set

    return serve(
        config,
        server=server,
        config_file=args.config,
        cron=args.cron,
        pool=args.pool,
        watch=not args.no_watch,
    )


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

    def run_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--inbox", type=Path, default=None, help="收件箱目录（默认 inbox）")
        p.add_argument("--outbox", type=Path, default=None, help="输出目录（默认 outbox）")
        p.add_argument(
            "--departments", type=Path, default=None, help="部门名册（默认 ./departments.toml 或内置）"
        )

    run = commands.add_parser("run", help="运行一次完整流程：读取、理解、匹配、报表、提醒")
    run_options(run)
    run.add_argument("--demo", action="store_true", help="收件箱为空时先生成演示资料")
    run.set_defaults(handler=cmd_run)

    report = commands.add_parser("report", help="根据台账重新生成全部报表（不重新读取文件）")
    run_options(report)
    report.set_defaults(handler=cmd_report)

    demo = commands.add_parser("demo", help="在收件箱生成一套演示资料")
    run_options(demo)
    demo.add_argument("--force", action="store_true", help="收件箱不为空时也写入")
    demo.set_defaults(handler=cmd_demo)

    inspect = commands.add_parser("inspect", help="查看系统对若干文件的理解（不写入台账）")
    run_options(inspect)
    inspect.add_argument("files", nargs="+", help="文件路径")
    inspect.add_argument("--json", action="store_true", help="每个文件输出一行 JSON")
    inspect.set_defaults(handler=cmd_inspect)

    assign = commands.add_parser("assign", help="人工指定文件对应的指标，或标记为“不是佐证”")
    run_options(assign)
    assign.add_argument("file", help="收件箱中的文件")
    assign.add_argument("sub_items", nargs="*", help="指标编号，如 7(2) 9(1)")
    assign.add_argument("--none", action="store_true", help="标记为“不是佐证”")
    assign.add_argument("--note", default="", help="备注")
    assign.set_defaults(handler=cmd_assign)

    occurred = commands.add_parser(
        "occurred", help="登记结果类指标已发生的扣分情形（发生事故、被通报等），预计得分随之核减"
    )
    run_options(occurred)
    occurred.add_argument("sub_item", help="结果类指标编号，如 23(3)")
    occurred.add_argument("--deduct", type=float, default=None, help="扣分；不写则按细则各扣分情形各扣一次计")
    occurred.add_argument("--note", default="", help="备注，如事故名称、通报文号")
    occurred.add_argument("--clear", action="store_true", help="撤销此前的登记")
    occurred.set_defaults(handler=cmd_occurred)

    learn = commands.add_parser("learn", help="从往年迎检资料（按指标归档的文件夹）学习匹配样例")
    run_options(learn)
    learn.add_argument("directory", nargs="?", help="往年资料文件夹（文件夹或文件名含指标编号或指标名称）")
    learn.add_argument("--forget", action="store_true", help="清除已学习的样例")
    learn.set_defaults(handler=cmd_learn)

    serve = commands.add_parser("serve", help="常驻运行：每晚定时运行，收件箱有新文件时运行")
    run_options(serve)
    serve.add_argument("--cron", default=None, help="定时（默认取配置，0 2 * * *，Asia/Shanghai）")
    serve.add_argument("--pool", default=None, help="使用 Prefect 工作池（多县共用一台服务器）")
    serve.add_argument("--no-watch", action="store_true", help="不监视收件箱，只按定时运行")
    serve.set_defaults(handler=cmd_serve)
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
