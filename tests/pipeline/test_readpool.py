"""Reader processes: the same evidence as reading in the run's process; a file that kills its reader
is the only one lost; readers do not outlive a run killed with SIGKILL.

A library crash is simulated the only way a test can make one happen on demand: the reader
processes start with a ``sitecustomize`` (on ``PYTHONPATH``, which spawned processes inherit) that
wraps the text reader so that a file whose name contains ``crash-me`` raises SIGSEGV in the reader.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import psutil
import pytest

from pipeline import readpool
from pipeline.models import Evidence
from pipeline.readers import base
from pipeline.reading import FAILED, read_one, read_sources
from tests.builders.office import read_context, source_for, write_docx, write_xlsx

PROJECT = Path(__file__).resolve().parents[2]

SEGFAULT_ON_NAME = textwrap.dedent(
    """
    import os, signal
    import pipeline.readers.text  # registers the txt reader
    from pipeline.readers import base

    _real = base._READERS["txt"]

    def _crashing(source, ctx):
        if "crash-me" in source.rel_path:
            os.kill(os.getpid(), signal.SIGSEGV)
        return _real(source, ctx)

    base._READERS["txt"] = _crashing
    """
)


def _essence(evidence: list[Evidence]) -> list[tuple[str, str, int, tuple[str, ...]]]:
    return [(e.source.rel_path, e.text, len(e.tables), tuple(p.code for p in e.problems)) for e in evidence]


def _files(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    docx = write_docx(folder / "通知.docx", ["关于开展安全生产大检查的通知", "蓬安办发〔2022〕12号"])
    xlsx = write_xlsx(
        folder / "台账.xlsx", {"隐患": [["序号", "隐患描述", "整改情况"], [1, "灭火器过期", "已整改"]]}
    )
    txt = folder / "说明.txt"
    txt.write_text("县应急局关于安全生产月活动的情况说明", encoding="utf-8")
    broken = folder / "损坏.docx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    return [docx, xlsx, txt, broken]


def test_a_reader_process_reads_what_the_run_process_reads(tmp_path: Path) -> None:
    sources = [source_for(p) for p in _files(tmp_path / "in")]
    ctx = read_context(tmp_path)
    pool = readpool.ReaderPool(1)
    try:
        in_reader = pool.read(sources, ctx)
    finally:
        pool.close()
    assert _essence(in_reader) == _essence(read_sources(sources, ctx))
    assert [e.problems[0].code for e in in_reader if e.problems] == ["corrupt"]
    assert pool.crashes == 0


@pytest.mark.slow
def test_a_file_that_kills_its_reader_is_the_only_one_lost(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(SEGFAULT_ON_NAME, encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(hook), str(PROJECT)]))
    folder = tmp_path / "in"
    files = _files(folder)
    culprit = folder / "crash-me.txt"
    culprit.write_text("这个文件让读取进程崩溃", encoding="utf-8")
    sources = [source_for(p) for p in [files[0], culprit, *files[1:]]]
    ctx = read_context(tmp_path)

    pool = readpool.ReaderPool(1)
    try:
        evidence = pool.read(sources, ctx)
        again = pool.read([source_for(files[2])], ctx)  # the pool was replaced and still reads
    finally:
        pool.close()

    by_path = {e.source.rel_path: e for e in evidence}
    assert list(by_path) == [s.rel_path for s in sources]  # every file accounted for, in order
    lost = by_path[sources[1].rel_path]
    assert [p.code for p in lost.problems] == [readpool.CRASHED]
    assert "读取进程意外退出" in lost.problems[0].message
    assert "安全生产大检查" in by_path[sources[0].rel_path].text
    assert "安全生产月" in by_path[sources[3].rel_path].text
    assert [p.code for p in by_path[sources[4].rel_path].problems] == ["corrupt"]
    # one crash of the whole batch, then the culprit alone, twice
    assert pool.crashes == 1 + readpool.ATTEMPTS_ALONE
    assert "安全生产月" in again[0].text


def test_an_unexpected_reader_error_is_the_files_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    txt = tmp_path / "说明.txt"
    txt.write_text("内容", encoding="utf-8")

    def broken_reader(source: object, ctx: object) -> Evidence:
        raise KeyError("a library bug")

    monkeypatch.setitem(base._READERS, "txt", broken_reader)
    ev = read_one(source_for(txt), read_context(tmp_path))
    assert [p.code for p in ev.problems] == [FAILED]
    assert "下次运行会重试" in ev.problems[0].message
    assert "KeyError" in ev.problems[0].detail


@pytest.mark.slow
def test_readers_do_not_outlive_a_run_killed_with_sigkill(tmp_path: Path) -> None:
    files = _files(tmp_path / "in")
    script = textwrap.dedent(
        f"""
        import os, sys, time
        from pathlib import Path
        from pipeline import readpool
        from tests.builders.office import read_context, source_for
        pool = readpool.shared(1)
        pool.read([source_for(Path({str(files[2])!r}))], read_context(Path({str(tmp_path)!r})))
        print("read", flush=True)
        time.sleep(600)
        """
    )
    run = subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=PROJECT,
        env={**os.environ, "PYTHONPATH": str(PROJECT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    readers: list[psutil.Process] = []
    try:
        assert run.stdout is not None and run.stdout.readline().strip() == "read"
        readers = psutil.Process(run.pid).children(recursive=True)
        assert readers, "no reader process was started"
        os.kill(run.pid, signal.SIGKILL)
        run.wait(timeout=10)
        _, alive = psutil.wait_procs(readers, timeout=10)
        assert not alive, f"readers still running after the run was killed: {[p.pid for p in alive]}"
    finally:
        if run.poll() is None:
            run.kill()
        for reader in readers:
            with contextlib.suppress(psutil.Error):
                reader.kill()
