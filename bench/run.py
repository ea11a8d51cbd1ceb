"""Load benchmark of the CWOP portal: `make bench` (not part of `make test`).

Sets up a throw-away PostgreSQL database with the demo data, serves the portal with
gunicorn under production settings and measures each public page with wrk at several
numbers of concurrent clients, next to a "floor": a minimal view served through the
same gunicorn and middleware. Prints a Markdown report and writes it to
bench/results.md, with the targets marked met or NOT met.

Environment (all optional):
  BENCH_DATABASE_URL  database to DROP and re-create (its name must contain "bench"),
                      default postgres://postgres@127.0.0.1:5432/cwop_bench
  BENCH_WORKERS       gunicorn sync workers, default 2
  BENCH_CONCURRENCY   comma-separated numbers of clients, default 1,8,32
  BENCH_DURATION      seconds per wrk run, default 10
  BENCH_SOAK          seconds of the final soak (32 clients, home page), default 30; 0 = none
  BENCH_KEEP_DB       1 keeps the database afterwards

Exit status: 0 when the measurement completed, even if a target is not met; 1 when the
server does not start, a command fails, or any response is a 5xx.

Needs psql and wrk on the PATH (Debian: apt-get install postgresql-client wrk).
"""

import datetime
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import socket
import subprocess  # nosec B404 # fixed argument lists only, never a shell
import sys
import tempfile
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS_FILE = ROOT / "bench" / "results.md"
WRK_SCRIPT = ROOT / "bench" / "report.lua"

# The pages measured, as (label, path). A page is measured only if it answers 200
# (otherwise it is reported as "skipped: <status>"), so adding a page is one line.
PAGES = [
    ("home", "/"),
    ("about", "/o-centrum/"),
    ("documents", "/dokumenty/"),
    ("accessibility statement", "/deklaracja-dostepnosci/"),
    ("home (English)", "/en/"),
    ("directory", "/organizacje/"),
    ("directory search", "/organizacje/?q=senior"),
    ("directory filtered", "/organizacje/?field=kultura-fizyczna-i-sport&opp=on"),
    ("organisation profile", "/organizacje/{organization}/"),
    ("news", "/aktualnosci/"),
    ("rooms", "/sale/"),
    ("room week calendar", "/sale/{resource}/?tydzien={week}"),
    ("consultations (20 advisors, 8 weeks of slots)", "/konsultacje/"),
    ("trainings", "/szkolenia/"),
    ("library catalogue", "/biblioteka/"),
    ("library search", "/biblioteka/?q=pozyskiwanie+funduszy"),
    ("library filtered", "/biblioteka/?subject=wolontariat&available=on"),
    ("book page", "/biblioteka/{book}/"),
]
FLOOR = ("floor (minimal view)", "/bench/floor")
SOAK_PAGE = "/"
SOAK_CLIENTS = 32
WARM_UP_SECONDS = 1

# Passed to seed_demo when it accepts them (the modules add these options).
SEED_SIZES = {
    "--orgs": 5000,
    "--bookings": 50000,
    "--advisors": 20,
    "--appointments": 5000,  # about a year of history for 20 advisors
    "--books": 20000,
}

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cwop_bench"

TARGET_MAX_QUERIES = 10
TARGET_P95_MS = 50
TARGET_P95_CLIENTS = 8
TARGET_MIN_FLOOR_PERCENT = 40
TARGET_MAX_WORKER_MB = 150


class BenchError(Exception):
    """The benchmark cannot go on (a command failed, the server did not start...)."""


def log(message):
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# --- Configuration -------------------------------------------------------------------


@dataclass(frozen=True)
class Config:
    database_url: str
    workers: int
    concurrency: list[int]
    duration: int
    soak: int
    keep_db: bool


