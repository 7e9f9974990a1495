"""Pages under load and page weight: gunicorn with the production settings of ``gunicorn.conf.py``
on loopback, ``wrk`` as the load generator.

    python benchmarks/pages_load.py                 # SQLite, 500 residents, 15 s per run
    python benchmarks/pages_load.py --postgresql postgresql://postgres@127.0.0.1:5432/wattelt_pages_bench
    python benchmarks/pages_load.py --quick         # tiny data, 3 s runs, 4 connections (the test suite uses this)

A fresh database is built by the migrations (the PostgreSQL one is dropped and created anew, so
never point it at a database you need) with N residents of one coach's organisation, each with
one to three completed measurements and one draft. Then, with the same gunicorn settings for
both, wrk (32 connections) runs against:

* a bare Flask "hello" (``benchmarks/hello.py``), the floor;
* the questionnaire screen (GET), spread over every draft and every screen;
* the answer POST the screen's script sends on every tap (``X-Wattelt-Autosave``), each request
  to another (measurement, perspective, screen), so no two posts touch the same answer;
* the person's report, spread over the residents.

It prints requests per second, p50 and p99 latency, errors (socket errors and status >= 400),
the ratio to "hello", and, after the POST run, the answers in the database next to the posts wrk
saw succeed (every one must be stored). Then the page weight: the bytes a browser transfers for
a questionnaire screen and for the report with everything they load (``Accept-Encoding: gzip,
br``), and the Cache-Control of each static file. ``--json`` adds one machine-readable line.
"""

from __future__ import annotations

import argparse
import contextlib
import html.parser
import http.client
import json
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_common import fresh_postgresql  # noqa: E402
from sqlalchemy import create_engine, func, insert, select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.pool import NullPool  # noqa: E402

from wattelt import create_app, db, migrate  # noqa: E402
from wattelt.auth.passwords import hash_password  # noqa: E402
from wattelt.db import normalise_url  # noqa: E402
from wattelt.demo.population import Spread, add_population  # noqa: E402
from wattelt.models import (  # noqa: E402
    Answer,
    Chain,
    District,
    Measurement,
    Organisation,
    Resident,
    Role,
    User,
    utcnow,
)
from wattelt.questionnaires.loader import registry  # noqa: E402

COACH = "coach@benchmark.example"
PASSWORD = "benchmark-" + secrets.token_urlsafe(8)
PERSPECTIVES = ("resident", "coach")  # a coach filling in together: both views
ACCEPT_ENCODING = "gzip, br"

LUA = r"""
local paths = {%(paths)s}
local method = "%(method)s"
local headers = {%(headers)s}
local body = %(body)s
local nthreads = %(threads)d
local threads = {}
counter = 0
sent = 0
saved = 0

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  counter = id
end

function request()
  local path = paths[(counter %% #paths) + 1]
  counter = counter + nthreads
  sent = sent + 1
  return wrk.format(method, path, headers, body)
end

%(response)s

function done(summary, latency, requests)
  local saved_total, sent_total = 0, 0
  for _, thread in ipairs(threads) do
    saved_total = saved_total + (thread:get("saved") or 0)
    sent_total = sent_total + (thread:get("sent") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%%d,"duration_us":%%d,"bytes":%%d,"connect":%%d,"read":%%d,' ..
    '"write":%%d,"status":%%d,"timeout":%%d,"p50":%%d,"p90":%%d,"p99":%%d,"max":%%d,' ..
    '"saved":%%d,"sent":%%d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, saved_total, sent_total))
end
"""

COUNT_SAVED = r"""
function response(status, headers, body)
  if status == 200 and string.find(body, '"saved":%s*true') then
    saved = saved + 1
  end
end
"""


# --- the database ------------------------------------------------------------------------------


