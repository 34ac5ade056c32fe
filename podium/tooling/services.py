"""Throwaway PostgreSQL clusters and redis-servers on random loopback ports, for tests and benchmarks."""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


class ServiceError(RuntimeError):
    """A server could not be started; the message says what to install or what failed."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def postgres_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise ServiceError("PostgreSQL server binaries not found: install them with `apt-get install postgresql`")


def redis_bin() -> str:
    path = shutil.which("redis-server") or ("/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None)
    if path is None:
        raise ServiceError("redis-server not found: install it with `apt-get install redis-server`")
    return path


@dataclass
class Postgres:
    port: int
    directory: Path

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def socket_url(self, database: str = "postgres") -> str:
        """The same cluster over its Unix-domain socket, as an app on the database's own host would connect."""
        return f"postgres://postgres@:{self.port}/{database}?host={self.directory}"

    def create_database(self, name: str) -> str:
        _run(
            [
                *self._as_owner(),
                str(postgres_bin() / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                name,
            ]
        )
        return self.url(name)

    @staticmethod
    def _as_owner() -> list[str]:
        return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


@dataclass
class Redis:
    port: int
    directory: Path

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


def _run(cmd: list[str]) -> None:
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise ServiceError(f"{' '.join(cmd[:4])} failed: {(result.stderr or result.stdout).strip()[-800:]}")


@contextlib.contextmanager
def postgres(*, max_connections: int = 200) -> Iterator[Postgres]:
    """A fresh cluster with fsync off, trust auth, listening on 127.0.0.1 only; removed afterwards."""
    bin_dir = postgres_bin()
    directory = Path(tempfile.mkdtemp(prefix="podium-pg-"))
    owner = Postgres._as_owner()
    if os.geteuid() == 0:
        # initdb refuses to run as root; the cluster belongs to the postgres system user.
        try:
            pwd.getpwnam("postgres")
        except KeyError as exc:
            raise ServiceError("there is no `postgres` system user: install the postgresql package") from exc
        shutil.chown(directory, "postgres", "postgres")
    data = directory / "data"
    port = free_port()
    started = False
    try:
        _run(
            [
                *owner,
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
                "--no-instructions",
            ]
        )
        options = (
            f"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
            f"-c full_page_writes=off -c max_connections={max_connections} -c shared_buffers=128MB"
        )
        _run(
            [
                *owner,
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(directory / "log"),
                "-w",
                "-t",
                "60",
                "-o",
                options,
                "start",
            ]
        )
        started = True
        yield Postgres(port=port, directory=directory)
    except ServiceError:
        log_file = directory / "log"
        if log_file.exists():
            raise ServiceError(f"PostgreSQL did not start: {log_file.read_text()[-800:]}") from None
        raise
    finally:
        if started:
            subprocess.run(
                [*owner, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                capture_output=True,
                check=False,
            )
        shutil.rmtree(directory, ignore_errors=True)


@contextlib.contextmanager
def redis() -> Iterator[Redis]:
    """A redis-server with no persistence on a random loopback port; stopped and removed afterwards."""
    binary = redis_bin()
    directory = Path(tempfile.mkdtemp(prefix="podium-redis-"))
    port = free_port()
    process = subprocess.Popen(
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
            str(directory),
            "--daemonize",
            "no",
            "--loglevel",
            "warning",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            if process.poll() is not None:
                err = process.stderr.read().decode() if process.stderr else ""
                raise ServiceError(f"redis-server exited at start: {err.strip()[-500:]}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
            if time.monotonic() > deadline:
                raise ServiceError("redis-server did not accept connections within 15 s")
            time.sleep(0.02)
        yield Redis(port=port, directory=directory)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(directory, ignore_errors=True)
