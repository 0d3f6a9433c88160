"""Waiting for an inbox to settle: shares over SMB write slowly, so a run starts only once no file
has changed size or time for ``quiet_s`` seconds."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

Snapshot = dict[str, tuple[int, int]]


def snapshot(folder: Path) -> Snapshot:
    """(size, mtime_ns) of every regular file under ``folder``; symlinks are not followed."""
    out: Snapshot = {}
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs.sort()
        for name in files:
            path = os.path.join(root, name)
            try:
                st = os.lstat(path)
            except OSError:
                continue
            out[path] = (st.st_size, st.st_mtime_ns)
    return out


def wait_until_stable(
    take: Callable[[], Snapshot],
    *,
    quiet_s: float = 30.0,
    poll_s: float = 5.0,
    max_wait_s: float = 3600.0,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> bool:
    """True once ``take()`` returned the same snapshot for ``quiet_s``; False after ``max_wait_s``."""
    start = clock()
    last = take()
    since = clock()
    while clock() - start < max_wait_s:
        if clock() - since >= quiet_s:
            return True
        sleep(min(poll_s, quiet_s))
        current = take()
        if current != last:
            last, since = current, clock()
    return False
