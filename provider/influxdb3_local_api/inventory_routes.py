"""OUR extension, not InfluxData's: the inventory that influxctl reads and the documented HTTP API cannot give.

`influxctl table list` lists a database's tables, `influxctl database list --filter-status=deleted` and
`table list --filter-status=deleted` list deleted ones, and from 2.10.3 `database list` shows each database's
`id` (the influxctl release notes). InfluxData's Management API documents none of these reads (no table
read at all; database answers without ids but for rename and undelete), and influxctl reaches the service
over gRPC, not over that API. The test stand-in of influxctl (tests/standin) reads them here, under
`/inventory`, a prefix the documented API does not use, so nothing mistakes them for the documented contract.
"""

# No `from __future__ import annotations`: FastAPI must see the real Annotated[...] objects.

from collections.abc import Callable
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from .catalog import Catalog, Scope
from .databases_routes import database_answer
from .documented import DatabaseNameParam, api_prefix, errors, shown_ids
from .documented_models import DatabaseWithId, TableWithId
from .errors import ApiError

Status = Annotated[Literal["active", "deleted"], Query(description="Live (active) or deleted entries.")]


def build_inventory_router(catalog: Catalog, product: str, scope: Callable[..., Scope]) -> APIRouter:
    router = APIRouter(prefix=api_prefix(product) + "/inventory", tags=["Inventory (our extension)"])
    Caller = Annotated[Scope, Depends(scope)]

    @router.get(
        "/databases",
        response_model=list[DatabaseWithId],
        response_model_exclude_none=True,
        responses=errors(400),
        summary="OUR extension: databases with their ids, live or deleted",
    )
    def list_databases(where: Caller, status: Status = "active") -> list[DatabaseWithId]:
        records = catalog.list_databases(where) if status == "active" else catalog.list_deleted_databases(where)
        return [DatabaseWithId.model_validate({**database_answer(product, where, r), "id": r.id}) for r in records]

    @router.get(
        "/databases/{databaseName}/tables",
        response_model=list[TableWithId],
        response_model_exclude_none=True,
        responses=errors(400, 404),
        summary="OUR extension: a live database's tables with their ids, live or deleted",
    )
    def list_tables(where: Caller, name: DatabaseNameParam, status: Status = "active") -> list[TableWithId]:
        database = catalog.find_database(where, name)
        if database is None:
            raise ApiError(404, "Database not found.")
        return [
            TableWithId.model_validate(
                {
                    **shown_ids(product, where),
                    "id": table.id,
                    "database_name": table.database_name,
                    "name": table.name,
                    "partition_template": table.partition_template,
                }
            )
            for table in catalog.list_tables(database, deleted=status == "deleted")
        ]

    return router
