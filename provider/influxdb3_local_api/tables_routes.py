"""Tables of InfluxData's documented Management API (tag "Tables" of both OpenAPI files).

Four operations: create (200), delete (204), rename (PUT .../rename) and undelete (PUT .../{tableId}/undelete).
Tables cannot be read or listed over HTTP (the files document no such operation), so only rename and undelete
answers carry the table id. Every operation names a live database (404 otherwise).
"""

# No `from __future__ import annotations`: FastAPI must see the real Annotated[...] objects.

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response

from .bodies import body_schema, json_body
from .catalog import Catalog, DatabaseRecord, NameTaken, NotDeleted, Scope, TableRecord
from .documented import DatabaseNameParam, TableNameParam, api_prefix, errors, shown_ids
from .documented_models import INT64_MAX, CreateTableRequest, RenameTableRequest, Table, TableWithId
from .errors import ApiError
from .timefmt import utc_now

DATABASE_NOT_FOUND = "Database not found."
TABLE_NOT_FOUND = "Table not found."
TAKEN = "A table with this name already exists in the database."


def build_tables_router(catalog: Catalog, product: str, scope: Callable[..., Scope]) -> APIRouter:
    router = APIRouter(prefix=api_prefix(product) + "/databases/{databaseName}/tables", tags=["Tables"])

    def live_database(where: Annotated[Scope, Depends(scope)], name: DatabaseNameParam) -> tuple[Scope, DatabaseRecord]:
        database = catalog.find_database(where, name)
        if database is None:
            raise ApiError(404, DATABASE_NOT_FOUND)
        return where, database

    In = Annotated[tuple[Scope, DatabaseRecord], Depends(live_database)]

    def answer(where: Scope, table: TableRecord) -> dict[str, object]:
        return {
            **shown_ids(product, where),
            "database_name": table.database_name,
            "name": table.name,
            "partition_template": table.partition_template,
        }

    @router.post(
        "",
        operation_id="CreateClusterDatabaseTable",
        response_model=Table,
        response_model_exclude_none=True,
        responses=errors(400, 404, 409, 413),
        openapi_extra=body_schema(CreateTableRequest),
        summary="Create a database table",
    )
    def create_table(in_: In, body: Annotated[CreateTableRequest, Depends(json_body(CreateTableRequest))]) -> Table:
        where, database = in_
        template = None if body.partition_template is None else [p.model_dump() for p in body.partition_template]
        try:
            table = catalog.create_table(database, body.name, template, utc_now())
        except NameTaken:
            raise ApiError(409, TAKEN) from None
        return Table.model_validate(answer(where, table))

    @router.delete(
        "/{tableName}",
        operation_id="DeleteClusterDatabaseTable",
        status_code=204,
        response_class=Response,
        responses=errors(400, 404),
        summary="Delete a database table",
    )
    def delete_table(in_: In, name: TableNameParam) -> Response:
        if not catalog.delete_table(in_[1], name, utc_now()):
            raise ApiError(404, TABLE_NOT_FOUND)
        return Response(status_code=204)

    @router.put(
        "/{tableName}/rename",
        operation_id="RenameClusterDatabaseTable",
        response_model=TableWithId,
        response_model_exclude_none=True,
        responses=errors(400, 404, 409, 413),
        openapi_extra=body_schema(RenameTableRequest),
        summary="Rename a database table",
    )
    def rename_table(
        in_: In, name: TableNameParam, body: Annotated[RenameTableRequest, Depends(json_body(RenameTableRequest))]
    ) -> TableWithId:
        where, database = in_
        try:
            table = catalog.rename_table(database, name, body.name)
        except NameTaken:
            raise ApiError(409, TAKEN) from None
        if table is None:
            raise ApiError(404, TABLE_NOT_FOUND)
        return TableWithId.model_validate({**answer(where, table), "id": table.id})

    @router.put(
        "/{tableId}/undelete",
        operation_id="UndeleteClusterDatabaseTable",
        response_model=TableWithId,
        response_model_exclude_none=True,
        responses=errors(400, 404),
        summary="Undelete a database table",
        description="Restores a deleted table by id. 400 when it is not deleted, or when a live table has taken "
        "its name (admin/tables/undelete.md: 'A new table with the same name cannot already exist'; the OpenAPI "
        "files list no 409 for this operation).",
    )
    def undelete_table(in_: In, table_id: Annotated[int, Path(alias="tableId", ge=1, le=INT64_MAX)]) -> TableWithId:
        where, database = in_
        try:
            table = catalog.undelete_table(database, table_id)
        except NotDeleted:
            raise ApiError(400, "The table is not deleted.") from None
        except NameTaken:
            raise ApiError(400, "A live table has taken this table's name; rename or delete it first.") from None
        if table is None:
            raise ApiError(404, TABLE_NOT_FOUND)
        return TableWithId.model_validate({**answer(where, table), "id": table.id})

    return router
