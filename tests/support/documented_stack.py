"""A local server speaking InfluxData's documented Management API (Cloud Dedicated or Clustered paths) and stacks of
the `databases` test program (tests/e2e/programs/databases) connected to it, for the engine tests of Database and
DatabaseToken.

The paths are the OpenAPI files' (api-docs/influxdb3/{cloud-dedicated,clustered}/management/openapi.yml): Cloud
Dedicated serves under /api/v0/accounts/{accountId}/clusters/{clusterId}/, Clustered under /api/v0/ alone.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Optional

from support.engine import Stack
from support.faces import spec_defaults
from support.fixtures import admin_token_of_this_process, running_local_api
from support.local_api import LocalApi

PRODUCTS = ("dedicated", "clustered")
DATABASE_TOKEN = "DatabaseToken"  # the type's last part on both faces: influxdb3:index:DatabaseToken and the dynamic
DATABASE = "Database"


@contextmanager
def documented_server(data_dir: Path, product: str, *flags: str) -> Iterator[LocalApi]:
    """A local server serving ``product``'s documented paths, with this process's admin token."""
    with running_local_api(
        data_dir, "--product", product, *flags, admin_token=admin_token_of_this_process("local_api")
    ) as api:
        yield api


def make_documented_stack(
    tmp_path: Path, server: LocalApi, product: str, spec: dict[str, Any], face: str, **kw: Any
) -> Stack:
    """A stack of the `databases` program declaring ``spec`` on ``face`` (or both faces), connected to ``server``
    through the stack's config (the admin token as a secret)."""
    stack = Stack.create("databases", tmp_path, spec_defaults=spec_defaults(face), **kw)
    stack.write_spec(spec)
    stack.connect_to(server, plain={"influxdb3:retryTimeout": "20", "influxdb3:product": product})
    return stack


class DocumentedApi:
    """The documented routes of one server, called with its admin token, as an operator would out of band."""

    def __init__(self, server: LocalApi, product: str) -> None:
        self.server, self.product = server, product

    def path(self, *parts: str) -> str:
        server = self.server
        prefix = (
            "/api/v0"
            if self.product == "clustered"
            else f"/api/v0/accounts/{server.account_id}/clusters/{server.cluster_id}"
        )
        return "/".join((prefix, *parts))

    def tokens(self) -> dict[str, dict[str, Any]]:
        """Every database token by id, revoked ones included (GetDatabaseTokens)."""
        with self.server.client() as http:
            response = http.get(self.path("tokens"))
            response.raise_for_status()
            return {token["id"]: token for token in response.json()}

    def live_token_ids(self) -> set[str]:
        return {token_id for token_id, token in self.tokens().items() if not token.get("revokedAt")}

    def databases(self) -> list[str]:
        with self.server.client() as http:
            response = http.get(self.path("databases"))
            response.raise_for_status()
            return sorted(database["name"] for database in response.json())

    def create_database(self, name: str) -> None:
        with self.server.client() as http:
            http.post(self.path("databases"), json={"name": name}).raise_for_status()

    def create_token(
        self, description: str, permissions: list[dict[str, str]], expires_at: Optional[str] = None
    ) -> dict[str, Any]:
        """CreateDatabaseToken: the answer carries ``accessToken``, the only time it is shown."""
        body: dict[str, Any] = {"description": description, "permissions": permissions}
        if expires_at is not None:
            body["expiresAt"] = expires_at
        with self.server.client() as http:
            response = http.post(self.path("tokens"), json=body)
            response.raise_for_status()
            return dict(response.json())

    def revoke_token(self, token_id: str) -> None:
        """DeleteDatabaseToken: the token is revoked (a get still answers, with revokedAt)."""
        with self.server.client() as http:
            http.delete(self.path("tokens", token_id)).raise_for_status()