def seed(url: str, residents: int) -> dict:
    """Migrate, then one coach, ``residents`` residents of the coach's organisation with completed
    rounds, and one draft (filled in together, coach present) each."""
    app = create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "benchmark",
            "ENVIRON": {
                "WATTELT_SECRET_KEY": "benchmark",
                "WATTELT_DATABASE_URL": url,
                "WATTELT_LOG_LEVEL": "WARNING",
            },
        }
    )
    with app.app_context():
        migrate.upgrade()
        with db.standalone_session() as session:
            chain = Chain(name="Benchmark")
            session.add(chain)
            session.flush()
            organisation = Organisation(name="Wijkteam Benchmark", chain_id=chain.id)
            district = District(name="Centrum", municipality="Benchmark")
            session.add_all([organisation, district])
            session.flush()
            coach = User(
                email=COACH,
                display_name="Coach Benchmark",
                role=Role.COACH.value,
                organisation_id=organisation.id,
                password_hash=hash_password(PASSWORD),
            )
            session.add(coach)
            session.flush()
            spread = Spread([organisation.id], [district.id], days=600)  # type: ignore[list-item]
            add_population(session, random.Random(8), spread, residents, counted_share=1.0)
            session.flush()
            resident_ids = list(
                session.execute(select(Resident.id).order_by(Resident.id)).scalars()
            )
            # The draft uses the questionnaire of the resident's last round.
            last = {
                row.resident_id: (row.questionnaire_key, row.questionnaire_version)
                for row in session.execute(
                    select(
                        Measurement.resident_id,
                        Measurement.questionnaire_key,
                        Measurement.questionnaire_version,
                    ).order_by(Measurement.completed_at)
                )
            }
            default = registry().default()
            now = utcnow()
            drafts = [
                {
                    "resident_id": rid,
                    "questionnaire_key": last.get(rid, (default.key,))[0],
                    "questionnaire_version": last.get(rid, (None, default.version))[1],
                    "optional_domains": "",
                    "present": "coach",
                    "mode": "together",
                    "status": "draft",
                    "started_by_id": coach.id,
                    "started_at": now - timedelta(minutes=5),
                    "updated_at": now - timedelta(minutes=5),
                }
                for rid in resident_ids
            ]
            ids = list(
                session.execute(
                    insert(Measurement).returning(Measurement.id, sort_by_parameter_order=True),
                    drafts,
                ).scalars()
            )
            screens = {
                mid: len(registry().get(d["questionnaire_key"], d["questionnaire_version"]).domains)
                + 1  # the overall grade
                for mid, d in zip(ids, drafts, strict=True)
            }
    app.extensions["wattelt.engine"].dispose()
    return {"residents": resident_ids, "drafts": screens}


def count_answers(url: str, measurement_ids: list[int]) -> int:
    engine = create_engine(normalise_url(url), poolclass=NullPool)
    with engine.connect() as connection:
        found = connection.execute(
            select(func.count())
            .select_from(Answer)
            .where(Answer.measurement_id.in_(measurement_ids))  # type: ignore[attr-defined]
        ).scalar_one()
    engine.dispose()
    return int(found)


# --- gunicorn ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """A running gunicorn: its URL and the CPU time its processes have used so far."""

    def __init__(self, url: str, pid: int):
        self.url = url
        self.pid = pid

    def cpu_seconds(self) -> float:
        """The master's and the workers' CPU time, workers already recycled included."""

        def times(pid: int, children: bool) -> float:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            # utime, stime (, cutime, cstime): fields 14-17 of proc(5), counted from the state.
            used = sum(int(f) for f in fields[11 : 15 if children else 13])
            return used / os.sysconf("SC_CLK_TCK")

        total = times(self.pid, children=True)
        with contextlib.suppress(OSError):
            for child in Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split():
                with contextlib.suppress(OSError):
                    total += times(int(child), children=True)
        return total


@contextlib.contextmanager
def gunicorn(
    app: str, url: str, log: Path, workers: int | None, extra_path: str = ""
) -> Iterator[Server]:
    """Serve ``app`` with the repository's gunicorn.conf.py on a free loopback port."""
    port = free_port()
    env = dict(os.environ)
    env.update(
        WATTELT_ENV="production",
        WATTELT_SECRET_KEY=secrets.token_urlsafe(48),
        WATTELT_DATABASE_URL=url,
        WATTELT_BIND=f"127.0.0.1:{port}",
        WATTELT_LOG_LEVEL="WARNING",
    )
    if workers:
        env["WATTELT_WORKERS"] = str(workers)
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "-c",
        str(ROOT / "gunicorn.conf.py"),
    ]
    if extra_path:
        command += ["--pythonpath", extra_path]
    command.append(app)
    with log.open("ab") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped at start-up; see {log}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/")
                connection.getresponse().read()
                connection.close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not answer; see {log}") from None
                time.sleep(0.2)
        yield Server(f"http://127.0.0.1:{port}", process.pid)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- HTTP as a browser does it -----------------------------------------------------------------


