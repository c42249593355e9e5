"""The clinic deployed as a server runs it, for the smoke run (`make smoke`).

The `deployment` fixture does what README's Deploying section tells an operator to do, with
the environment an operator would put in /etc/smpclinic/env: DJANGO_ENV=production, its own
secrets, the public host name behind a TLS proxy, PostgreSQL, Redis, photos in a private S3
bucket (moto's S3 server on 127.0.0.1) and email through Postmark's API (the stand-in,
reminders/tests/postmark_standin.py). It compiles the translations, migrates, collects the
static files, runs the deployment checks and creates the clinic, then starts the three
services with the commands their systemd units in deploy/systemd/ give (paths moved from
/srv/smpclinic to this checkout): gunicorn with deploy/gunicorn.conf.py and two workers,
the Celery worker (two pool processes) and beat. Everything it started is stopped when the
run ends, failed or not, and the database is dropped.

Where (every one can be changed from the environment; the Makefile passes them):
SMOKE_DATABASE_URL (a database the run creates and drops), SMOKE_REDIS_URL (a Redis
database the run empties), SMOKE_PORT (gunicorn; the next three ports: S3, the email
stand-in and the text message provider's stand-in).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import redis
import requests
from requests.adapters import HTTPAdapter

from photos.tests.s3_server import ACCESS_KEY, REGION, S3Server
from photos.tests.s3_server import SECRET_KEY as S3_SECRET_KEY
from reminders.tests.postmark_standin import SERVER_TOKEN, WEBHOOK_SECRET, PostmarkStandIn
from reminders.tests.twilio_standin import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, TwilioStandIn

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
UNITS = ROOT / "deploy" / "systemd"

DATABASE_URL = os.environ.get(
    "SMOKE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/smpclinic_smoke"
)
REDIS_URL = os.environ.get("SMOKE_REDIS_URL", "redis://127.0.0.1:6379/14")
PORT = int(os.environ.get("SMOKE_PORT", "8710"))
S3_PORT, EMAIL_PORT, SMS_PORT = PORT + 1, PORT + 2, PORT + 3

# The clinic's public address: TLS ends at the proxy in front of gunicorn.
HOST = "clinic.example.com"
SITE_URL = f"https://{HOST}"
MANAGER_EMAIL = "manager@clinic.example.com"
ARTIST_EMAIL = "sam.okafor@clinic.example.com"
BUCKET = "clinic-photos"
# The address Prometheus scrapes from (METRICS_ALLOWED_IPS), and a visitor's on the internet;
# the proxy tells the app which one is asking (X-Forwarded-For, API_NUM_PROXIES=1).
MONITORING_ADDRESS = "10.0.0.9"
VISITOR_ADDRESS = "203.0.113.10"
# Beat sends the dispatcher this often, so the run sees it at work within seconds.
DISPATCH_SECONDS = 5
# How long a process may take to start, and to stop when asked, before the run gives up.
START_SECONDS = 60
STOP_SECONDS = 20

# What the run prints at the end (pytest_terminal_summary), to be quoted.
SUMMARY: list[str] = []
LOG_DIRS: list[Path] = []


def note(line: str) -> None:
    SUMMARY.append(line)


# --- the services' processes ---------------------------------------------------------------


@dataclass
class Service:
    name: str
    process: subprocess.Popen
    log: Path
    asked_to_stop: bool = False

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def tail(self, lines: int = 25) -> str:
        return "\n".join(self.output().splitlines()[-lines:])

    def running(self) -> bool:
        return self.process.poll() is None

    def children(self) -> list[int]:
        """The process's own children (gunicorn's workers, the Celery pool)."""
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # pid (comm) state ppid ...: comm may hold spaces and brackets.
            if int(stat.rsplit(")", 1)[1].split()[1]) == self.pid:
                found.append(int(entry.name))
        return sorted(found)

    def ask_to_stop(self) -> None:
        """SIGTERM, once: a graceful stop, as systemd asks."""
        if self.running() and not self.asked_to_stop:
            self.process.send_signal(signal.SIGTERM)
            self.asked_to_stop = True

    def stop(self) -> None:
        """SIGTERM unless already sent, a wait for a graceful stop, then SIGKILL to the
        whole group."""
        self.ask_to_stop()
        if self.running():
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=STOP_SECONDS)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)  # anything left of its group
        self.process.wait(timeout=STOP_SECONDS)


def unit_service(unit: str, paths: list[tuple[str, str]]):
    """(command, environment, commands before) from a shipped unit's [Service] section,
    its production paths replaced by this run's."""
    values: dict[str, list[str]] = {}
    section = ""
    for raw in (UNITS / unit).read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            section = line
            continue
        if section == "[Service]" and "=" in line:
            key, value = line.split("=", 1)
            for production, here in paths:
                value = value.replace(production, here)
            values.setdefault(key, []).append(value)
    environment = dict(
        item.split("=", 1) for value in values.get("Environment", []) for item in shlex.split(value)
    )
    before = [shlex.split(value) for value in values.get("ExecStartPre", [])]
    [start] = values["ExecStart"]
    return shlex.split(start), environment, before


