"""Madadgar against a plain `rasa init` assistant, side by side in one run.

    .venv/bin/python bench/versus.py                     # embedded default, as `make run`
    .venv/bin/python bench/versus.py --mode prod         # PostgreSQL + Redis, 1 and 2 replicas

Builds once (cached in ~/.cache/madadgar/bench, outside git) the assistant `rasa init
--no-prompt` makes with the project's own Rasa, trains it, and starts it next to the
helpline. `embedded` starts the helpline as `make run` does (bot/run.py's Services: action
server, Rasa with SQLite, console, worker); `prod` starts two production stacks
(bot/prod: PostgreSQL tracker store, Redis lock store, nginx) with 1 and with 2 Rasa
replicas and action servers. Rounds alternate between the systems, so a load change on a
shared machine hits all of them alike. Each round, 20 conversations run at once with no
pause (bench/load.py: Madadgar plays greeting, payment question, CNIC, issue date,
deduction complaint, place; the reference plays its mood-bot story), then 20 citizens
who pause 2 s between messages. For each: messages per second, p50/p95/p99, errors, and
server CPU per message — user + system time of every server process and its children,
read from /proc before and after the round. Prints the table and the ratios, and writes
bench/out/versus-<mode>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load import percentile, run_load  # noqa: E402
from bot.cli.run import Services  # noqa: E402
from bot.core.environment import FIXED_ENV, demo_environment  # noqa: E402
from bot.core.settings import ROOT, VAR_DIR  # noqa: E402

CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "madadgar" / "bench"
OUT = ROOT / "bench" / "out"
TICKS = os.sysconf("SC_CLK_TCK")


def _bin(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(url: str, proc: Optional[subprocess.Popen], timeout: float = 600) -> None:
    import urllib.request

    deadline = time.time() + timeout
    while True:
        if proc is not None and proc.poll() is not None:
            raise SystemExit(f"process for {url} stopped (exit {proc.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except Exception:
            if time.time() > deadline:
                raise SystemExit(f"{url} did not answer in {timeout:.0f} s") from None
            time.sleep(1)


# ------------------------------------------------------------------ CPU from /proc
def _stat(pid: int) -> Optional[List[str]]:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # the command name (field 2) may hold spaces: split after its closing parenthesis
    return raw[raw.rindex(")") + 2 :].split()


def process_tree(roots: List[int]) -> List[int]:
    """`roots` and all their living descendants."""
    children: Dict[int, List[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields:
                children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], list(roots)
    while todo:
        pid = todo.pop()
        if pid not in found and Path(f"/proc/{pid}").exists():
            found.append(pid)
            todo += children.get(pid, [])
    return found


def cpu_seconds(roots: List[int]) -> float:
    """utime + stime (+ reaped children's) of `roots` and every descendant."""
    total = 0
    for pid in process_tree(roots):
        fields = _stat(pid)
        if fields:  # fields[11:15] = utime stime cutime cstime (proc(5) fields 14-17)
            total += sum(int(v) for v in fields[11:15])
    return total / TICKS


# ------------------------------------------------------------------ the systems
@dataclass
class System:
    """One assistant under test: where to send messages and which processes to charge."""

    name: str
    url: str
    script: str
    pids: Callable[[], List[int]]
    rounds: List[Dict[str, object]] = field(default_factory=list)
    # database work so far (statements, rows written, rows read), when it can be counted
    counters: Optional[Callable[[], Dict[str, float]]] = None
    # processes worth a profile: name -> pid
    named_pids: Callable[[], Dict[str, int]] = dict


def build_reference(cache: Path = CACHE) -> Path:
    """`rasa init --no-prompt` (project + trained model), made once per Rasa version."""
    import rasa

    project = cache / f"rasa-init-{rasa.__version__}"
    if list((project / "models").glob("*.tar.gz")):
        return project
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)
    print(f"==> building the reference: rasa init --no-prompt in {project}", flush=True)
    env = dict(os.environ, **FIXED_ENV)
    done = subprocess.run(
        [_bin("rasa"), "init", "--no-prompt", "--init-dir", str(project)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode or not list((project / "models").glob("*.tar.gz")):
        raise SystemExit(f"rasa init failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return project


class Reference:
    """The `rasa init` assistant served as `rasa run` serves it (REST channel, no actions)."""

    def __init__(self, project: Path, log_dir: Path) -> None:
        self.project = project
        self.port = free_port()
        self.log = log_dir / "reference-rasa.log"
        self.proc: Optional[subprocess.Popen] = None

    def start(self) -> System:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        args = [_bin("rasa"), "run", "-m", "models", "--port", str(self.port)]
        args += ["--credentials", "credentials.yml", "-i", "127.0.0.1"]
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                args,
                cwd=self.project,
                env=dict(os.environ, **FIXED_ENV),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return System("rasa init", f"http://127.0.0.1:{self.port}", "rasa-init", self.pids)

    def wait(self) -> None:
        wait_http(f"http://127.0.0.1:{self.port}/", self.proc)

    def pids(self) -> List[int]:
        return [self.proc.pid] if self.proc else []

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()


class Embedded:
    """The helpline as `make run` starts it, with its own databases under var/bench."""

    def __init__(self, var_dir: Path) -> None:
        from bot.cli.train import ensure_model

        self.var_dir = var_dir
        var_dir.mkdir(parents=True, exist_ok=True)
        from bot.core.settings import reset_settings

        env = demo_environment()
        # The load generator (this process) sends the REST token the services were given.
        os.environ["REST_CHANNEL_TOKEN"] = env["REST_CHANNEL_TOKEN"]
        reset_settings()
        env["DATABASE_URL"] = f"sqlite:///{var_dir / 'madadgar.db'}"
        env["TRACKER_DB_URL"] = f"sqlite:///{var_dir / 'tracker.db'}"
        env["METRICS_BASE_PORT"] = str(_free_base_port(4))  # as `make run`: metrics on
        self.model = ensure_model()
        self.services = Services(
            self.model,
            env=env,
            rasa_port=free_port(),
            action_port=free_port(),
            console_port=free_port(),
            config_dir=var_dir,
        )

    def start(self) -> System:
        from bot.cli.setup import setup
        from bot.core.settings import reset_settings

        os.environ["DATABASE_URL"] = self.services.env["DATABASE_URL"]
        reset_settings()
        setup(self.services.env["DATABASE_URL"])
        # a fresh tracker store each run: bench conversations never pile up across runs
        (self.var_dir / "tracker.db").unlink(missing_ok=True)
        self.services.start()
        url = f"http://127.0.0.1:{self.services.rasa_port}"
        system = System("Madadgar", url, "madadgar", self.pids)
        system.named_pids = self.named_pids
        return system

    def named_pids(self) -> Dict[str, int]:
        found = {n: self.services.supervisor.pid(n) for n in ("rasa", "actions")}
        return {n: p for n, p in found.items() if p}

    def wait(self) -> None:
        self.services.wait_ready()

    def pids(self) -> List[int]:
        """supervisord: every helpline process is its child (process_tree finds them)."""
        pid = self.services.supervisor.table.pid("supervisord")
        return [pid] if pid else []

    def stop(self) -> None:
        self.services.stop()


class Production:
    """A production stack (bot/prod) with `replicas` Rasa replicas and action servers."""

    def __init__(self, replicas: int, var_dir: Path) -> None:
        from bot.cli.train import ensure_model
        from bot.prod.layout import Layout
        from bot.prod.stack import DEFAULT_MODEL, Stack

        model = ensure_model()
        if not DEFAULT_MODEL.exists():
            DEFAULT_MODEL.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(model, DEFAULT_MODEL)
        var_dir.mkdir(parents=True, exist_ok=True)
        var_dir.chmod(0o755)  # PostgreSQL runs as user postgres and must reach its data
        base = _free_base_port()
        self.layout = Layout(
            var_dir=var_dir, base_port=base, rasa_replicas=replicas, action_replicas=replicas
        )
        self.stack = Stack(self.layout, model=model)
        self.replicas = replicas

    def start(self) -> System:
        from bot.prod import datastores

        # count every statement (bench only: the stack's own PostgreSQL, started here)
        datastores.PG_OPTIONS["shared_preload_libraries"] = "pg_stat_statements"
        self.stack.up(seed=True, console=True, worker=True)
        with self._connect() as conn, conn.cursor() as cur:
            cur.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        lay = self.layout
        name = f"Madadgar prod ×{self.replicas}"
        return System(name, lay.url(lay.internal_port), "madadgar", self.pids, [], self.counters)

    def _connect(self):  # type: ignore[no-untyped-def]
        import psycopg2

        conn = psycopg2.connect(
            host=self.layout.host,
            port=self.layout.postgres_port,
            user="postgres",
            dbname="madadgar",
        )
        conn.autocommit = True
        return conn

    def counters(self) -> Dict[str, float]:
        """Statements run and rows written/read by the helpline's databases so far."""
        conn = self._connect()
        try:
            with conn.cursor() as cur:
                cur.execute(
                    "SELECT coalesce(sum(s.calls), 0) FROM pg_stat_statements s "
                    "JOIN pg_database d ON d.oid = s.dbid "
                    "WHERE d.datname LIKE 'madadgar%' AND s.query NOT LIKE '%pg_stat%'"
                )
                statements = float(cur.fetchone()[0])
                cur.execute(
                    "SELECT sum(tup_inserted + tup_updated + tup_deleted), sum(tup_fetched), "
                    "sum(xact_commit) FROM pg_stat_database WHERE datname LIKE 'madadgar%'"
                )
                written, read, commits = (float(v or 0) for v in cur.fetchone())
        finally:
            conn.close()
        return {
            "statements": statements,
            "rows_written": written,
            "rows_read": read,
            "commits": commits,
        }

    def wait(self) -> None:
        pass  # Stack.up waits for every part

    def pids(self) -> List[int]:
        table = self.stack.table
        pids = [table.pid(n) for n in table.names()]
        postmaster = self.layout.var_dir / "postgres" / "postmaster.pid"
        if postmaster.exists():
            pids.append(int(postmaster.read_text().split()[0]))
        return [p for p in pids if p]

    def stop(self) -> None:
        self.stack.down()


def _free_base_port(span: int = 40) -> int:
    for _ in range(100):
        base = free_port() // 100 * 100
        if base < 1024 or base + span > 65535:
            continue
        try:
            for i in range(span):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", base + i))
            return base
        except OSError:
            continue
    raise SystemExit("no free port range")


# ------------------------------------------------------------------ rounds
def play_round(system: System, kind: str, users: int, seconds: float, pause: float) -> Dict:
    pids = system.pids()
    db0 = system.counters() if system.counters else {}
    cpu0 = cpu_seconds(pids)
    figures, elapsed = asyncio.run(
        run_load(system.url, users, 5000, seconds, system.script, warmup=0, pause=pause)
    )
    cpu = cpu_seconds(pids) - cpu0
    db1 = system.counters() if system.counters else {}
    row = {
        "system": system.name,
        "kind": kind,
        "latencies": figures.latencies,
        "errors": figures.errors,
        "seconds": elapsed,
        "cpu_seconds": cpu,
        "database": {k: db1[k] - db0[k] for k in db0},
    }
    system.rounds.append(row)
    print("   " + line(system.name, kind, [row]), flush=True)
    return row


def figures_of(rows: List[Dict]) -> Dict[str, object]:
    latencies = [x for r in rows for x in r["latencies"]]
    seconds = sum(r["seconds"] for r in rows)
    cpu = sum(r["cpu_seconds"] for r in rows)
    errors: Dict[str, int] = {}
    for r in rows:
        for k, v in r["errors"].items():
            errors[k] = errors.get(k, 0) + v
    n = len(latencies)
    database: Dict[str, float] = {}
    for r in rows:
        for k, v in r.get("database", {}).items():
            database[k] = database.get(k, 0.0) + v
    return {
        "messages": n,
        "messages_per_second": n / seconds if seconds else 0.0,
        "p50_ms": percentile(latencies, 50) * 1000,
        "p95_ms": percentile(latencies, 95) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "cpu_ms_per_message": cpu / n * 1000 if n else float("nan"),
        "database_per_message": {k: v / n for k, v in database.items()} if n else {},
    }


def line(name: str, kind: str, rows: List[Dict]) -> str:
    f = figures_of(rows)
    return (
        f"{name:22} {kind:9} {f['messages']:6d} {f['messages_per_second']:7.1f} "
        f"{f['p50_ms']:7.0f} {f['p95_ms']:7.0f} {f['p99_ms']:7.0f} {f['errors']:6d} "
        f"{f['cpu_ms_per_message']:8.1f}"
    )


HEADER = (
    f"{'system':22} {'load':9} {'msgs':>6} {'msg/s':>7} {'p50 ms':>7} {'p95 ms':>7} "
    f"{'p99 ms':>7} {'errors':>6} {'CPU ms/msg':>8}"
)


def warm(system: System) -> None:
    """Untimed conversations first: lazily built parts (first NLU call, pools) get built."""
    asyncio.run(run_load(system.url, 4, 4, 60, system.script, warmup=0))


def measure(systems: List[System], rounds: int, users: int, seconds: float, pause: float) -> None:
    for system in systems:
        warm(system)
    print("\n" + HEADER, flush=True)
    for r in range(rounds):
        print(f"-- round {r + 1} of {rounds}", flush=True)
        for system in systems:  # alternating: every system once per round
            play_round(system, "busy", users, seconds, 0.0)
        for system in systems:
            play_round(system, "paused", users, seconds * 1.5, pause)


def profile(system: System, users: int, seconds: float, out_dir: Path, tag: str) -> None:
    """One more busy round (not counted) with py-spy sampling Rasa and the action server."""
    py_spy = shutil.which("py-spy") or _bin("py-spy")
    targets = {n: p for n, p in system.named_pids().items() if n in ("rasa", "actions")}
    out_dir.mkdir(parents=True, exist_ok=True)
    samplers = []
    for name, pid in targets.items():
        svg = out_dir / f"profile-{tag}-{name}.svg"
        args = [py_spy, "record", "-p", str(pid), "-o", str(svg), "--nonblocking"]
        args += ["--duration", str(int(seconds)), "--rate", "50"]
        samplers.append(subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
    asyncio.run(run_load(system.url, users, 5000, seconds, system.script, warmup=0))
    for sampler in samplers:
        _, err = sampler.communicate(timeout=120)
        if sampler.returncode:
            print(f"py-spy failed: {err.decode()[-500:]}", file=sys.stderr)
    print(f"profiles: {', '.join(f'{out_dir}/profile-{tag}-{n}.svg' for n in targets)}")


def report(systems: List[System], mode: str, args: argparse.Namespace) -> Dict:
    reference = systems[0]
    out: Dict[str, object] = {
        "mode": mode,
        "rounds": args.rounds,
        "users": args.users,
        "round_seconds": args.seconds,
        "pause_seconds": args.pause,
        "load_average_at_end": os.getloadavg(),
        "systems": {},
        "ratios": {},
    }
    print("\nAll rounds together:\n" + HEADER)
    for system in systems:
        for kind in ("busy", "paused"):
            rows = [r for r in system.rounds if r["kind"] == kind]
            print(line(system.name, kind, rows))
            out["systems"].setdefault(system.name, {})[kind] = figures_of(rows)  # type: ignore[union-attr]
    ref_busy = figures_of([r for r in reference.rounds if r["kind"] == "busy"])
    print(f"\nRatios against {reference.name} (20 concurrent conversations, no pause):")
    for system in systems[1:]:
        busy = figures_of([r for r in system.rounds if r["kind"] == "busy"])
        ratios = {
            "throughput": busy["messages_per_second"] / ref_busy["messages_per_second"],
            "cpu_per_message": busy["cpu_ms_per_message"] / ref_busy["cpu_ms_per_message"],
            "p95": busy["p95_ms"] / ref_busy["p95_ms"],
        }
        out["ratios"][system.name] = ratios  # type: ignore[index]
        print(
            f"  {system.name:22} throughput {ratios['throughput']:.2f}×  "
            f"CPU per message {ratios['cpu_per_message']:.2f}×  p95 {ratios['p95']:.2f}×"
        )
    if mode == "prod" and len(systems) == 3:
        one = figures_of([r for r in systems[1].rounds if r["kind"] == "busy"])
        two = figures_of([r for r in systems[2].rounds if r["kind"] == "busy"])
        scale = two["messages_per_second"] / one["messages_per_second"]
        out["ratios"]["2 replicas / 1"] = scale  # type: ignore[index]
        print(f"  2 replicas against 1: throughput {scale:.2f}×")
    for system in systems:
        db = figures_of([r for r in system.rounds if r["kind"] == "busy"])["database_per_message"]
        if db:
            print(
                f"  {system.name:22} per message: {db['statements']:.1f} SQL statements, "
                f"{db['commits']:.1f} commits, {db['rows_written']:.1f} rows written, "
                f"{db['rows_read']:.1f} rows read"
            )
    print(f"\nload average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return out


def main(argv: Optional[List[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--mode", choices=["embedded", "prod"], default="embedded")
    p.add_argument("--rounds", type=int, default=3, help="rounds per system (alternating)")
    p.add_argument("--seconds", type=float, default=30, help="length of a busy round")
    p.add_argument("--users", type=int, default=20, help="concurrent conversations")
    p.add_argument("--pause", type=float, default=2.0, help="pause of the paused citizens (s)")
    p.add_argument("--cache", type=Path, default=CACHE, help="where the reference is built")
    p.add_argument(
        "--profile",
        metavar="TAG",
        help="after the rounds, profile Madadgar's Rasa and action server under load with "
        "py-spy (pip install py-spy) into docs/profile-TAG-<process>.svg",
    )
    args = p.parse_args(argv)
    os.environ.update(FIXED_ENV)
    reference = Reference(build_reference(args.cache), VAR_DIR / "bench")
    if args.mode == "embedded":
        parts = [reference, Embedded(VAR_DIR / "bench" / "embedded")]
    else:
        parts = [reference] + [Production(n, VAR_DIR / "bench" / f"prod-{n}") for n in (1, 2)]
    try:
        systems = [part.start() for part in parts]
        for part in parts:
            part.wait()
        measure(systems, args.rounds, args.users, args.seconds, args.pause)
        result = report(systems, args.mode, args)
        if args.profile:
            profile(systems[1], args.users, args.seconds, ROOT / "docs", args.profile)
    finally:
        for part in reversed(parts):
            part.stop()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"versus-{args.mode}.json").write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
