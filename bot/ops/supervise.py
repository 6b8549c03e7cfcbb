"""The helpline's processes under supervisord: restarted with back-off, given up when they crash-loop.

supervisord (the `supervisor` package, pure Python) does the restarting; this module
writes its configuration from a list of `Program`s, starts it, and talks to it over its
XML-RPC unix socket. One supervisord runs per deployment directory (`run_dir`), for the
embedded default (`make run`) and for the production stack on one host alike.

Restart policy, per program: a process that exits is started again at once; one that
exits before `startsecs` (still starting) is retried after 1, 2, 3 ... seconds
(supervisord's BACKOFF) and given up after `START_RETRIES` tries (FATAL). `bot.ops.watch`,
an event listener in the same supervisord, writes each exit, restart and give-up to
`<log_dir>/restarts.log` and gives up on a process that crashed `CRASH_BUDGET` times within
`CRASH_WINDOW` seconds even when each run outlived `startsecs`.
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import sys
import time
import xmlrpc.client
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

from bot.core.settings import ROOT
from bot.ops.procs import ProcessTable, alive

START_RETRIES = 4
CRASH_BUDGET = 5
CRASH_WINDOW = 600
RESTART_LOG = "restarts.log"


@dataclass(frozen=True)
class Program:
    """One supervised process."""

    name: str
    command: List[str]
    title: str
    # Seconds it must stay up to count as started (a crash sooner is a failed start).
    startsecs: int = 5
    health_url: Optional[str] = None
    stopwaitsecs: int = 15
    # Added to the shared environment for this process only (its METRICS_PORT).
    environment: Dict[str, str] = field(default_factory=dict)


def _escape(value: str) -> str:
    """supervisord interpolates %(name)s in its configuration values."""
    return value.replace("%", "%%")


def _environment(values: Dict[str, str]) -> str:
    """supervisord's KEY="value",... form."""
    return ",".join(f'{k}="{v}"' for k, v in values.items())