def start(name: str, command: list[str], env: dict[str, str], logs: Path) -> Service:
    log = logs / f"{name}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - the shipped units' commands
            command,
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, stopped whole at the end
        )
    return Service(name=name, process=process, log=log)


def wait_for(what: str, check, service: Service | None = None, seconds: float = START_SECONDS):
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if result:
            return result
        if service is not None and not service.running():
            pytest.fail(f"{service.name} stopped while waiting for {what}:\n{service.tail(40)}")
        if time.monotonic() > deadline:
            tail = f":\n{service.tail(40)}" if service else ""
            pytest.fail(f"no {what} within {seconds:.0f} s{tail}")
        time.sleep(0.2)


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        # As the servers bind: a port left in TIME_WAIT by the last run is free.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def manage(*args: str, env: dict[str, str], timeout: int = 120) -> str:
    """One operator's `manage.py` command, in the production environment."""
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [str(VENV_BIN / "python"), "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, (
        f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    )
    return result.stdout


# --- requests through the proxy ----------------------------------------------------------------


class _Proxy(HTTPAdapter):
    """What deploy/nginx/smpclinic.conf does with a browser's request to the clinic's public
    address: sends it on to gunicorn over plain HTTP with the host name, X-Forwarded-Proto
    (https, as TLS ends at the proxy), the browser's address added to X-Forwarded-For, and an
    X-Request-ID of its own. The browser's side stays https://clinic.example.com, so its
    Secure (and __Host-) cookies work as they do."""

    def __init__(self, address: str):
        super().__init__()
        self.address = address

    def send(self, request, **kwargs):
        forwarded = request.copy()  # the browser's own request keeps its address
        parts = urlsplit(forwarded.url)
        forwarded.url = urlunsplit(("http", f"127.0.0.1:{PORT}", parts.path, parts.query, ""))
        forwarded.headers["Host"] = HOST
        forwarded.headers["X-Forwarded-Proto"] = parts.scheme
        sent = forwarded.headers.get("X-Forwarded-For")  # $proxy_add_x_forwarded_for
        forwarded.headers["X-Forwarded-For"] = f"{sent}, {self.address}" if sent else self.address
        forwarded.headers.setdefault("X-Request-ID", secrets.token_hex(16))
        return super().send(forwarded, **kwargs)


