"""``evidence serve`` end to end: it starts its own Prefect server on 127.0.0.1, shows its schedule,
runs when a file lands in the inbox, and stops cleanly — server included — on Ctrl-C (SIGINT)."""

from __future__ import annotations

import csv
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from flows.serve import STOP_GRACE_S
from tests.builders.inbox import NEW_FILE, add_new_file, write_config
from tests.builders.net import free_port, port_open

PROJECT = Path(__file__).resolve().parents[2]
SCHEDULE = "定时运行：0 2 * * *（Asia/Shanghai）"


class Output:
    """The lines a subprocess prints, collected by a thread so the test can wait for one."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self._queue: queue.Queue[str] = queue.Queue()
        assert process.stdout is not None
        stream = process.stdout
        threading.Thread(target=lambda: [self._queue.put(line) for line in stream], daemon=True).start()

    def wait_for(self, text: str, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        if any(text in line for line in self.lines):
            return True
        while time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=0.5)
            except queue.Empty:
                continue
            self.lines.append(line)
            if text in line:
                return True
        return False

    def drain(self) -> str:
        while True:
            try:
                self.lines.append(self._queue.get(timeout=1))
            except queue.Empty:
                return "".join(self.lines)


def _evidence_csv_files(outbox: Path) -> set[str]:
    try:
        with (outbox / "evidence.csv").open(encoding="utf-8-sig", newline="") as f:
            return {row["file"] for row in csv.DictReader(f)}
    except (FileNotFoundError, KeyError):
        return set()


@pytest.mark.slow
def test_serve_shows_its_schedule_runs_on_a_new_file_and_stops_on_sigint(tmp_path: Path) -> None:
    port = free_port()
    write_config(tmp_path / "evidence.toml", {"serve_port": port, "watch_quiet_s": 2})
    (tmp_path / "inbox" / NEW_FILE.split("/")[0]).mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "EVIDENCE_"))}
    env.update(DO_NOT_TRACK="1", PYTHONUNBUFFERED="1", PYTHONPATH=str(PROJECT))
    code = "import sys; from pipeline.cli import main; sys.exit(main(['serve']))"
    process = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # Ctrl-C goes to it alone, as from its terminal
    )
    out = Output(process)
    try:
        assert out.wait_for(SCHEDULE, timeout=120), out.drain()
        assert port_open(port), "the local Prefect server answers on 127.0.0.1"
        assert out.wait_for("按 Ctrl-C 停止。", timeout=10), out.drain()
        time.sleep(1)  # the watcher thread starts with serve(); give it a moment to watch
        add_new_file(tmp_path / "inbox")
        deadline = time.monotonic() + 180
        while NEW_FILE not in _evidence_csv_files(tmp_path / "outbox") and time.monotonic() < deadline:
            assert process.poll() is None, out.drain()
            time.sleep(1)
        assert NEW_FILE in _evidence_csv_files(tmp_path / "outbox"), out.drain()
        assert out.wait_for("收件箱有新文件且已停止变化，开始运行。", timeout=1), out.drain()
        assert out.wait_for("Finished in state Completed()", timeout=120), out.drain()  # reminders too
        process.send_signal(signal.SIGINT)
        stopping = time.monotonic()
        try:  # the watchdog ends it STOP_GRACE_S after Ctrl-C if Prefect's runner hangs
            code_ = process.wait(timeout=STOP_GRACE_S + 45)
        except subprocess.TimeoutExpired:
            pytest.fail(f"serve did not stop within {STOP_GRACE_S + 45:.0f} s of Ctrl-C:\n{out.drain()}")
        print(f"serve stopped {time.monotonic() - stopping:.1f} s after Ctrl-C")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    text = out.drain()
    assert code_ == 0, text
    assert "已停止。" in text or "已停止（强制）。" in text, text
    assert "Traceback" not in text, text
    time.sleep(0.5)
    assert not port_open(port), "the Prefect server stopped with it"
    assert (tmp_path / "outbox" / ".state" / "prefect").is_dir(), "Prefect's home is in the state folder"


def test_a_file_that_lands_before_the_watch_is_set_up_still_triggers_a_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows import serve as served
    from pipeline.config import Config
    from pipeline.watch import snapshot

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    baseline = snapshot(inbox)  # serve() starts here ...
    add_new_file(inbox)  # ... a department drops a file before the watcher thread runs
    stop = threading.Event()
    triggered: list[float] = []

    def _trigger(stop_: threading.Event) -> None:
        triggered.append(time.monotonic())
        stop_.set()

    monkeypatch.setattr(served, "_trigger", _trigger)
    config = Config(inbox=inbox, outbox=tmp_path / "outbox", watch_quiet_s=0.5)
    watcher = threading.Thread(target=served._watch, args=(config, stop, baseline), daemon=True)
    watcher.start()
    watcher.join(timeout=30)
    stop.set()
    assert triggered, "the file that landed before the watch began was not noticed"


def test_an_unchanged_inbox_does_not_trigger_a_run_at_the_first_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows import serve as served
    from pipeline.config import Config
    from pipeline.watch import snapshot

    inbox = tmp_path / "inbox"
    add_new_file(inbox)
    stop = threading.Event()
    triggered: list[float] = []
    monkeypatch.setattr(served, "_trigger", lambda stop_: triggered.append(time.monotonic()))
    config = Config(inbox=inbox, outbox=tmp_path / "outbox", watch_quiet_s=0.5)
    watcher = threading.Thread(target=served._watch, args=(config, stop, snapshot(inbox)), daemon=True)
    watcher.start()
    time.sleep(6)  # past the watch's first timeout (2 s) and two more
    stop.set()
    watcher.join(timeout=10)
    assert not triggered


HANGING_RUNNER = """
import signal, subprocess, sys, threading, time
from flows import serve as served
served.STOP_GRACE_S = 2.0
server = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
stopper = served._Stopper(threading.Event(), server)
stopper.graceful = lambda: None  # a runner whose shutdown never ends
signal.signal(signal.SIGINT, stopper.on_signal)
print(server.pid, flush=True)
while True:
    time.sleep(0.1)
"""


@pytest.mark.parametrize("presses", [1, 2])
def test_ctrl_c_ends_serve_and_its_server_when_the_runner_does_not_stop(presses: int) -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", HANGING_RUNNER],
        env={**os.environ, "PYTHONPATH": str(PROJECT), "DO_NOT_TRACK": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    server_pid = int(process.stdout.readline())
    pressed = time.monotonic()
    for _ in range(presses):
        process.send_signal(signal.SIGINT)
        time.sleep(0.2)
    try:
        code = process.wait(timeout=30)
    finally:
        process.kill()
    took = time.monotonic() - pressed
    text = process.stdout.read()
    assert code == 0, text
    assert "已停止（强制）。" in text, text
    assert took < 1.5 if presses == 2 else took >= 2.0, f"{took:.1f} s"
    with pytest.raises(ProcessLookupError):
        os.kill(server_pid, 0)  # the local server went with it (reaped by the terminate/wait)