class Browser:
    """Just enough of a browser: cookies (also ``Secure`` ones over plain loopback HTTP)."""

    def __init__(self, base: str):
        self.base = base
        self.cookies: dict[str, str] = {}

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def request(
        self, method: str, path: str, body: str | None = None, headers: dict | None = None
    ) -> tuple[http.client.HTTPResponse, bytes, int]:
        """(response, raw body as transferred, bytes of the response head)."""
        parts = urlsplit(urljoin(self.base + "/", path))
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        sent = {"Accept-Encoding": ACCEPT_ENCODING, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = self.cookie_header()
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request(method, target, body=body, headers=sent)
        response = connection.getresponse()
        raw = response.read()
        connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        head = len(f"HTTP/1.1 {response.status} {response.reason}\r\n") + sum(
            len(f"{k}: {v}\r\n") for k, v in response.headers.items()
        )
        return response, raw, head + 2


CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_of(page: bytes) -> str:
    found = CSRF.search(page.decode("utf-8", "replace"))
    if not found:
        raise RuntimeError("no csrf_token on the page")
    return found.group(1) or found.group(2)


def log_in(base: str) -> Browser:
    browser = Browser(base)
    response, page, _head = browser.request(
        "GET", "/login", headers={"Accept-Encoding": "identity"}
    )
    token = csrf_of(page)
    response, _page, _head = browser.request(
        "POST", "/login", urlencode({"csrf_token": token, "email": COACH, "password": PASSWORD})
    )
    if response.status != 302:
        raise RuntimeError(f"logging in gave {response.status}")
    return browser


# --- wrk ---------------------------------------------------------------------------------------


def lua_string(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid Lua string for what we put in


def run_wrk(
    base: str,
    paths: list[str],
    folder: Path,
    name: str,
    duration: float,
    connections: int,
    threads: int,
    method: str = "GET",
    headers: dict | None = None,
    body: str | None = None,
) -> dict:
    script = folder / f"{name}.lua"
    script.write_text(
        LUA
        % {
            "paths": ",".join(lua_string(p) for p in paths),
            "method": method,
            "headers": ",".join(
                f"[{lua_string(k)}]={lua_string(v)}" for k, v in (headers or {}).items()
            ),
            "body": lua_string(body) if body is not None else "nil",
            "threads": threads,
            "response": COUNT_SAVED if method == "POST" else "",
        }
    )
    command = [
        shutil.which("wrk") or "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(duration))}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        base,
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("WRKJSON "))
    figures = json.loads(line[len("WRKJSON ") :])
    seconds = figures["duration_us"] / 1e6
    errors = sum(figures[k] for k in ("connect", "read", "write", "status", "timeout"))
    return {
        "name": name,
        "requests": figures["requests"],
        "rps": figures["requests"] / seconds if seconds else 0.0,
        "p50_ms": figures["p50"] / 1000,
        "p99_ms": figures["p99"] / 1000,
        "max_ms": figures["max"] / 1000,
        "errors": errors,
        "status_errors": figures["status"],
        "socket_errors": errors - figures["status"],
        "saved": figures["saved"],
        "sent": figures["sent"],
        "command": " ".join(command),
    }


# --- page weight -------------------------------------------------------------------------------


class _Subresources(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "link" and attributes.get("href"):
            rel = (attributes.get("rel") or "").lower()
            if any(r in rel.split() for r in ("stylesheet", "icon", "preload", "modulepreload")):
                self.urls.append(attributes["href"])
        elif tag in ("script", "img") and attributes.get("src"):
            self.urls.append(attributes["src"])


CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


def _decoded(raw: bytes, encoding: str | None) -> bytes:
    if encoding == "gzip":
        import gzip

        return gzip.decompress(raw)
    if encoding == "br":
        import brotli  # type: ignore[import-not-found]

        return brotli.decompress(raw)
    return raw


def page_weight(browser: Browser, path: str) -> dict:
    """Everything a first visit to ``path`` transfers, with its compression and caching."""
    response, raw, head = browser.request("GET", path)
    if response.status != 200:
        raise RuntimeError(f"GET {path} gave {response.status}")
    rows = [
        {
            "url": path,
            "bytes": len(raw) + head,
            "body": len(raw),
            "encoding": response.headers.get("Content-Encoding") or "-",
            "cache": response.headers.get("Cache-Control") or "-",
        }
    ]
    parser = _Subresources()
    parser.feed(_decoded(raw, response.headers.get("Content-Encoding")).decode("utf-8"))
    queue = [urljoin(path, u) for u in parser.urls]
    seen = set()
    while queue:
        url = queue.pop(0)
        if url in seen or url.startswith("data:"):
            continue
        seen.add(url)
        response, raw, head = browser.request("GET", url)
        rows.append(
            {
                "url": url,
                "bytes": len(raw) + head,
                "body": len(raw),
                "encoding": response.headers.get("Content-Encoding") or "-",
                "cache": response.headers.get("Cache-Control") or "-",
                "status": response.status,
            }
        )
        if (response.headers.get("Content-Type") or "").startswith("text/css"):
            text = _decoded(raw, response.headers.get("Content-Encoding")).decode("utf-8")
            queue += [urljoin(url, u) for u in CSS_URL.findall(text) if not u.startswith("data:")]
    return {"path": path, "total": sum(r["bytes"] for r in rows), "files": rows}


# --- in one process ----------------------------------------------------------------------------


def in_process(url: str, data: dict, count: int) -> dict:
    """CPU milliseconds per request through Flask's test client, one request at a time, with the
    production configuration: the cost of the app alone, without gunicorn, wrk or contention."""
    app = create_app(
        {
            "DATABASE_URL": url,
            "ENVIRON": {
                "WATTELT_ENV": "production",
                "WATTELT_SECRET_KEY": secrets.token_urlsafe(48),
                "WATTELT_DATABASE_URL": url,
                "WATTELT_LOG_LEVEL": "WARNING",
            },
        }
    )
    client = app.test_client()
    token = csrf_of(client.get("/login").data)
    client.post("/login", data={"csrf_token": token, "email": COACH, "password": PASSWORD})
    drafts = list(data["drafts"])
    residents = data["residents"]
    token = csrf_of(client.get(f"/measurements/{drafts[0]}/fill/resident/1").data)

    def screen(i: int):
        mid = drafts[i % len(drafts)]
        return client.get(f"/measurements/{mid}/fill/resident/{1 + i % data['drafts'][mid]}")

    def answer(i: int):
        # The resident's last screen, again and again: the same user, so no conflict. (The load
        # runs have counted their answers before this.)
        mid = drafts[i % len(drafts)]
        return client.post(
            f"/measurements/{mid}/fill/resident/{data['drafts'][mid]}",
            data={"csrf_token": token, "answer": "3", "version": "0"},
            headers={"X-Wattelt-Autosave": "1"},
        )

    def report(i: int):
        return client.get(f"/residents/{residents[i % len(residents)]}/report")

    figures = {}
    for label, call, n in (
        ("questionnaire GET", screen, count),
        ("answer POST", answer, count),
        ("report", report, max(1, count // 5)),
    ):
        for i in range(3):  # warm: templates compiled, modules imported
            call(i)
        started = time.process_time()
        for i in range(n):
            response = call(i)
            if response.status_code != 200:
                raise RuntimeError(f"{label} gave {response.status_code} in process")
        figures[label] = (time.process_time() - started) * 1000 / n
    app.extensions["wattelt.engine"].dispose()
    return figures


# --- the whole run -----------------------------------------------------------------------------


def machine() -> str:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = ""
    with contextlib.suppress(OSError):
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GiB memory"
    return f"{os.cpu_count()} CPUs ({model or platform.processor()}){memory}, {platform.platform()}"


def run(url: str, args: argparse.Namespace) -> dict:
    name = make_url(normalise_url(url)).get_backend_name()
    started = time.perf_counter()
    data = seed(url, args.residents)
    print(
        f"[{name}] {len(data['residents'])} residents with a draft each, "
        f"seeded in {time.perf_counter() - started:.1f} s"
    )
    drafts = data["drafts"]
    fill_paths = [
        f"/measurements/{mid}/fill/resident/{step}"
        for step in range(1, max(drafts.values()) + 1)
        for mid, screens in drafts.items()
        if step <= screens
    ]
    post_paths = [
        f"/measurements/{mid}/fill/{perspective}/{step}"
        for perspective in PERSPECTIVES
        for step in range(1, max(drafts.values()) + 1)
        for mid, screens in drafts.items()
        if step <= screens
    ]
    report_paths = [f"/residents/{rid}/report" for rid in data["residents"]]
    folder = Path(args.workdir)
    log = folder / f"gunicorn-{name}.log"
    common = {
        "folder": folder,
        "duration": args.duration,
        "connections": args.connections,
        "threads": args.threads,
    }
    results: dict = {"backend": name, "runs": {}}

    def measure(server: Server, label: str, paths: list[str], warmup: bool = True, **extra):
        if args.warmup and warmup:
            run_wrk(
                server.url, paths[::-1], **{**common, "duration": args.warmup}, name=label, **extra
            )
        cpu = server.cpu_seconds()
        result = run_wrk(server.url, paths, **common, name=label, **extra)
        # On a machine busy with other work a short run may end before any request does: run
        # again for twice as long (up to 30 s). Answers sent in every try count as sent.
        duration, sent, saved = args.duration, result["sent"], result["saved"]
        while not result["requests"] and duration < 30:
            duration *= 2
            print(f"{label}: no request completed, again for {duration:.0f} s")
            result = run_wrk(
                server.url, paths, **{**common, "duration": duration}, name=label, **extra
            )
            sent, saved = sent + result["sent"], saved + result["saved"]
        result["sent"], result["saved"] = sent, saved
        # CPU time per request does not depend on what else the machine is doing.
        result["cpu_ms"] = (server.cpu_seconds() - cpu) * 1000 / max(1, result["requests"])
        results["runs"][label] = result
        return result

    hello_app = ("hello:app", url, log, args.workers)
    with gunicorn(*hello_app, extra_path=str(ROOT / "benchmarks")) as server:
        measure(server, "hello", ["/"])

    with gunicorn("app:app", url, log, args.workers) as server:
        base = server.url
        browser = log_in(base)
        page = browser.request("GET", fill_paths[0], headers={"Accept-Encoding": "identity"})[1]
        token = csrf_of(page)
        cookie = {"Cookie": browser.cookie_header()}
        measure(server, "questionnaire GET", fill_paths, headers=cookie)
        # No warm-up for the POST (it would store answers): the GET run has warmed the workers.
        ids = list(drafts)
        before = count_answers(url, ids)
        post_headers = {
            **cookie,
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Wattelt-Autosave": "1",
            "Accept": "application/json",
        }
        # "3" is on every scale: the life domains' 1-5 and the overall grade's 1-10.
        body = urlencode({"csrf_token": token, "answer": "3", "version": "0"})
        result = measure(
            server,
            "answer POST",
            post_paths,
            warmup=False,
            method="POST",
            headers=post_headers,
            body=body,
        )
        stored = count_answers(url, ids) - before
        result["stored"] = stored
        result["slots"] = len(post_paths)
        measure(server, "report", report_paths, headers=cookie)

        weight_browser = log_in(base)
        results["weight"] = [
            page_weight(weight_browser, fill_paths[-1]),
            page_weight(weight_browser, report_paths[0]),
        ]

    results["in_process"] = in_process(url, data, args.in_process)

    # The machine may be busy with other work: "hello" once more, and the ratios use both.
    with gunicorn(*hello_app, extra_path=str(ROOT / "benchmarks")) as server:
        measure(server, "hello (again)", ["/"])
    return results


def report(results: dict, args: argparse.Namespace) -> None:
    runs = results["runs"]
    hello = (runs["hello"]["rps"] + runs["hello (again)"]["rps"]) / 2
    print(f"\n[{results['backend']}] wrk, {args.connections} connections, {args.threads} threads")
    print("x hello: against the mean of both hello runs; cpu ms: server CPU time per request")
    print(
        f"{'run':<20}{'req/s':>9}{'x hello':>9}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}"
        f"{'cpu ms':>9}{'errors':>8}"
    )
    for label, run in runs.items():
        ratio = run["rps"] / hello if hello else 0
        print(
            f"{label:<20}{run['rps']:>9.1f}{ratio:>9.0%}{run['p50_ms']:>9.1f}{run['p99_ms']:>9.1f}"
            f"{run['max_ms']:>9.1f}{run['cpu_ms']:>9.2f}{run['errors']:>8}"
            + (
                f"   (status {run['status_errors']}, socket {run['socket_errors']})"
                if run["errors"]
                else ""
            )
        )
    print(
        "in one process, CPU ms per request (test client, one at a time): "
        + ", ".join(f"{label} {ms:.1f}" for label, ms in results["in_process"].items())
    )
    post = runs["answer POST"]
    if post["sent"] > post["slots"]:
        # Some answers were posted twice (the second post overwrites): saved and stored posts
        # can no longer be compared one to one.
        verdict = "not checked: more posts than distinct answers; use more --residents"
    elif post["saved"] <= post["stored"] <= post["sent"]:
        verdict = "every saved answer is stored"
    else:
        verdict = "ANSWERS MISSING"
    print(
        f"answers: {post['saved']} posts answered saved, {post['stored']} new answers in the "
        f"database ({post['sent']} posts sent, in flight at the end included; "
        f"{post['slots']} distinct answers available) -> {verdict}"
    )
    for weight in results["weight"]:
        print(f"\npage weight of {weight['path']}: {weight['total'] / 1024:.1f} KiB transferred")
        for row in weight["files"]:
            print(
                f"  {row['bytes'] / 1024:8.1f} KiB  {row['encoding']:<5} {row['url']:<58} {row['cache']}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--residents", type=int, help="residents, each with a draft (500)")
    parser.add_argument("-d", "--duration", type=float, help="seconds per wrk run (15)")
    parser.add_argument("--warmup", type=float, help="seconds of warm-up before a run (3)")
    parser.add_argument("-c", "--connections", type=int, help="wrk connections (32)")
    parser.add_argument("-t", "--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--workers", type=int, help="gunicorn workers (gunicorn.conf.py's)")
    parser.add_argument("--postgresql", help="a PostgreSQL URL to drop, create and use")
    parser.add_argument("--no-sqlite", action="store_true", help="skip SQLite")
    parser.add_argument(
        "--quick", action="store_true", help="60 residents, 3 s runs with 4 connections"
    )
    parser.add_argument(
        "--in-process", type=int, help="requests per URL through the test client (200)"
    )
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = parser.parse_args()
    quick = args.quick
    args.residents = args.residents or (60 if quick else 500)
    # A quick run proves the script works, not a speed: few connections and a few seconds, so
    # that every run completes requests even on a machine that is busy with other work.
    args.duration = args.duration or (3 if quick else 15)
    args.connections = args.connections or (4 if quick else 32)
    args.warmup = args.warmup if args.warmup is not None else (0 if quick else 3)
    args.in_process = args.in_process or (10 if quick else 200)
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (Debian: apt-get install wrk)")
    print(f"machine: {machine()}")
    print(f"date: {time.strftime('%Y-%m-%d %H:%M %Z')}")
    everything = []
    with tempfile.TemporaryDirectory(prefix="wattelt-pages-") as folder:
        args.workdir = folder
        urls = [] if args.no_sqlite else [f"sqlite:///{folder}/benchmark.sqlite"]
        if args.postgresql:
            fresh_postgresql(args.postgresql)
            urls.append(args.postgresql)
        for url in urls:
            results = run(url, args)
            report(results, args)
            everything.append(results)
    if args.json:
        print("JSON " + json.dumps(everything))


if __name__ == "__main__":
    main()