class Browser:
    """A browser of the clinic's public address, https:// (or http:// for the health probes
    a monitor sends over plain HTTP), through the proxy, from a visitor's address unless
    told otherwise. Redirects are not followed."""

    def __init__(self, scheme: str = "https", address: str = VISITOR_ADDRESS):
        self.origin = f"{scheme}://{HOST}"
        self.session = requests.Session()
        self.session.mount(f"http://{HOST}/", _Proxy(address))
        self.session.mount(f"https://{HOST}/", _Proxy(address))

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.session.get(self.origin + path, allow_redirects=False, timeout=30, **kwargs)

    def post(self, path: str, *, referer: str | None = None, **kwargs) -> requests.Response:
        # A form's POST names the page it came from; Django's CSRF check wants it on HTTPS.
        headers = {"Referer": self.origin + (referer or path), **kwargs.pop("headers", {})}
        return self.session.post(
            self.origin + path, headers=headers, allow_redirects=False, timeout=60, **kwargs
        )

    def form_token(self, page: requests.Response) -> str:
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert found, f"no CSRF token on {page.url}"
        return found.group(1)


def local_path(location: str) -> str:
    """A redirect's Location on the public host, as a path for Browser."""
    parts = urlsplit(location)
    assert parts.netloc in ("", HOST), f"redirected off the clinic's host: {location}"
    return urlunsplit(("", "", parts.path, parts.query, ""))


# --- the deployment ----------------------------------------------------------------------------


@dataclass
class Deployment:
    env: dict[str, str]
    manager_password: str
    metrics_token: str
    s3: S3Server
    email: PostmarkStandIn
    sms: TwilioStandIn
    services: dict[str, Service] = field(default_factory=dict)

    def browser(self, scheme: str = "https", address: str = VISITOR_ADDRESS) -> Browser:
        return Browser(scheme, address)


def _database(url: str) -> tuple[str, str]:
    """(the server's maintenance database URL, the smoke database's name)."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    assert re.fullmatch(r"[a-z_][a-z0-9_]*", name), f"unexpected database name {name!r}"
    return urlunsplit((parts.scheme, parts.netloc, "/postgres", "", "")), name


def _create_database(url: str) -> None:
    server, name = _database(url)
    with psycopg.connect(server, autocommit=True, connect_timeout=5) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def _drop_database(url: str) -> None:
    server, name = _database(url)
    with psycopg.connect(server, autocommit=True, connect_timeout=5) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _start_s3(services: dict[str, Service], logs: Path) -> S3Server:
    """moto's S3 server, as the photos' tests start it (photos/tests/s3_server.py)."""
    command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(S3_PORT)]
    service = services["s3"] = start("s3", command, _machine_environment(), logs)
    server = S3Server(endpoint=f"http://127.0.0.1:{S3_PORT}", process=service.process)

    def answers():
        try:
            urllib.request.urlopen(f"{server.endpoint}/moto-api/data.json", timeout=1).close()  # noqa: S310
        except (urllib.error.URLError, OSError):
            return False
        return True

    wait_for("answer from the local S3 server", answers, service, seconds=30)
    return server


def production_environment(tmp: Path, *, metrics_token: str) -> dict[str, str]:
    """What an operator puts in /etc/smpclinic/env for this clinic (README, Deploying)."""
    return {
        "DJANGO_ENV": "production",
        # Made for this run and used for nothing else.
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEYS": secrets.token_hex(32),
        "ALLOWED_HOSTS": HOST,
        "SITE_URL": SITE_URL,
        # nginx in front terminates TLS and says so (deploy/nginx/smpclinic.conf).
        "SECURE_PROXY_SSL_HEADER": "true",
        # ... and adds the visitor's address to X-Forwarded-For: rate limits and /metrics'
        # allowed addresses see the visitor, not the proxy.
        "API_NUM_PROXIES": "1",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "VAR_DIR": str(tmp / "var"),
        "CLINIC_NAME": "Crown Line SMP",
        "DEFAULT_FROM_EMAIL": f"Crown Line SMP <hello@{HOST}>",
        "EMAIL_PROVIDER": "postmark",
        "ANYMAIL_POSTMARK_SERVER_TOKEN": SERVER_TOKEN,
        "ANYMAIL_POSTMARK_API_URL": f"http://127.0.0.1:{EMAIL_PORT}/",
        "ANYMAIL_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "PHOTO_STORAGE": "s3",
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": f"http://127.0.0.1:{S3_PORT}",
        "AWS_S3_REGION_NAME": REGION,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": S3_SECRET_KEY,
        "METRICS_TOKEN": metrics_token,
        "METRICS_ALLOWED_IPS": MONITORING_ADDRESS,
        "REMINDER_DISPATCH_SECONDS": str(DISPATCH_SECONDS),
        # deploy/gunicorn.conf.py: this run's port, and two workers.
        "GUNICORN_BIND": f"127.0.0.1:{PORT}",
        "WEB_CONCURRENCY": "2",
        # Log lines reach the files as they are written.
        "PYTHONUNBUFFERED": "1",
        # Text messages through Twilio's API (its library), here a stand-in answering as
        # Twilio does; delivery reports and replies come back to SITE_URL/sms/twilio/.
        "SMS_BACKEND": "reminders.sms.TwilioBackend",
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_FROM_NUMBER": FROM_NUMBER,
        "TWILIO_API_BASE_URL": f"http://127.0.0.1:{SMS_PORT}",
    }


def _machine_environment() -> dict[str, str]:
    """Only what any process needs from the machine: nothing of the developer's settings."""
    keep = ("PATH", "LANG", "LC_ALL", "TMPDIR", "USER")
    return {name: os.environ[name] for name in keep if name in os.environ}


