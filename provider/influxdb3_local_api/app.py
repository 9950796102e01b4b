"""FastAPI application factory for the local InfluxDB 3 Management API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import version
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from .auth import Verifier, make_authenticator, make_authorizer, make_token_cluster_authorizer
from .body_limit import BodyLimitMiddleware
from .catalog import Catalog
from .database_tokens_routes import build_database_tokens_router
from .databases_routes import build_databases_router
from .documented import DEDICATED, scope_of
from .errors import install_error_handlers
from .faults import FaultInjectionMiddleware
from .idempotency import ReplayCache
from .inventory_routes import build_inventory_router
from .models import Health
from .path_encoding import RawPathRouting
from .routes import build_router
from .scrypt_budget import ScryptBudget
from .settings import Settings
from .store import Store
from .tables_routes import build_tables_router
from .write_routes import build_write_router

TITLE = "InfluxDB 3 Management API (local)"
VERSION = version("pulumi-influxdb3-tokens")  # the distribution this server ships in


def _contract(app: FastAPI) -> dict[str, Any]:
    """The generated schema without FastAPI's default 422 responses: validation errors are 400 here."""
    if app.openapi_schema is None:
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                responses = operation.get("responses", {})
                ref = responses.get("422", {}).get("content", {}).get("application/json", {}).get("schema", {})
                if ref.get("$ref", "").endswith("/HTTPValidationError"):
                    del responses["422"]
        components = schema.get("components", {}).get("schemas", {})
        components.pop("HTTPValidationError", None)
        components.pop("ValidationError", None)
        app.openapi_schema = schema
    return app.openapi_schema


def create_app(settings: Settings) -> FastAPI:
    """Build the app; it opens `settings.data_dir/management.db` and closes it on shutdown."""
    store = Store(settings.data_dir, settings.token_hash_cost)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            store.close()

    app = FastAPI(
        title=TITLE,
        version=VERSION,
        description="A local stand-in for InfluxData's documented InfluxDB 3 Management API (Cloud Dedicated or "
        "Clustered paths: databases, tables, database tokens), the data API's /api/v2/write, and OUR extension, "
        "not InfluxData's: management tokens over HTTP, and an /inventory of what influxctl lists (tables, deleted "
        "databases and tables, database ids).",
        lifespan=lifespan,
        # Starlette would answer `path/` with a redirect whose URL it builds from the Host header.
        redirect_slashes=False,
    )
    app.openapi = lambda: _contract(app)  # type: ignore[method-assign]
    install_error_handlers(app)
    if settings.faults.active:
        app.add_middleware(FaultInjectionMiddleware, config=settings.faults)
    app.add_middleware(BodyLimitMiddleware)
    app.add_middleware(RawPathRouting)  # outermost: routing sees %2F inside a database name
    budget = ScryptBudget(settings.failed_auth_per_s, settings.failed_auth_burst)
    authenticate = make_authenticator(store, Verifier(store, budget=budget))
    authorize = make_authorizer(store, authenticate=authenticate)
    app.include_router(build_router(store, ReplayCache(), authorize))
    catalog = Catalog(store)
    product = settings.product
    scope = scope_of(authorize if product == DEDICATED else make_token_cluster_authorizer(authenticate))
    app.include_router(build_databases_router(catalog, product, scope))
    app.include_router(build_tables_router(catalog, product, scope))
    app.include_router(build_database_tokens_router(catalog, product, scope))
    app.include_router(build_inventory_router(catalog, product, scope))
    # Database tokens are verified apart from management tokens, but failed guesses draw on one budget.
    writes = Verifier(catalog, budget=budget)
    app.include_router(build_write_router(catalog, writes, settings.database_token_activation_delay_s))

    @app.get("/health", response_model=Health, tags=["health"])
    def health() -> Health:
        """Readiness probe; no authentication."""
        return Health(status="ok")

    return app
