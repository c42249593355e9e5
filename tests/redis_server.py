"""A Redis server of a test's own (the `private_redis` fixture), for tests that stop it:
stopping the machine's shared Redis would disturb every other test."""

import shutil
import signal
import socket
import subprocess
import time

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def private_redis(tmp_path):
    """A Redis server of this test's own, so stopping it disturbs nobody else."""
    binary = shutil.which("redis-server")
    assert binary, "redis-server is needed for this test (it is installed with Redis)"
    port = free_port()
    data = tmp_path / "redis"
    data.mkdir()

    def start():
        process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                binary,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(data),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return process
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the test's Redis did not start")

    server = {"process": start()}

    class Control:
        url = f"redis://127.0.0.1:{port}/0"

        def stop(self):
            server["process"].send_signal(signal.SIGTERM)
            server["process"].wait(timeout=10)

        def start(self):
            server["process"] = start()

    yield Control()
    if server["process"].poll() is None:
        server["process"].terminate()
        server["process"].wait(timeout=10)
