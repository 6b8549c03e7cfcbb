"""nginx in front of the replicas: renders deploy/nginx/madadgar.conf.template and runs it."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from string import Template
from typing import Dict, Iterable, List

from bot.core.settings import ROOT
from bot.ops.procs import ProcessTable
from bot.prod.layout import Layout

TEMPLATE = ROOT / "deploy" / "nginx" / "madadgar.conf.template"

MAIN_CONF = """\
# Written by bot/prod/nginx.py for the loopback stack.
daemon off;
worker_processes 2;
pid $run/nginx.pid;
error_log $log/nginx-error.log warn;
events { worker_connections 2048; }
http {
    access_log $log/nginx-access.log combined buffer=64k flush=1s;
    client_body_temp_path $tmp/body;
    proxy_temp_path $tmp/proxy;
    fastcgi_temp_path $tmp/fastcgi;
    uwsgi_temp_path $tmp/uwsgi;
    scgi_temp_path $tmp/scgi;
    include $site;
}
"""


def _servers(host: str, ports: Iterable[int]) -> str:
    return "\n".join(f"    server {host}:{p} max_fails=1 fail_timeout=3s;" for p in ports)


def _allow(addresses: Iterable[str]) -> str:
    return "\n".join(f"    allow {a};" for a in addresses)


def site_values(layout: Layout, trusted: List[str] | None = None) -> Dict[str, str]:
    """The ${MADADGAR_*} placeholders for this layout (`trusted`: who may use internal ports)."""
    # The host's own address too: its Rasa replicas reach the action servers through it.
    trusted = trusted or sorted({"127.0.0.1", layout.host})
    return {
        "MADADGAR_RASA_SERVERS": _servers(layout.host, layout.rasa_ports),
        "MADADGAR_ACTION_SERVERS": _servers(layout.host, layout.action_ports),
        "MADADGAR_PUBLIC_LISTEN": f"{layout.host}:{layout.public_port}",
        "MADADGAR_INTERNAL_LISTEN": f"{layout.host}:{layout.internal_port}",
        "MADADGAR_INTERNAL_ALLOW": _allow(trusted),
        "MADADGAR_ACTION_LISTEN": f"{layout.host}:{layout.action_lb_port}",
        "MADADGAR_ACTION_ALLOW": _allow(trusted),
        # One fallback per nginx host: never marked failed (max_fails=0); if it does not
        # answer either, nginx gives the static reply of @actions_down_static.
        "MADADGAR_ACTION_FALLBACK": (
            f"    server {layout.host}:{layout.action_fallback_port} max_fails=0;"
        ),
    }


def render_site(values: Dict[str, str]) -> str:
    """The template with only the MADADGAR_* placeholders filled in."""
    return Template(TEMPLATE.read_text(encoding="utf-8")).safe_substitute(values)


def write_config(layout: Layout) -> Path:
    """Write <var>/nginx/{madadgar.conf,nginx.conf}; returns the main file."""
    base = layout.var_dir / "nginx"
    tmp = base / "tmp"
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp / sub).mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:  # workers run as nobody
            shutil.chown(tmp / sub, "nobody")
    layout.run_dir.mkdir(parents=True, exist_ok=True)
    layout.log_dir.mkdir(parents=True, exist_ok=True)
    site = base / "madadgar.conf"
    site.write_text(render_site(site_values(layout)), encoding="utf-8")
    main = base / "nginx.conf"
    main.write_text(
        Template(MAIN_CONF).substitute(run=layout.run_dir, log=layout.log_dir, tmp=tmp, site=site),
        encoding="utf-8",
    )
    return main


def nginx_binary() -> str:
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if found is None:
        raise RuntimeError("nginx not installed: apt-get install nginx-light (Debian)")
    return found


def command(conf: Path, layout: Layout) -> List[str]:
    prefix = conf.parent
    errlog = layout.log_dir / "nginx-error.log"
    return [nginx_binary(), "-p", str(prefix), "-c", str(conf), "-e", str(errlog)]


# A master killed with SIGKILL leaves its workers serving and holding the ports, so the
# master started again could not bind. Before starting, kill the nginx processes left in
# the killed master's process group (supervisord makes each program a group leader, so
# the group id is the pid in nginx.pid; only processes named nginx are touched).
_REAP_ORPHANED_WORKERS = (
    'pidfile=$1; shift; old=$(cat "$pidfile" 2>/dev/null); '
    'if [ -n "$old" ]; then pkill -KILL -g "$old" -x nginx; sleep 0.3; fi; exec "$@"'
)


def supervised_command(conf: Path, layout: Layout) -> List[str]:
    """`command` for supervisord: the workers of a killed master go first."""
    pidfile = str(layout.run_dir / "nginx.pid")
    return ["sh", "-c", _REAP_ORPHANED_WORKERS, "nginx", pidfile, *command(conf, layout)]


def start(layout: Layout, table: ProcessTable, env: Dict[str, str]) -> int:
    """Test the configuration, then run nginx in the foreground of its own session."""
    conf = write_config(layout)
    subprocess.run([*command(conf, layout), "-t", "-q"], check=True)
    return table.start("nginx", command(conf, layout), env)
