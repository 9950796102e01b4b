"""Databases of InfluxData's documented Management API (tag "Databases" of both OpenAPI files).

Six operations: list, create (200), update (PATCH: maxTables, maxColumnsPerTable, retentionPeriod), delete
(204), rename (PUT .../rename) and undelete (PUT .../{databaseId}/undelete). A deleted database is kept
(admin/databases/delete.md: "may be able to be restored"), out of listings, its name free for a new one;
only rename and undelete answers carry the database id, which undelete takes.
"""

# No `from __future__ import annotations`: FastAPI must see the real Annotated[...] objects.

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response

from .bodies import body_schema, json_body
from .catalog import Catalog, DatabaseRecord, NameTaken, NotDeleted, Scope
from .documented import DatabaseNameParam, api_prefix, errors, shown_ids
from .documented_models import (
    INT64_MAX,
    CreateDatabaseRequest,
    Database,
    DatabaseWithId,
    RenameRequest,
    UpdateDatabaseRequest,
)
from .errors import ApiError
from .timefmt import utc_now

NOT_FOUND = "Database not found."


TAKEN = "A database with this name already exists in the cluster."


def database_answer(product: str, scope: Scope, record: DatabaseRecord) -> dict[str, object]:
    return {
        **shown_ids(product, scope),
        "name": record.name,
        "max_tables": record.max_tables,
        "max_columns_per_table": record.max_columns_per_table,
        "retention_period": record.retention_period,
        "partition_template": record.partition_template,
    }


def build_databases_router(catalog: Catalog, product: str, scope: Callable[..., Scope]) -> APIRouter:
    router = APIRouter(prefix=api_prefix(product), tags=["Databases"])
    Caller = Annotated[Scope, Depends(scope)]

    def shown(where: Scope, record: DatabaseRecord) -> Database:
        return Database.model_validate(database_answer(product, where, record))

    def shown_with_id(where: Scope, record: DatabaseRecord) -> DatabaseWithId:
        return DatabaseWithId.model_validate({**database_answer(product, where, record), "id": record.id})

    @router.get(
        "/databases",
        operation_id="GetClusterDatabases",
        response_model=list[Database],
        response_model_exclude_none=True,
        responses=errors(400, 404),
        summary="Get all databases for a cluster",
    )
    def list_databases(where: Caller) -> list[Database]:
        return [shown(where, record) for record in catalog.list_databases(where)]

    @router.post(
        "/databases",
        operation_id="CreateClusterDatabase",
        response_model=Database,
        response_model_exclude_none=True,
        responses=errors(400, 404, 409, 413),
        openapi_extra=body_schema(CreateDatabaseRequest),
        summary="Create a database",
        description="The name must be unique among the cluster's databases (409). Defaults: maxTables 500, "
        "maxColumnsPerTable 250, retentionPeriod 0 (infinite). A partition template needs exactly one time part "
        "and at most 7 tag or bucket parts; it can only be set here.",
    )
    def create_database(
        where: Caller, body: Annotated[CreateDatabaseRequest, Depends(json_body(CreateDatabaseRequest))]
    ) -> Database:
        template = None if body.partition_template is None else [p.model_dump() for p in body.partition_template]
        try:
            record = catalog.create_database(
                where,
                name=body.name,
                max_tables=body.max_tables,
                max_columns_per_table=body.max_columns_per_table,
                retention_period=body.retention_period,
                partition_template=template,
                now=utc_now(),
            )
        except NameTaken:
            raise ApiError(409, TAKEN) from None
        return shown(where, record)

    @router.patch(
        "/databases/{databaseName}",
        operation_id="UpdateClusterDatabase",
        response_model=Database,
        response_model_exclude_none=True,
        responses=errors(400, 404, 413),
        openapi_extra=body_schema(UpdateDatabaseRequest),
        summary="Update a database",
    )
    def update_database(
        where: Caller,
        name: DatabaseNameParam,
        body: Annotated[UpdateDatabaseRequest, Depends(json_body(UpdateDatabaseRequest))],
    ) -> Database:
        record = catalog.update_database(where, name, body.changes())
        if record is None:
            raise ApiError(404, NOT_FOUND)
        return shown(where, record)

    @router.delete(
        "/databases/{databaseName}",
        operation_id="DeleteClusterDatabase",
        status_code=204,
        response_class=Response,
        responses=errors(400, 404),
        summary="Delete a database",
    )
    def delete_database(where: Caller, name: DatabaseNameParam) -> Response:
        if not catalog.delete_database(where, name, utc_now()):
            raise ApiError(404, NOT_FOUND)
        return Response(status_code=204)

    @router.put(
        "/databases/{databaseName}/rename",
        operation_id="RenameClusterDatabase",
        response_model=DatabaseWithId,
        response_model_exclude_none=True,
        responses=errors(400, 404, 409, 413),
        openapi_extra=body_schema(RenameRequest),
        summary="Rename a database",
        description="Only a live database can be renamed; the id stays. Database tokens name databases, so "
        "tokens for the old name no longer reach it.",
    )
    def rename_database(
        where: Caller, name: DatabaseNameParam, body: Annotated[RenameRequest, Depends(json_body(RenameRequest))]
    ) -> DatabaseWithId:
        try:
            record = catalog.rename_database(where, name, body.name)
        except NameTaken:
            raise ApiError(409, TAKEN) from None
        if record is None:
            raise ApiError(404, NOT_FOUND)
        return shown_with_id(where, record)

    @router.put(
        "/databases/{databaseId}/undelete",
        operation_id="UndeleteClusterDatabase",
        response_model=DatabaseWithId,
        response_model_exclude_none=True,
        responses=errors(400, 404),
        summary="Undelete a database",
        description="Restores a deleted database by id. 400 when it is not deleted, or when a live database "
        "has taken its name (admin/databases/undelete.md: 'A new database with the same name cannot already "
        "exist'; the OpenAPI files list no 409 for this operation).",
    )
    def undelete_database(
        where: Caller, database_id: Annotated[int, Path(alias="databaseId", ge=1, le=INT64_MAX)]
    ) -> DatabaseWithId:
        try:
            record = catalog.undelete_database(where, database_id)
        except NotDeleted:
            raise ApiError(400, "The database is not deleted.") from None
        except NameTaken:
            raise ApiError(400, "A live database has taken this database's name; rename or delete it first.") from None
        if record is None:
            raise ApiError(404, NOT_FOUND)
        return shown_with_id(where, record)

    return router
