"""The restart log: what supervisord's events become, and when a crash loop is stopped."""

from __future__ import annotations

from pathlib import Path
from typing import List

from bot.ops.watch import BACK, EXITED, GAVE_UP, RETRYING, Watch, read_entries


class RecordingRpc:
    """supervisord's XML-RPC `supervisor` namespace, keeping stopProcess calls."""

    def __init__(self) -> None:
        self.stopped: List[str] = []
        self.supervisor = self

    def stopProcess(self, name: str, wait: bool = True) -> bool:  # noqa: N802 - its API
        self.stopped.append(name)
        return True


def _exit(watch: Watch, name: str, at: float) -> None:
    watch.handle("PROCESS_STATE_EXITED", {"processname": name, "expected": "0", "pid": "7"}, at)


def test_a_crash_and_the_return_are_logged(tmp_path: Path) -> None:
    watch = Watch(tmp_path / "restarts.log", budget=5, window=600)
    _exit(watch, "actions", 0)
    watch.handle("PROCESS_STATE_RUNNING", {"processname": "actions", "pid": "8"}, 1)
    watch.handle("PROCESS_STATE_RUNNING", {"processname": "rasa", "pid": "9"}, 1)  # first start
    watch.handle("PROCESS_STATE_EXITED", {"processname": "console", "expected": "1"}, 2)  # asked
    entries = read_entries(tmp_path / "restarts.log")
    assert [(e.name, e.event) for e in entries] == [("actions", EXITED), ("actions", BACK)]
    assert "restarting" in entries[0].detail


def test_a_crash_loop_is_stopped_and_names_the_log(tmp_path: Path) -> None:
    rpc = RecordingRpc()
    watch = Watch(tmp_path / "restarts.log", budget=3, window=600, rpc=rpc)
    for at in (0, 100, 200):
        _exit(watch, "worker", at)
    entries = read_entries(tmp_path / "restarts.log")
    assert [e.event for e in entries] == [EXITED, EXITED, GAVE_UP]
    assert str(tmp_path / "worker.log") in entries[-1].detail
    assert rpc.stopped == ["worker"]


def test_crashes_spread_out_are_restarted(tmp_path: Path) -> None:
    rpc = RecordingRpc()
    watch = Watch(tmp_path / "restarts.log", budget=3, window=600, rpc=rpc)
    for at in (0, 700, 1400, 2100):
        _exit(watch, "rasa", at)
    assert rpc.stopped == []


def test_failed_starts_and_supervisords_give_up(tmp_path: Path) -> None:
    watch = Watch(tmp_path / "restarts.log", budget=5, window=600)
    watch.handle("PROCESS_STATE_BACKOFF", {"processname": "rasa"}, 0)
    watch.handle("PROCESS_STATE_FATAL", {"processname": "rasa"}, 5)
    events = [e.event for e in read_entries(tmp_path / "restarts.log")]
    assert events == [RETRYING, GAVE_UP]
