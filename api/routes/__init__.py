"""Route modules, one per resource; register_routes mounts them all."""

from __future__ import annotations

from fastapi import FastAPI

from nhskg.api.routes import budgets, catalogue, entities, health, paths, services, sources, subgraph


def register_routes(app: FastAPI) -> None:
    app.include_router(health.router)
    app.include_router(entities.router)
    app.include_router(services.router)
    app.include_router(paths.router)
    app.include_router(budgets.router)
    app.include_router(subgraph.router)
    app.include_router(sources.router)
    app.include_router(catalogue.router)
