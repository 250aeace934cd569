"""What a 503 may tell a caller: why, without the server's insides.

An engine failure's message names the data directory, the socket, the
engine log, the pid and command line of the process that owns the engine:
useful in the server log (which keeps the whole message), not to a caller
on the network."""

from __future__ import annotations

import re

# "process 1234 (nhskg serve --port 8000)" and "pid 1234".
_PROCESS = re.compile(r"\bprocess \d+ \([^)]*\)")
_PID = re.compile(r"\bpid \d+\b")
# Absolute paths (a data directory, a socket, a log, a binary).
_PATH = re.compile(r"(?<![\w/.:])/[^\s;,()'\"]+")
# "(engine log [path])" and similar asides that are only a path.
_EMPTY_ASIDE = re.compile(r"\s*\((?:engine log |lock file |socket )?\[path\]\)")


def public_reason(message: str) -> str:
    text = _PROCESS.sub("another process", message)
    text = _PID.sub("pid", text)
    text = _PATH.sub("[path]", text)
    text = _EMPTY_ASIDE.sub("", text)
    return text