@pytest.fixture(scope="session")
def deployment(tmp_path_factory):
    began = time.monotonic()
    tmp = tmp_path_factory.mktemp("smoke")
    logs = tmp / "logs"
    logs.mkdir()
    LOG_DIRS.append(logs)
    busy = [port for port in (PORT, S3_PORT, EMAIL_PORT, SMS_PORT) if not port_is_free(port)]
    assert not busy, f"ports {busy} are taken; set SMOKE_PORT to a free range of four ports"

    metrics_token = secrets.token_urlsafe(32)
    env = {
        **_machine_environment(),
        # The service user's own home, as on the server: gunicorn's control socket, and no
        # credentials of the developer's (~/.aws) reach the services.
        "HOME": str(tmp / "home"),
        **production_environment(tmp, metrics_token=metrics_token),
    }
    (tmp / "home").mkdir()
    manager_password = secrets.token_urlsafe(18)
    services: dict[str, Service] = {}
    s3 = email = sms = None
    broker = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=5)
    try:
        _create_database(DATABASE_URL)
        broker.flushdb()  # no message of an earlier run is waiting
        s3 = _start_s3(services, logs)
        s3.client().create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        email = PostmarkStandIn(port=EMAIL_PORT).__enter__()
        sms = TwilioStandIn(port=SMS_PORT).__enter__()

        # The release, as README's Deploying section runs it. The compiled translations
        # are not in the repository: the release builds them (gettext's msgfmt).
        manage("compilemessages", "--ignore=.venv", "--ignore=var", "-v", "0", env=env)
        manage("migrate", "--noinput", env=env)
        manage("collectstatic", "--noinput", env=env)
        manage("check", "--deploy", "--fail-level", "WARNING", env=env)
        password_file = tmp / "manager-password"
        password_file.write_text(manager_password + "\n")
        manage(
            "create_clinic",
            "--name",
            "Crown Line SMP",
            "--manager-email",
            MANAGER_EMAIL,
            "--password-file",
            str(password_file),
            env=env,
        )
        password_file.unlink()
        manage(
            "shell",
            "-c",
            "from tests.smoke.clinic_setup import open_for_bookings; "
            f"open_for_bookings(artist_email={ARTIST_EMAIL!r})",
            env=env,
        )
        note(
            f"released: compilemessages, migrate, collectstatic, check --deploy, create_clinic in "
            f"{time.monotonic() - began:.0f} s (DJANGO_ENV=production, {DATABASE_URL}, {REDIS_URL})"
        )

        # The three services, with their units' commands.
        paths = [
            ("/srv/smpclinic/.venv/bin", str(VENV_BIN)),
            ("/srv/smpclinic/var", env["VAR_DIR"]),
            ("/srv/smpclinic", str(ROOT)),
            ("/run/", f"{tmp}/run/"),
        ]
        for name in ("web", "worker", "beat"):
            command, unit_env, before = unit_service(f"smpclinic-{name}.service", paths)
            for step in before:
                subprocess.run(step, check=True, env=env, timeout=30)  # noqa: S603
            services[name] = start(name, command, {**env, **unit_env}, logs)
            if name == "web":
                note(f"web: {shlex.join(command)}")
            else:
                note(f"{name}: {shlex.join(command[command.index('-A') :])}")

        web, worker, beat = services["web"], services["worker"], services["beat"]

        def live():
            try:
                return requests.get(
                    f"http://127.0.0.1:{PORT}/livez", headers={"Host": HOST}, timeout=2
                ).ok
            except requests.RequestException:
                return False

        wait_for("answer from gunicorn on /livez", live, web)
        wait_for("two gunicorn workers", lambda: len(web.children()) == 2, web)
        wait_for("Celery worker ready", lambda: " ready." in worker.output(), worker)
        wait_for("two Celery pool processes", lambda: len(worker.children()) == 2, worker)
        wait_for("beat started", lambda: "beat: Starting" in beat.output(), beat)
        note(
            f"running: gunicorn pid {web.pid} with workers {web.children()}; Celery worker "
            f"pid {worker.pid} with pool {worker.children()}; beat pid {beat.pid}; "
            f"S3 (moto) :{S3_PORT}; email stand-in (Postmark API) :{EMAIL_PORT}; "
            f"SMS stand-in (Twilio API) :{SMS_PORT}; "
            f"up in {time.monotonic() - began:.0f} s"
        )
        yield Deployment(
            env=env,
            manager_password=manager_password,
            metrics_token=metrics_token,
            s3=s3,
            email=email,
            sms=sms,
            services=services,
        )
    finally:
        # All asked at once, then each waited for: the graceful stops overlap.
        stopping = [services[name] for name in ("web", "beat", "worker", "s3") if name in services]
        for service in stopping:
            service.ask_to_stop()
        for service in stopping:
            service.stop()
        if email is not None:
            email.__exit__(None, None, None)
        if sms is not None:
            sms.__exit__(None, None, None)
        _drop_database(DATABASE_URL)
        broker.flushdb()
        broker.close()
        left = [s.name for s in services.values() if s.running()]
        note(
            f"stopped: {', '.join(services) or 'nothing was started'}"
            f"{'; STILL RUNNING: ' + ', '.join(left) if left else ''}; database dropped; "
            f"whole run {time.monotonic() - began:.0f} s"
        )
    errors = {
        name: [line for line in services[name].output().splitlines() if _is_error(line)]
        for name in ("web", "worker", "beat")
        if name in services
    }
    errors = {name: lines for name, lines in errors.items() if lines}
    assert not errors, f"errors in the services' logs: {errors}"


def _is_error(line: str) -> bool:
    if '"logger": "django.security.DisallowedHost"' in line:
        return False  # the wrong host name the run sends on purpose
    return (
        '"level": "ERROR"' in line
        or '"level": "CRITICAL"' in line
        or "[ERROR]" in line
        or "Traceback" in line
    )


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not SUMMARY:
        return
    terminalreporter.section("smoke run: the production configuration")
    for line in SUMMARY:
        terminalreporter.write_line(line)
    if exitstatus != 0:
        for logs in LOG_DIRS:
            for log in sorted(logs.glob("*.log")):
                terminalreporter.section(f"the end of {log.name}", sep="-")
                lines = log.read_text(errors="replace").splitlines()[-30:]
                terminalreporter.write_line("\n".join(lines))