def _int_env(name, default, minimum):
    raw = os.environ.get(name, "").strip() or str(default)
    try:
        value = int(raw)
    except ValueError:
        raise BenchError(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise BenchError(f"{name} must be at least {minimum}")
    return value


def read_config():
    raw_levels = os.environ.get("BENCH_CONCURRENCY", "").strip() or "1,8,32"
    try:
        levels = [int(item) for item in raw_levels.split(",") if item.strip()]
    except ValueError:
        raise BenchError(f"BENCH_CONCURRENCY must be like 1,8,32, not {raw_levels!r}") from None
    if not levels or min(levels) < 1:
        raise BenchError("BENCH_CONCURRENCY needs at least one number of clients >= 1")
    return Config(
        database_url=os.environ.get("BENCH_DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL,
        workers=_int_env("BENCH_WORKERS", 2, 1),
        concurrency=levels,
        duration=_int_env("BENCH_DURATION", 10, 1),
        soak=_int_env("BENCH_SOAK", 30, 0),
        keep_db=os.environ.get("BENCH_KEEP_DB") == "1",
    )


def find_tool(name, hint):
    path = shutil.which(name)
    if not path:
        raise BenchError(f"{name} is not installed ({hint})")
    return path


# --- Commands ------------------------------------------------------------------------


def run(cmd, env=None):
    """Run a command (a fixed argument list, no shell); return its stdout or fail."""
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)  # noqa: S603  # nosec B603 # argument list built here, no shell
    if result.returncode != 0:
        raise BenchError(
            f"`{' '.join(cmd)}` failed (exit {result.returncode}):\n{result.stdout}{result.stderr}"
        )
    return result.stdout


def manage(env, *args):
    return run([sys.executable, "manage.py", *args], env=env)


def git_commit():
    try:
        return run([find_tool("git", "for the commit id"), "rev-parse", "--short", "HEAD"]).strip()
    except BenchError:
        return "unknown"


# --- Database ------------------------------------------------------------------------


@dataclass(frozen=True)
class Database:
    host: str
    port: int
    user: str
    password: str
    name: str
    url: str

    @classmethod
    def from_url(cls, url):
        parts = urlsplit(url)
        if parts.scheme not in {"postgres", "postgresql"}:
            raise BenchError(f"BENCH_DATABASE_URL must be a postgres:// URL, not {url!r}")
        name = parts.path.lstrip("/")
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise BenchError(f"unusable database name {name!r} in BENCH_DATABASE_URL")
        if "bench" not in name:
            # The database is dropped: refuse anything that is not obviously throw-away.
            raise BenchError(f"the database name must contain 'bench' (it is dropped): {name!r}")
        return cls(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=parts.username or "postgres",
            password=parts.password or "",
            name=name,
            url=url,
        )

    @property
    def display_url(self):
        """The URL without its password, for the report."""
        netloc = f"{self.user}@{self.host}:{self.port}"
        return urlunsplit(("postgres", netloc, f"/{self.name}", "", ""))

    def psql(self, psql, sql, *, dbname="postgres"):
        env = dict(os.environ)
        if self.password:
            env["PGPASSWORD"] = self.password
        cmd = [psql, "-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1", "-h", self.host]
        cmd += ["-p", str(self.port), "-U", self.user, "-d", dbname, "-c", sql]
        return run(cmd, env=env).strip()

    def recreate(self, psql):
        self.drop(psql)
        self.psql(psql, f'CREATE DATABASE "{self.name}"')

    def drop(self, psql):
        # FORCE ends connections a previous, interrupted run may have left behind.
        self.psql(psql, f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


# --- The portal under production settings ----------------------------------------------


def django_env(database, tmp):
    """Production-like settings: DEBUG off, a random SECRET_KEY, temporary files."""
    env = dict(os.environ)
    env.pop("DEBUG", None)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "cwop_portal.settings",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": database.url,
            "STATIC_ROOT": str(tmp / "static"),
            "VAR_DIR": str(tmp / "var"),
            "MEDIA_ROOT": str(tmp / "var" / "media"),
            "CWOP_BENCH_FLOOR": "1",
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


def prepare_portal(env):
    """Migrate, load the demo data (as large as seed_demo allows), collect static files."""
    log("migrate")
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    help_text = manage(env, "seed_demo", "--help")
    seed_args = []
    for option, size in SEED_SIZES.items():
        if re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", help_text):
            seed_args += [option, str(size)]
    log(f"seed_demo {' '.join(seed_args)}".rstrip())
    manage(env, "seed_demo", *seed_args)
    log("collectstatic")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    return seed_args


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(env, port, workers, log_file):
    gunicorn = Path(sys.executable).with_name("gunicorn")
    if not gunicorn.exists():
        raise BenchError(f"{gunicorn} not found: run `make venv-dev` first")
    cmd = [str(gunicorn), "cwop_portal.wsgi", "--bind", f"127.0.0.1:{port}"]
    cmd += ["--workers", str(workers), "--worker-class", "sync"]
    log(f"starting gunicorn on 127.0.0.1:{port} with {workers} sync workers")
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)  # noqa: S603  # nosec B603 # argument list built here, no shell


def stop_gunicorn(server):
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    log("gunicorn stopped")


def get_status(port, path):
    """The status of GET path (redirects are not followed)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def wait_until_healthy(server, port, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError(f"gunicorn exited with status {server.returncode}")
        try:
            if get_status(port, "/healthz") == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise BenchError(f"/healthz did not answer 200 within {timeout} s")


def worker_rss_mb(master_pid):
    """Resident memory (VmRSS, MB) of each child process of the gunicorn master."""
    rss = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # "pid (command) state ppid ...": the command may contain spaces.
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            if parent != master_pid:
                continue
            status = (entry / "status").read_text()
        except (OSError, IndexError, ValueError):
            continue  # the process ended meanwhile
        match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        if match:
            rss[int(entry.name)] = int(match.group(1)) / 1024
    return rss


# SQL queries per request, counted in a separate process with the same settings: a
# warm-up request, then the measured one, each from a new client (no cookies, like wrk).
QUERY_COUNT_SNIPPET = """
import json, sys
import django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

counts = {}
for path in json.loads(sys.argv[1]):
    Client(HTTP_HOST="127.0.0.1", raise_request_exception=False).get(path)
    with CaptureQueriesContext(connection) as queries:
        client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
        status = client.get(path).status_code
    counts[path] = {"status": status, "queries": len(queries.captured_queries)}
print("BENCH_QUERIES " + json.dumps(counts))
"""


# Values for the {placeholders} in PAGES, read from the seeded database.
PLACEHOLDER_SNIPPET = """
import json
import django

django.setup()
import datetime

from django.utils import timezone
from organizations.models import Organization
from library.models import Book
from rooms.models import Resource

first = Organization.objects.published().order_by("pk").first()
# The room with the most bookings, in the busiest week ahead (the demo fills the next weeks).
room = Resource.objects.filter(kind="training_room").order_by("pk").first()
year, week, _day = (timezone.localdate() + datetime.timedelta(days=7)).isocalendar()
print("BENCH_PLACEHOLDERS " + json.dumps({
    "organization": first.slug if first else "",
    "resource": room.slug if room else "",
    "week": f"{year}-W{week:02d}",
    "book": getattr(Book.objects.order_by("pk").first(), "slug", ""),
}))
"""


def fill_placeholders(env, pages):
    output = run([sys.executable, "-c", PLACEHOLDER_SNIPPET], env=env)
    line = next(line for line in output.splitlines() if line.startswith("BENCH_PLACEHOLDERS "))
    values = json.loads(line.removeprefix("BENCH_PLACEHOLDERS "))
    return [(label, path.format(**values)) for label, path in pages]


def count_queries(env, paths):
    output = run([sys.executable, "-c", QUERY_COUNT_SNIPPET, json.dumps(paths)], env=env)
    line = next(line for line in output.splitlines() if line.startswith("BENCH_QUERIES "))
    return json.loads(line.removeprefix("BENCH_QUERIES "))


# --- wrk -----------------------------------------------------------------------------


@dataclass(frozen=True)
class WrkResult:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    non2xx: int
    status5xx: int
    socket_errors: int

    @property
    def rps(self):
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def errors(self):
        return self.non2xx + self.socket_errors

    def errors_text(self):
        if not self.errors:
            return "0"
        return f"{self.errors} (non-2xx {self.non2xx}, socket {self.socket_errors})"


def run_wrk(wrk, port, path, clients, seconds):
    cmd = [wrk, f"-t{min(clients, 2)}", f"-c{clients}", f"-d{seconds}s", "--latency"]
    cmd += ["-s", str(WRK_SCRIPT), f"http://127.0.0.1:{port}{path}"]
    output = run(cmd)
    line = next((line for line in output.splitlines() if line.startswith("BENCH_RESULT ")), None)
    if line is None:
        raise BenchError(f"no result line in the output of wrk:\n{output}")
    values = dict(item.split("=", 1) for item in line.split()[1:])
    return WrkResult(
        requests=int(values["requests"]),
        seconds=int(values["duration_us"]) / 1e6,
        p50_ms=float(values["p50_us"]) / 1000,
        p95_ms=float(values["p95_us"]) / 1000,
        p99_ms=float(values["p99_us"]) / 1000,
        non2xx=int(values["non2xx"]),
        status5xx=int(values["status5xx"]),
        socket_errors=sum(int(values[key]) for key in ("connect", "read", "write", "timeout")),
    )


# --- The run -------------------------------------------------------------------------


@dataclass
class Outcome:
    """Everything measured, for the report."""

    config: Config
    database: Database
    load_at_start: tuple = ()  # the machine's load averages (1, 5, 15 min) before the runs
    seed_args: list = field(default_factory=list)
    pages: list = field(default_factory=list)  # (label, path) measured, the floor first
    skipped: list = field(default_factory=list)  # (label, path, status)
    queries: dict = field(default_factory=dict)  # path -> queries per request
    results: dict = field(default_factory=dict)  # (path, clients) -> WrkResult
    rss_after_runs: dict = field(default_factory=dict)  # worker pid -> MB
    rss_after_soak: dict = field(default_factory=dict)
    soak: WrkResult | None = None
    server_errors: list = field(default_factory=list)  # descriptions of 5xx responses


def measure(config, database, env, tools, tmp):
    outcome = Outcome(config, database, load_at_start=os.getloadavg())
    outcome.seed_args = prepare_portal(env)
    # Refresh the planner's statistics after the bulk load, as autovacuum would on a
    # live database; without them PostgreSQL misjudges the directory's queries.
    log("analyze")
    database.psql(tools["psql"], "VACUUM ANALYZE", dbname=database.name)
    port = free_port()
    log_path = tmp / "gunicorn.log"
    server = None
    try:
        with log_path.open("wb") as log_file:
            server = start_gunicorn(env, port, config.workers, log_file)
            wait_until_healthy(server, port)
            run_measurements(outcome, env, tools["wrk"], port, server.pid)
    except BaseException:
        print_log_tail(log_path)
        raise
    finally:
        if server is not None:
            stop_gunicorn(server)
    if outcome.server_errors:
        print_log_tail(log_path)
    return outcome


def run_measurements(outcome, env, wrk, port, master_pid):
    config = outcome.config
    floor_status = get_status(port, FLOOR[1])
    if floor_status != 200:
        raise BenchError(f"the floor {FLOOR[1]} answered {floor_status}, not 200")
    outcome.pages.append(FLOOR)
    for label, path in fill_placeholders(env, PAGES):
        status = get_status(port, path)
        if status == 200:
            outcome.pages.append((label, path))
            continue
        log(f"{label} {path} skipped: {status}")
        outcome.skipped.append((label, path, status))
        if status >= 500:
            outcome.server_errors.append(f"{path} answered {status}")

    log("counting SQL queries per request")
    for path, count in count_queries(env, [path for _, path in outcome.pages]).items():
        outcome.queries[path] = count["queries"]
        if count["status"] >= 500:
            outcome.server_errors.append(f"{path} answered {count['status']} (query count)")

    def wrk_run(label, path, clients, seconds):
        result = run_wrk(wrk, port, path, clients, seconds)
        if result.status5xx:
            outcome.server_errors.append(f"{result.status5xx} × 5xx on {path} ({label})")
        return result

    log(f"warming up ({WARM_UP_SECONDS} s per page)")
    for _, path in outcome.pages:
        wrk_run("warm-up", path, 2, WARM_UP_SECONDS)

    for clients in config.concurrency:
        for label, path in outcome.pages:
            log(f"{label} {path}: {clients} clients, {config.duration} s")
            result = wrk_run(f"{clients} clients", path, clients, config.duration)
            outcome.results[(path, clients)] = result
    outcome.rss_after_runs = worker_rss_mb(master_pid)

    if config.soak and SOAK_PAGE in {path for _, path in outcome.pages}:
        log(f"soak: {SOAK_CLIENTS} clients on {SOAK_PAGE} for {config.soak} s")
        outcome.soak = wrk_run("soak", SOAK_PAGE, SOAK_CLIENTS, config.soak)
        outcome.rss_after_soak = worker_rss_mb(master_pid)


def print_log_tail(log_path, lines=40):
    try:
        tail = log_path.read_text(errors="replace").splitlines()[-lines:]
    except OSError:
        return
    if tail:
        log(f"last lines of the gunicorn log ({log_path.name}):")
        print("\n".join(tail), file=sys.stderr)


# --- The report ----------------------------------------------------------------------


def cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def format_load(load):
    return " / ".join(f"{value:.2f}" for value in load) if load else "unknown"


def wrk_version(wrk):
    # `wrk -v` prints its version, then the usage, and exits with status 1.
    result = subprocess.run([wrk, "-v"], capture_output=True, text=True)  # noqa: S603  # nosec B603 # argument list built here, no shell
    first = (result.stdout or result.stderr).split("\n", 1)[0]
    return first.split(" [", 1)[0] or "wrk"


def floor_percent(outcome, path, clients):
    floor = outcome.results.get((FLOOR[1], clients))
    page = outcome.results.get((path, clients))
    if not floor or not page or not floor.rps:
        return None
    return 100 * page.rps / floor.rps


def evaluate_targets(outcome):
    """[(target, status, detail)], status being "met", "NOT met" or "not measured"."""
    pages = [(label, path) for label, path in outcome.pages if path != FLOOR[1]]
    targets = []

    counts = [(outcome.queries[path], label) for label, path in pages]
    over = [f"{label} ({n})" for n, label in counts if n > TARGET_MAX_QUERIES]
    if not counts:
        targets.append((f"every page ≤ {TARGET_MAX_QUERIES} queries", "not measured", ""))
    else:
        worst = max(counts)
        detail = ", ".join(over) if over else f"max {worst[0]} ({worst[1]})"
        status = "NOT met" if over else "met"
        targets.append((f"every page ≤ {TARGET_MAX_QUERIES} queries", status, detail))

    name = f"p95 ≤ {TARGET_P95_MS} ms at {TARGET_P95_CLIENTS} clients"
    p95s = [
        (outcome.results[(path, TARGET_P95_CLIENTS)].p95_ms, label)
        for label, path in pages
        if (path, TARGET_P95_CLIENTS) in outcome.results
    ]
    if not p95s:
        targets.append((name, "not measured", f"{TARGET_P95_CLIENTS} not in BENCH_CONCURRENCY"))
    else:
        over = [f"{label} ({ms:.1f} ms)" for ms, label in p95s if ms > TARGET_P95_MS]
        worst = max(p95s)
        detail = ", ".join(over) if over else f"worst {worst[0]:.1f} ms ({worst[1]})"
        targets.append((name, "NOT met" if over else "met", detail))

    name = f"every page ≥ {TARGET_MIN_FLOOR_PERCENT} % of the floor's req/s"
    shares = [
        (percent, label, clients)
        for label, path in pages
        for clients in outcome.config.concurrency
        if (percent := floor_percent(outcome, path, clients)) is not None
    ]
    if not shares:
        targets.append((name, "not measured", ""))
    else:
        under = [
            f"{label} at {clients} ({percent:.0f} %)"
            for percent, label, clients in shares
            if percent < TARGET_MIN_FLOOR_PERCENT
        ]
        lowest = min(shares)
        detail = ", ".join(under) if under else f"lowest {lowest[0]:.0f} % ({lowest[1]})"
        detail += "; at every number of clients"
        targets.append((name, "NOT met" if under else "met", detail))

    name = "zero errors in the soak"
    if outcome.soak is None:
        targets.append((name, "not measured", "BENCH_SOAK=0"))
    else:
        status = "NOT met" if outcome.soak.errors else "met"
        targets.append((name, status, f"{outcome.soak.errors_text()} errors"))

    name = f"each worker ≤ {TARGET_MAX_WORKER_MB} MB RSS"
    rss = list(outcome.rss_after_runs.values()) + list(outcome.rss_after_soak.values())
    if not rss:
        targets.append((name, "not measured", "no worker found"))
    else:
        status = "NOT met" if max(rss) > TARGET_MAX_WORKER_MB else "met"
        targets.append((name, status, f"max {max(rss):.0f} MB"))
    return targets


def render_report(outcome, tools):
    config = outcome.config
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    seed = "seed_demo " + " ".join(outcome.seed_args) if outcome.seed_args else "seed_demo"
    if not outcome.seed_args:
        seed += " (it has no --orgs/--bookings/--books size options yet)"
    redis = (
        "REDIS_URL set" if os.environ.get("REDIS_URL") else "REDIS_URL unset (the database cache)"
    )
    lines = [
        "# CWOP portal: load benchmark",
        "",
        f"- Date: {now}; commit `{git_commit()}`",
        f"- Machine: {os.cpu_count()} CPU cores ({cpu_model()}); {platform.system()} "
        f"{platform.release()}; Python {platform.python_version()}",
        f"- Machine load before the runs (1/5/15-min load averages): "
        f"{format_load(outcome.load_at_start)}; other work on the machine skews the figures",
        f"- Server: gunicorn {metadata.version('gunicorn')}, {config.workers} sync workers; "
        f"Django {metadata.version('django')}; PostgreSQL {tools['pg_version']} "
        f"(fresh database `{outcome.database.name}`)",
        f"- Data: `{seed}`",
        f"- Load: {wrk_version(tools['wrk'])}, {config.duration} s per run at "
        f"{', '.join(map(str, config.concurrency))} clients (wrk threads = min(clients, 2)), "
        f"after a {WARM_UP_SECONDS} s warm-up per page; wrk runs on the same machine",
        "- Environment: DEBUG unset, SECRET_KEY random, ALLOWED_HOSTS=127.0.0.1,localhost, "
        f"SECURE_SSL_REDIRECT=0, DATABASE_URL={outcome.database.display_url}, STATIC_ROOT, "
        f"VAR_DIR and MEDIA_ROOT temporary, CWOP_BENCH_FLOOR=1, LOG_LEVEL=WARNING, {redis}",
        "",
        "## Pages",
        "",
        "| page | path | clients | req/s | p50 ms | p95 ms | p99 ms | errors | queries/req "
        "| % of floor |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for label, path in outcome.pages:
        for clients in config.concurrency:
            result = outcome.results[(path, clients)]
            percent = floor_percent(outcome, path, clients)
            lines.append(
                f"| {label} | `{path}` | {clients} | {result.rps:.1f} | {result.p50_ms:.1f} "
                f"| {result.p95_ms:.1f} | {result.p99_ms:.1f} | {result.errors_text()} "
                f"| {outcome.queries[path]} | "
                + ("–" if percent is None else f"{percent:.0f} %")
                + " |"
            )
    lines += [
        "",
        "Errors are non-2xx responses plus socket errors (connect, read, write, and timeouts "
        "after wrk's default 2 s). The floor is a view that returns `ok`, served by the same "
        "gunicorn and middleware: the most a page can reach.",
    ]
    if outcome.skipped:
        skipped = ", ".join(
            f"{label} `{path}` ({status})" for label, path, status in outcome.skipped
        )
        lines += ["", f"Skipped (did not answer 200): {skipped}."]

    lines += ["", "## Worker memory", "", "| worker pid | RSS after the runs (MB) "]
    lines[-1] += "| RSS after the soak (MB) |" if outcome.rss_after_soak else "|"
    lines.append("|--:|--:|--:|" if outcome.rss_after_soak else "|--:|--:|")
    for pid in sorted(outcome.rss_after_runs.keys() | outcome.rss_after_soak.keys()):
        after_runs = outcome.rss_after_runs.get(pid)
        row = f"| {pid} | " + ("–" if after_runs is None else f"{after_runs:.1f}") + " |"
        if outcome.rss_after_soak:
            after_soak = outcome.rss_after_soak.get(pid)
            row += (" –" if after_soak is None else f" {after_soak:.1f}") + " |"
        lines.append(row)

    lines += ["", "## Soak", ""]
    soak = outcome.soak
    if soak is None:
        lines.append("Not run (BENCH_SOAK=0).")
    else:
        lines.append(
            f"{config.soak} s at {SOAK_CLIENTS} clients on `{SOAK_PAGE}`: {soak.requests} "
            f"requests, {soak.rps:.1f} req/s, p50 {soak.p50_ms:.1f} ms, p95 {soak.p95_ms:.1f} "
            f"ms, p99 {soak.p99_ms:.1f} ms, errors: {soak.errors_text()}."
        )

    lines += ["", "## Targets", "", "| target | status | detail |", "|---|---|---|"]
    for name, status, detail in evaluate_targets(outcome):
        shown = f"**{status}**" if status == "NOT met" else status
        lines.append(f"| {name} | {shown} | {detail} |")

    if outcome.server_errors:
        lines += ["", "## Server errors (5xx)", ""]
        lines += [f"- {error}" for error in outcome.server_errors]
    return "\n".join(lines) + "\n"


def main():
    config = read_config()
    database = Database.from_url(config.database_url)
    tools = {
        "psql": find_tool("psql", "apt-get install postgresql-client"),
        "wrk": find_tool("wrk", "apt-get install wrk"),
    }
    if not WRK_SCRIPT.exists():
        raise BenchError(f"{WRK_SCRIPT} is missing")
    log(f"creating the database {database.display_url}")
    database.recreate(tools["psql"])
    try:
        tools["pg_version"] = database.psql(tools["psql"], "SHOW server_version").split()[0]
        with tempfile.TemporaryDirectory(prefix="cwop-bench-") as tmp_name:
            tmp = Path(tmp_name)
            outcome = measure(config, database, django_env(database, tmp), tools, tmp)
    finally:
        if config.keep_db:
            log(f"keeping the database {database.name} (BENCH_KEEP_DB=1)")
        else:
            database.drop(tools["psql"])
            log(f"dropped the database {database.name}")

    report = render_report(outcome, tools)
    RESULTS_FILE.write_text(report, encoding="utf-8")
    print(report)
    log(f"written to {RESULTS_FILE.relative_to(ROOT)}")
    if outcome.server_errors:
        log("FAILED: the server answered 5xx: " + "; ".join(outcome.server_errors))
        return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as error:
        log(f"FAILED: {error}")
        sys.exit(1)
