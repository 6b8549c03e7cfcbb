"""Detached child processes recorded by pid file, stopped by their own pid only."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Dict, List, Optional

from bot.core.settings import ROOT


class ProcessTable:
    """One pid file per named process under `run_dir`; logs under `log_dir`."""

    def __init__(self, run_dir: Path, log_dir: Path) -> None:
        self.run_dir = run_dir
        self.log_dir = log_dir

    def pidfile(self, name: str) -> Path:
        return self.run_dir / f"{name}.pid"

    def start(
        self, name: str, args: List[str], env: Dict[str, str], with_parent: bool = False
    ) -> int:
        """Start `args` in its own session (so a terminal's Ctrl-C does not reach it);
        `with_parent`: it gets SIGTERM when the process that started it dies."""
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with open(self.log_dir / f"{name}.log", "ab") as log:
            proc = subprocess.Popen(
                args,
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_terminate_with_parent if with_parent else None,
            )
        self.pidfile(name).write_text(str(proc.pid))
        return proc.pid

    def recorded_pid(self, name: str) -> Optional[int]:
        """The pid in the pid file, alive or not."""
        try:
            return int(self.pidfile(name).read_text())
        except (FileNotFoundError, ValueError):
            return None

    def pid(self, name: str) -> Optional[int]:
        """The recorded pid if that process is still alive (not a zombie)."""
        pid = self.recorded_pid(name)
        return pid if pid is not None and alive(pid) else None

    def names(self) -> List[str]:
        return sorted(p.stem for p in self.run_dir.glob("*.pid"))

    def stop(self, name: str, timeout: float = 20, sig: int = signal.SIGTERM) -> bool:
        """Signal the process group led by the recorded pid; SIGKILL after `timeout`."""
        pid = self.pid(name)
        self.pidfile(name).unlink(missing_ok=True)
        if pid is None:
            return False
        _signal_group(pid, sig)
        deadline = time.monotonic() + timeout
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if alive(pid):
            _signal_group(pid, signal.SIGKILL)
        _reap(pid)
        return True

    def kill(self, name: str) -> bool:
        """SIGKILL, as a crash would (fault tests)."""
        return self.stop(name, timeout=0, sig=signal.SIGKILL)


def _terminate_with_parent() -> None:
    """In the child before exec: Linux sends it SIGTERM when its parent dies."""
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _signal_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)  # our children lead their own group (start_new_session)
    except ProcessLookupError:
        pass
    except PermissionError:
        os.kill(pid, sig)


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def alive(pid: int) -> bool:
    """True for a running process; False for a missing or zombie one."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    if state == "Z":
        _reap(pid)
        return False
    return True


def http_ok(url: str, timeout: float = 2) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status < 500
    except urllib.error.HTTPError as e:
        return e.code < 500
    except OSError:
        return False


def wait_http(url: str, timeout: float, pid: Optional[int] = None, what: str = "") -> float:
    """Seconds until `url` answers; RuntimeError if the process dies or time runs out."""
    start = time.monotonic()
    while not http_ok(url):
        if pid is not None and not alive(pid):
            raise RuntimeError(f"{what or url} exited during start-up")
        if time.monotonic() - start > timeout:
            raise RuntimeError(f"{what or url} did not answer within {timeout:.0f} s")
        time.sleep(0.5)
    return time.monotonic() - start
