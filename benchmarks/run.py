"""The throughput benchmark of issue 7: files/s and peak RSS of whole runs against the reading floor.

Run: ``.venv/bin/python benchmarks/run.py --files 1000 [--files 10000] [--ocr-pages 0]``.

For each N it generates an inbox (``benchmarks/generate.py``) under ``benchmarks/out/`` and runs, each
phase in its own process so that peak RSS is the phase's own:

- start-up: ``evidence run`` on an empty inbox (interpreter, imports, Prefect, rubric, outputs);
- cold: ``evidence run`` with empty state;
- warm: the same again, nothing changed;
- changed: 1 % of the files rewritten with new content, then ``evidence run``;
- floor: the same files' raw text extraction alone — ``read_evidence`` over every file (zip members
  included) in a plain loop, no ledger, no matching, no outputs, no OCR cache.

Ratios (cold/floor, changed/cold, warm − start-up) are what to compare: they are measured in one
invocation, on the same files, with the page cache warmed first; absolute figures on a shared 2-core
machine drift with its load. With ``--ocr-pages K`` a separate inbox of K image-only PDF pages is
read (raw and by a cold run) and its pages/s reported apart. Results go to ``benchmarks/out/results.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

OUT = ROOT / "benchmarks" / "out"
DEPARTMENTS = ROOT / "departments.toml"
TARGET_COLD_OVER_FLOOR = 1.25
TARGET_WARM_EXTRA_S = 5.0
TARGET_CHANGED_SHARE = 0.10
TARGET_RSS_MB = 1024


# --------------------------------------------------------------------------------------------
# Child side: one phase, one process
# --------------------------------------------------------------------------------------------


def _rss_mb() -> tuple[float, float]:
    """Peak RSS of this process and of its waited-for children, in MB (ru_maxrss is KiB on Linux)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, kids


def _process_age() -> float:
    """Seconds since this process started (imports and interpreter start-up included)."""
    import psutil

    return time.time() - psutil.Process().create_time()


def child_flow(inbox: Path, outbox: Path) -> dict[str, Any]:
    from pipeline.cli import main

    code = main(["run", "--inbox", str(inbox), "--outbox", str(outbox), "--departments", str(DEPARTMENTS)])
    if code != 0:
        raise SystemExit(f"evidence run exited with {code}")
    own, kids = _rss_mb()
    return {"wall_s": _process_age(), "rss_mb": own, "children_rss_mb": kids}


def child_floor(inbox: Path, scratch: Path) -> dict[str, Any]:
    """Raw extraction: discover (hash), then read_evidence over every file and zip member."""
    from pipeline.config import Limits
    from pipeline.departments import load_departments
    from pipeline.discover import discover
    from pipeline.errors import ReaderError
    from pipeline.readers import ReadContext, read_evidence
    from pipeline.readers.archive import expand_zip

    registry = load_departments(DEPARTMENTS)
    t0 = time.perf_counter()
    files = discover(inbox, registry).files
    t1 = time.perf_counter()
    ctx = ReadContext(limits=Limits(), scratch=scratch, ocr_cache=None)
    chars = pages = ocr_pages = read = 0
    for source in files:
        members = expand_zip(source, scratch, ctx.limits)[0] if source.format == "zip" else [source]
        for member in members:
            try:
                ev = read_evidence(member, ctx)
            except ReaderError:
                continue
            read += 1
            chars += len(ev.text)
            pages += len(ev.pages)
            ocr_pages += sum(1 for p in ev.pages if p.ocr)
    t2 = time.perf_counter()
    own, kids = _rss_mb()
    return {
        "wall_s": _process_age(),
        "hash_s": t1 - t0,
        "read_s": t2 - t1,
        "files": len(files),
        "documents": read,
        "chars": chars,
        "pages": pages,
        "ocr_pages": ocr_pages,
        "rss_mb": own,
        "children_rss_mb": kids,
    }


# --------------------------------------------------------------------------------------------
# Parent side
# --------------------------------------------------------------------------------------------


@dataclass
class Phase:
    name: str
    wall_s: float
    rss_mb: float  # the phase process's own peak (ru_maxrss)
    tree_rss_mb: float  # peak of the process tree's summed RSS, sampled every 0.1 s
    detail: dict[str, Any] = field(default_factory=dict)
    # At the tree's peak: each role's RSS (the phase's own process, reader processes, the Prefect
    # server) and when it happened, in seconds from the phase's start.
    tree_at_peak: dict[str, float] = field(default_factory=dict)
    tree_peak_at_s: float = 0.0