def _bin(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


class Supervisor:
    """supervisord for `programs`: configuration in `run_dir`, every log in `log_dir`."""

    def __init__(
        self,
        run_dir: Path,
        log_dir: Path,
        programs: List[Program],
        database_url: Optional[str] = None,
    ) -> None:
        self.run_dir = run_dir
        self.log_dir = log_dir
        self.programs = {p.name: p for p in programs}
        self.database_url = database_url

    @property
    def conf_path(self) -> Path:
        return self.run_dir / "supervisord.conf"

    @property
    def socket_path(self) -> Path:
        return self.run_dir / "supervisor.sock"

    @property
    def main_log(self) -> Path:
        return self.log_dir / "supervisord.log"

    def log_of(self, name: str) -> Path:
        return self.log_dir / f"{name}.log"

    # ------------------------------------------------------------ configuration
    def config(self) -> str:
        sock = _escape(str(self.socket_path))
        lines = [
            "[unix_http_server]",
            f"file={sock}",
            "chmod=0700",
            "",
            "[supervisord]",
            f"logfile={_escape(str(self.main_log))}",
            f"pidfile={_escape(str(self.run_dir / 'supervisord-self.pid'))}",
            f"childlogdir={_escape(str(self.log_dir))}",
            "nodaemon=true",
            "silent=true",
            "",
            "[rpcinterface:supervisor]",
            "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
            "",
            "[supervisorctl]",
            f"serverurl=unix://{sock}",
            "",
        ]
        for program in self.programs.values():
            lines += [
                f"[program:{program.name}]",
                f"command={_escape(shlex.join(program.command))}",
                f"directory={_escape(str(ROOT))}",
                *(
                    [f"environment={_escape(_environment(program.environment))}"]
                    if program.environment
                    else []
                ),
                "autostart=true",
                "autorestart=true",
                f"startsecs={program.startsecs}",
                f"startretries={START_RETRIES}",
                f"stopwaitsecs={program.stopwaitsecs}",
                "stopasgroup=true",
                "killasgroup=true",
                "redirect_stderr=true",
                f"stdout_logfile={_escape(str(self.log_of(program.name)))}",
                "stdout_logfile_maxbytes=20MB",
                "stdout_logfile_backups=3",
                "",
            ]
        watch = [
            sys.executable,
            "-m",
            "bot.ops.watch",
            str(self.log_dir / RESTART_LOG),
            f"--budget={CRASH_BUDGET}",
            f"--window={CRASH_WINDOW}",
        ]
        lines += [
            "[eventlistener:watch]",
            f"command={_escape(shlex.join(watch))}",
            f"directory={_escape(str(ROOT))}",
            "events=PROCESS_STATE",
            "autorestart=true",
            "startsecs=1",
            "stdout_logfile=NONE",  # the listener protocol runs over stdout
            f"stderr_logfile={_escape(str(self.log_of('watch')))}",
            "",
        ]
        return "\n".join(lines)

    @property
    def catalogue_path(self) -> Path:
        return self.run_dir / "services.json"

    def write_config(self) -> Path:
        """supervisord.conf, and services.json (titles, health URLs) for `madadgar status`."""
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.conf_path.write_text(self.config(), encoding="utf-8")
        catalogue = {
            "programs": {
                p.name: {
                    "title": p.title,
                    "health_url": p.health_url,
                    "log": str(self.log_of(p.name)),
                }
                for p in self.programs.values()
            },
            "database_url": self.database_url,
        }
        self.catalogue_path.touch(mode=0o600)
        self.catalogue_path.write_text(json.dumps(catalogue, indent=1), encoding="utf-8")
        return self.conf_path

    def _catalogue(self) -> Dict[str, Any]:
        try:
            return dict(json.loads(self.catalogue_path.read_text(encoding="utf-8")))
        except (FileNotFoundError, ValueError):
            return {}

    def catalogue(self) -> Dict[str, Dict[str, Any]]:
        """Title, health URL and log of each program of the running supervisord."""
        return dict(self._catalogue().get("programs") or {})

    def catalogue_extra(self) -> Dict[str, Any]:
        """The deployment's other facts recorded at start (its database URL)."""
        return {k: v for k, v in self._catalogue().items() if k != "programs"}

    def command(self) -> List[str]:
        return [_bin("supervisord"), "-c", str(self.conf_path)]

    # ------------------------------------------------------------ running
    @property
    def table(self) -> ProcessTable:
        return ProcessTable(self.run_dir, self.log_dir)

    def launch(self, env: Dict[str, str], with_parent: bool = False) -> int:
        """Start supervisord detached, in its own session (a terminal's Ctrl-C does not
        reach the services), recorded in `run_dir`/supervisord.pid; returns its pid.
        `with_parent`: it stops everything when this process dies (make run, tests)."""
        self.write_config()
        self.socket_path.unlink(missing_ok=True)
        pid = self.table.start("supervisord", self.command(), env, with_parent)
        self.wait_socket(pid)
        return pid

    def wait_socket(self, pid: Optional[int] = None, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.rpc().supervisor.getState()
                return
            except (OSError, xmlrpc.client.Fault):
                if pid is not None and not alive(pid):
                    raise RuntimeError(f"supervisord exited; see {self.main_log}") from None
                if time.monotonic() > deadline:
                    raise RuntimeError(f"supervisord did not answer; see {self.main_log}") from None
                time.sleep(0.2)

    def rpc(self) -> Any:
        """supervisord's XML-RPC interface over its unix socket."""
        from supervisor.xmlrpc import SupervisorTransport

        transport = SupervisorTransport(None, None, f"unix://{self.socket_path}")
        return xmlrpc.client.ServerProxy("http://127.0.0.1", transport)

    def running(self) -> bool:
        if not self.socket_path.exists():
            return False
        try:
            self.rpc().supervisor.getState()
            return True
        except (OSError, xmlrpc.client.Fault):
            return False

    def info(self) -> List[Dict[str, Any]]:
        """supervisord's getAllProcessInfo: name, statename, pid, start, stop, exitstatus ..."""
        return [i for i in self.rpc().supervisor.getAllProcessInfo() if i["name"] != "watch"]

    def pid(self, name: str) -> Optional[int]:
        info = self.rpc().supervisor.getProcessInfo(name)
        return int(info["pid"]) or None

    def kill(self, name: str, sig: int = signal.SIGKILL) -> int:
        """Signal the process as a crash would (fault tests, `python -m bot.prod kill`)."""
        pid = self.pid(name)
        if pid is None:
            raise RuntimeError(f"{name} is not running")
        os.kill(pid, sig)
        return pid

    def restart(self, name: str) -> None:
        rpc = self.rpc()
        try:
            rpc.supervisor.stopProcess(name)
        except xmlrpc.client.Fault as fault:
            if "NOT_RUNNING" not in fault.faultString:
                raise
        rpc.supervisor.startProcess(name, False)

    def shutdown(self, timeout: float = 120) -> bool:
        """Stop every program (SIGTERM, SIGKILL after its stopwaitsecs), then supervisord;
        False if it was not running."""
        # supervisord stops its programs on SIGTERM too; ProcessTable waits for it to exit.
        return self.table.stop("supervisord", timeout=timeout)

    def fatal(self) -> List[str]:
        """Programs supervisord gave up on."""
        return [i["name"] for i in self.info() if i["statename"] == "FATAL"]
