"""Reader processes: files are read beside the run's own process, not in its threads.

Why processes. Speed: on a 2-core machine the run's process understands and records one batch while
a reader process reads the next; in threads the two took turns on one interpreter lock and a cold run
cost 1.5–1.7 × reading alone. Isolation: a file that crashes a parsing library (a segfault in a PDF
renderer, the kernel's out-of-memory killer) takes down a reader, not the run. That batch is then
read again one file at a time in a reader of its own, so only the culprit is lost — listed as a
problem and tried again on the next run — and the rest of the batch is read.

Readers are spawned, never forked (the run's process has threads), import the readers and nothing
else, ignore Ctrl-C (the run stops them) and exit when the run's process is gone. After each batch a
reader hands freed memory back to the system: an OCR pass leaves ~300 MB in malloc's free lists.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import gc
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace

from pipeline.models import Evidence, Problem, SourceFile
from pipeline.readers import ReadContext
from pipeline.reading import read_sources

CRASHED = "reader_crashed"
MSG_CRASHED = (
    "读取此文件时读取进程意外退出（文件可能触发了解析库的缺陷，或内存不足），本文件已跳过，下次运行会重试；"
    "如仍出错，请把文件交给技术人员"
)
# A file is read alone this many times before it is given up as the one that brings readers down.
ATTEMPTS_ALONE = 2


def can_spawn() -> bool:
    """A daemonic process (a Dask worker, a pool's own worker) may not start processes."""
    return not multiprocessing.current_process().daemon


def trim_heap() -> None:
    """Give the heap's free pages back to the system: glibc keeps them in the free lists of the arena
    (one per thread) that freed them, and a long run's process otherwise only ever grows."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):  # not glibc (musl): nothing to trim
            ctypes.CDLL("libc.so.6").malloc_trim(0)


def release_memory() -> None:
    """Collect cycles, then trim: a reader's batch leaves nothing behind."""
    gc.collect()
    trim_heap()


def _exit_with(parent: int) -> None:
    """A reader outlives no run: a run killed with SIGKILL cannot stop it, so it watches."""
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(0)


def _init_reader(parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with, args=(parent,), daemon=True, name="watch-run").start()


def _read_in_reader(sources: Sequence[SourceFile], ctx: ReadContext) -> list[Evidence]:
    try:
        return read_sources(sources, replace(ctx, workers=0))
    finally:
        release_memory()


def crashed(source: SourceFile, detail: str) -> Evidence:
    return Evidence(source, "", problems=(Problem(source.rel_path, CRASHED, MSG_CRASHED, detail),))


class ReaderPool:
    """``workers`` reader processes shared by the run's threads; replaced when one dies."""

    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)
        self._lock = threading.Lock()
        self._alone_lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None
        self._alone: ProcessPoolExecutor | None = None
        self.crashes = 0  # readers lost, for the tests and the log

    def _new(self, workers: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_reader,
            initargs=(os.getpid(),),
        )

    def _pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = self._new(self.workers)
            return self._executor

    def _discard(self, executor: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._executor is executor:
                self._executor = None
                self.crashes += 1
        executor.shutdown(wait=False, cancel_futures=True)

    def read(self, sources: Sequence[SourceFile], ctx: ReadContext) -> list[Evidence]:
        executor = self._pool()
        try:
            return executor.submit(_read_in_reader, list(sources), ctx).result()
        except BrokenProcessPool:
            self._discard(executor)
        # A file of this batch, or of one read alongside it, brought a reader down.
        with self._alone_lock:
            out: list[Evidence] = []
            for source in sources:
                out.extend(self._read_alone(source, ctx))
            return out

    def _read_alone(self, source: SourceFile, ctx: ReadContext) -> list[Evidence]:
        detail = ""
        for _ in range(ATTEMPTS_ALONE):
            if self._alone is None:
                self._alone = self._new(1)
            try:
                return self._alone.submit(_read_in_reader, [source], ctx).result()
            except BrokenProcessPool as e:
                detail = str(e)
                self._alone.shutdown(wait=False, cancel_futures=True)
                self._alone = None
                self.crashes += 1
        return [crashed(source, detail)]

    def close(self) -> None:
        with self._lock:
            executors = [e for e in (self._executor, self._alone) if e is not None]
            self._executor = self._alone = None
        for executor in executors:
            executor.shutdown(wait=True, cancel_futures=True)


_shared: dict[int, ReaderPool] = {}
_shared_lock = threading.Lock()


def shared(workers: int) -> ReaderPool:
    """This process's pool of ``workers`` readers, started on first use and kept until ``close_shared``."""
    with _shared_lock:
        pool = _shared.get(workers)
        if pool is None:
            pool = _shared[workers] = ReaderPool(workers)
        return pool


def close_shared() -> None:
    """Stop this process's readers (end of a run: ``evidence serve`` runs many in one process)."""
    with _shared_lock:
        pools = list(_shared.values())
        _shared.clear()
    for pool in pools:
        pool.close()


atexit.register(close_shared)