def _role(cmdline: list[str]) -> str:
    text = " ".join(cmdline)
    if "uvicorn" in text or "prefect.server" in text:
        return "server"
    if "resource_tracker" in text:
        return "other"
    if "spawn_main" in text:
        return "reader"
    return "other"


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EVIDENCE_", "PREFECT_"))}
    env["PYTHONPATH"] = str(ROOT)
    return env


def run_phase(name: str, args: list[str], cwd: Path) -> Phase:
    """Run ``run.py --phase …`` as a child, sampling its tree's RSS; the child reports the rest."""
    import psutil

    result = cwd / f"{name}.json"
    result.unlink(missing_ok=True)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--phase", *args, "--result", str(result)]
    log = open(cwd / f"{name}.log", "w")  # noqa: SIM115 - closed below, after the child ends
    proc = subprocess.Popen(cmd, cwd=cwd, env=_env(), stdout=log, stderr=subprocess.STDOUT)
    peak, peak_at, at_peak = 0.0, 0.0, dict[str, float]()
    done = threading.Event()
    started = time.perf_counter()

    def sample() -> None:
        nonlocal peak, peak_at, at_peak
        roles: dict[int, str] = {}
        try:
            root = psutil.Process(proc.pid)
            while not done.is_set():
                parts: dict[str, float] = {}
                for p in (root, *root.children(recursive=True)):
                    with contextlib.suppress(psutil.Error):
                        if p.pid not in roles:
                            roles[p.pid] = "run" if p.pid == root.pid else _role(p.cmdline())
                        role = roles[p.pid]
                        parts[role] = parts.get(role, 0.0) + p.memory_info().rss / 2**20
                total = sum(parts.values())
                if total > peak:
                    peak, peak_at, at_peak = total, time.perf_counter() - started, parts
                done.wait(0.1)
        except psutil.Error:
            return

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = proc.wait()
    done.set()
    sampler.join()
    log.close()
    if code != 0:
        tail = (cwd / f"{name}.log").read_text(errors="replace")[-3000:]
        raise SystemExit(f"phase {name} failed ({code}):\n{tail}")
    data = json.loads(result.read_text())
    rounded = {k: float(round(v)) for k, v in sorted(at_peak.items())}
    return Phase(name, data.pop("wall_s"), data.pop("rss_mb"), peak, data, rounded, round(peak_at, 1))


def _parts(at_peak: dict[str, float]) -> str:
    names = {"run": "运行进程", "reader": "读取进程", "server": "Prefect 服务", "other": "其他"}
    return "，".join(f"{names.get(k, k)} {v:.0f}" for k, v in at_peak.items())


def _warm_page_cache(root: Path) -> int:
    total = 0
    for path in root.rglob("*"):
        if path.is_file():
            total += len(path.read_bytes())
    return total


def _commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        )
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True)
        return head.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except OSError:
        return "unknown"


def machine() -> dict[str, Any]:
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return {
        "nproc": os.cpu_count(),
        "ram_gb": round(mem / 2**30, 1),
        "python": platform.python_version(),
        "load_avg": os.getloadavg(),
        "commit": _commit(),
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }


def bench_n(n: int, seed: int, changed_share: float) -> dict[str, Any]:
    from benchmarks.generate import change, generate, plan, write_files

    work = OUT / f"n{n}"
    inbox, outbox, empty = work / "inbox", work / "outbox", work / "empty-inbox"
    stamp = work / "inbox.json"
    wanted = {"files": n, "seed": seed}
    if stamp.is_file() and json.loads(stamp.read_text()) == wanted:
        # An inbox generated earlier (and restored after its 1 % change) is reused; state starts empty.
        for child in work.iterdir():
            if child != inbox and child != stamp:
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        specs, gen_s = plan(n, seed=seed), 0.0
    else:
        shutil.rmtree(work, ignore_errors=True)
        t = time.perf_counter()
        specs = generate(inbox, n, seed=seed)
        gen_s = time.perf_counter() - t
        stamp.write_text(json.dumps(wanted))
    empty.mkdir(parents=True)
    size = _warm_page_cache(inbox)
    print(
        f"[N={n}] 生成（或沿用）{len(specs)} 个文件（{size / 1e6:.0f} MB），用时 {gen_s:.0f} 秒", flush=True
    )

    phases: dict[str, Phase] = {}

    def go(name: str, *args: str) -> Phase:
        phases[name] = p = run_phase(name, list(args), work)
        print(
            f"[N={n}] {name}: {p.wall_s:.1f} 秒，峰值内存 {p.rss_mb:.0f} MB（进程树 {p.tree_rss_mb:.0f} MB，"
            f"第 {p.tree_peak_at_s:.0f} 秒：{_parts(p.tree_at_peak)}）",
            flush=True,
        )
        return p

    # The first run on a fresh state folder also creates Prefect's database; later runs reuse it.
    go("startup-fresh", "flow", str(empty), str(work / "empty-outbox"))
    go("startup", "flow", str(empty), str(work / "empty-outbox"))
    go("floor", "floor", str(inbox), str(work / "floor-scratch"))
    go("cold", "flow", str(inbox), str(outbox))
    go("warm", "flow", str(inbox), str(outbox))
    chosen = change(inbox, specs, changed_share, seed=seed + 1)
    _warm_page_cache(inbox)
    go("changed", "flow", str(inbox), str(outbox))
    write_files(inbox, chosen)  # back to the generated content, so the inbox can be reused
    return summarise(n, len(chosen), size, gen_s, phases)


def summarise(n: int, changed: int, size: int, gen_s: float, phases: dict[str, Phase]) -> dict[str, Any]:
    start = phases["startup"].wall_s
    floor = phases["floor"]
    floor_s = floor.detail["read_s"]
    cold_work = phases["cold"].wall_s - phases["startup-fresh"].wall_s
    return {
        "files": n,
        "bytes": size,
        "changed_files": changed,
        "generate_s": gen_s,
        "phases": {k: asdict(v) for k, v in phases.items()},
        "startup_s": start,
        "startup_fresh_s": phases["startup-fresh"].wall_s,
        "floor_read_s": floor_s,
        "floor_hash_s": floor.detail["hash_s"],
        "cold_minus_startup_s": cold_work,
        "ratio_cold_floor": cold_work / floor_s,
        "ratio_cold_floor_incl_hash": cold_work / (floor_s + floor.detail["hash_s"]),
        "warm_minus_startup_s": phases["warm"].wall_s - start,
        "ratio_changed_cold": (phases["changed"].wall_s - start) / cold_work,
        "changed_minus_startup_s": phases["changed"].wall_s - start,
        "ratio_changed_cold_wall": phases["changed"].wall_s / phases["cold"].wall_s,
        "peak_rss_mb": max(p.tree_rss_mb for k, p in phases.items() if k != "floor"),
    }


def bench_ocr(pages: int, seed: int) -> dict[str, Any]:
    from benchmarks.generate import plan, write_files

    work = OUT / f"ocr{pages}"
    shutil.rmtree(work, ignore_errors=True)
    inbox = work / "inbox"
    specs = [s for s in plan(0, ocr_pages=pages, seed=seed) if s.kind == "scan"]
    write_files(inbox, specs)
    _warm_page_cache(inbox)
    raw = run_phase("ocr-floor", ["floor", str(inbox), str(work / "scratch")], work)
    flow = run_phase("ocr-cold", ["flow", str(inbox), str(work / "outbox")], work)
    ocr_pages = raw.detail["ocr_pages"]
    print(
        f"[OCR] {ocr_pages} 页：直接读取 {raw.detail['read_s']:.1f} 秒，完整运行 {flow.wall_s:.1f} 秒",
        flush=True,
    )
    return {
        "pages": ocr_pages,
        "files": len(specs),
        "read_s": raw.detail["read_s"],
        "pages_per_s": ocr_pages / raw.detail["read_s"],
        "flow_wall_s": flow.wall_s,
        "rss_mb": max(raw.tree_rss_mb, flow.tree_rss_mb),
        "phases": {"ocr-floor": asdict(raw), "ocr-cold": asdict(flow)},
    }


def _mark(ok: bool) -> str:
    return "达标" if ok else "未达标"


