"""The deployment files in deploy/ work as shipped: systemd accepts the three units, and
gunicorn serves the app with its config file, logging each request with its id."""

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.redis_server import free_port

ROOT = Path(__file__).resolve().parents[2]
UNITS = sorted((ROOT / "deploy" / "systemd").glob("*.service"))


def test_there_is_a_unit_for_web_worker_and_beat():
    assert [unit.name for unit in UNITS] == [
        "smpclinic-beat.service",
        "smpclinic-web.service",
        "smpclinic-worker.service",
    ]


def test_systemd_accepts_the_units(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        assert not os.environ.get("CI"), "systemd-analyze is needed to check the units"
        pytest.skip("systemd-analyze is not installed here")
    env_file = tmp_path / "env"
    env_file.write_text("DJANGO_ENV=production\n")
    copies = []
    for unit in UNITS:
        # The units name the production layout (/srv/smpclinic, user smpclinic); checked
        # here against this checkout, whose .venv holds the same commands.
        text = unit.read_text()
        text = text.replace("/srv/smpclinic", str(ROOT)).replace(
            "/etc/smpclinic/env", str(env_file)
        )
        text = text.replace("User=smpclinic", "User=root").replace("Group=smpclinic", "Group=root")
        copy = tmp_path / unit.name
        copy.write_text(text)
        copies.append(str(copy))
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [analyze, "verify", *copies], capture_output=True, text=True, timeout=60
    )
    complaints = [
        line for line in (result.stdout + result.stderr).splitlines() if "smpclinic-" in line
    ]
    assert result.returncode == 0 and not complaints, result.stdout + result.stderr


def test_gunicorn_serves_the_app_with_the_shipped_config(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "DJANGO_SETTINGS_MODULE": "smpclinic.settings",
        "VAR_DIR": str(tmp_path),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    process = subprocess.Popen(  # noqa: S603 - fixed arguments
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "-c",
            str(ROOT / "deploy" / "gunicorn.conf.py"),
            "smpclinic.wsgi",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/livez", timeout=2) as answer:
                    assert answer.status == 200
                    request_id = answer.headers["X-Request-ID"]
                    break
            except OSError:
                assert process.poll() is None, process.stdout.read()
                assert time.monotonic() < deadline, "gunicorn did not answer within 30 s"
                time.sleep(0.3)
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert request_id
    assert '"GET /livez HTTP/1.1" 200' in output
    assert f"id={request_id}" in output
