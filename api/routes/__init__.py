"""Route modules, one per resource; register_routes mounts them all."""

from __future__ import annotations

from fastapi import FastAPI

from api.routes import health


def register_routes(app: FastAPI) -> None:
    app.include_router(health.router)