def table(results: dict[str, Any]) -> str:
    lines = [
        f"机器：{results['machine']['nproc']} 核，{results['machine']['ram_gb']} GB 内存，"
        f"提交 {results['machine']['commit']}，{results['machine']['date']}",
        "",
        "| N | 阶段 | 用时 s | 文件/秒 | 峰值内存 MB（进程/进程树） |",
        "|---|---|---:|---:|---:|",
    ]
    for r in results["runs"]:
        n = r["files"]
        for name, p in r["phases"].items():
            start = r["startup_fresh_s"] if name == "cold" else r["startup_s"]
            if name == "floor":
                secs = p["detail"]["read_s"]
                label = "floor（仅提取文本）"
            else:
                secs = p["wall_s"]
                label = {"startup-fresh": "启动（空收件箱，新状态）", "startup": "启动（空收件箱）", "cold": "冷启动", "warm": "重跑（无变化）",
                         "changed": f"1% 变化（{r['changed_files']} 个）"}[name]  # fmt: skip
            work = secs - start if name in ("cold", "warm", "changed") else secs
            rate = f"{n / work:.1f}" if not name.startswith("startup") and work > 0 else "—"
            lines.append(
                f"| {n} | {label} | {secs:.1f} | {rate} | {p['rss_mb']:.0f} / {p['tree_rss_mb']:.0f} |"
            )
    lines += ["", "| N | 指标 | 实测 | 目标 | 结论 |", "|---|---|---:|---:|---|"]
    for r in results["runs"]:
        n = r["files"]
        checks = [
            ("冷启动 ÷ floor（均扣除启动）", f"{r['ratio_cold_floor']:.2f}", f"≤ {TARGET_COLD_OVER_FLOOR}",
             r["ratio_cold_floor"] <= TARGET_COLD_OVER_FLOOR),
            ("重跑超出启动的时间", f"{r['warm_minus_startup_s']:.1f} s", f"≤ {TARGET_WARM_EXTRA_S} s",
             r["warm_minus_startup_s"] <= TARGET_WARM_EXTRA_S),
            ("1% 变化 ÷ 冷启动（均扣除启动）", f"{r['ratio_changed_cold']:.1%}", f"≤ {TARGET_CHANGED_SHARE:.0%}",
             r["ratio_changed_cold"] <= TARGET_CHANGED_SHARE),
            ("峰值内存（流程进程树）", f"{r['peak_rss_mb']:.0f} MB", f"≤ {TARGET_RSS_MB} MB",
             r["peak_rss_mb"] <= TARGET_RSS_MB),
        ]  # fmt: skip
        for label, got, want, ok in checks:
            lines.append(f"| {n} | {label} | {got} | {want} | {_mark(ok)} |")
    if results.get("ocr"):
        o = results["ocr"]
        lines += [
            "",
            f"OCR（另计）：{o['pages']} 页扫描件，直接读取 {o['read_s']:.1f} 秒 = {o['pages_per_s']:.2f} 页/秒；"
            f"完整运行 {o['flow_wall_s']:.1f} 秒；峰值内存 {o['rss_mb']:.0f} MB",
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="吞吐量基准测试（issue 7 §4）")
    parser.add_argument(
        "--files", type=int, action="append", help="文件数，可重复（默认 1000；只给 --ocr-pages 时不测）"
    )
    parser.add_argument("--ocr-pages", type=int, default=0, help="另测 OCR 的扫描页数（默认 0）")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--changed", type=float, default=0.01, help="变化的文件比例（默认 0.01）")
    parser.add_argument("--phase", nargs=3, metavar=("KIND", "INBOX", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.phase:
        kind, inbox, out = args.phase
        data = child_flow(Path(inbox), Path(out)) if kind == "flow" else child_floor(Path(inbox), Path(out))
        args.result.write_text(json.dumps(data))
        return 0

    OUT.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {"machine": machine(), "runs": [], "ocr": None}
    # ``--ocr-pages`` alone measures OCR alone; with neither option, N = 1,000.
    for n in args.files or ([] if args.ocr_pages > 0 else [1000]):
        results["runs"].append(bench_n(n, args.seed, args.changed))
        (OUT / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))
    if args.ocr_pages > 0:
        results["ocr"] = bench_ocr(args.ocr_pages, args.seed)
    results["machine"]["load_avg_end"] = os.getloadavg()
    (OUT / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
