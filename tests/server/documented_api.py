"""Talking to the local server's documented Management API (InfluxData's paths) and its /api/v2/write in tests."""

from __future__ import annotations

import secrets
from typing import Any, Optional
from urllib.parse import quote

import httpx

from support.local_api import LocalApi

DEDICATED = "dedicated"
CLUSTERED = "clustered"
PRODUCTS = (DEDICATED, CLUSTERED)


def unique(prefix: str = "db") -> str:
    """A database, table or token name no other test uses."""
    return f"{prefix}_{secrets.token_hex(4)}"


class Documented:
    """One server serving one product's paths, as a client of InfluxData's documented API would call them."""

    def __init__(self, server: LocalApi, product: str) -> None:
        self.server = server
        self.product = product

    def path(self, *parts: str) -> str:
        """Each part percent-encoded whole (a database name may hold '/'), under the product's prefix."""
        encoded = "/".join(quote(part, safe="") for part in parts)
        if self.product == CLUSTERED:
            return f"/api/v0/{encoded}"
        return f"/api/v0/accounts/{self.server.account_id}/clusters/{self.server.cluster_id}/{encoded}"

    def ids(self) -> dict[str, str]:
        """The accountId and clusterId a Cloud Dedicated answer carries; Clustered's carry none."""
        if self.product == CLUSTERED:
            return {}
        return {"accountId": self.server.account_id, "clusterId": self.server.cluster_id}

    def client(self, token: Optional[str] = None) -> httpx.Client:
        return self.server.client(token)

    def create_database(self, name: str, **fields: Any) -> dict[str, Any]:
        response = self.client().post(self.path("databases"), json={"name": name, **fields})
        assert response.status_code == 200, response.text
        return dict(response.json())

    def create_token(self, permissions: list[dict[str, str]], description: str = "test token") -> dict[str, Any]:
        response = self.client().post(
            self.path("tokens"), json={"description": description, "permissions": permissions}
        )
        assert response.status_code == 200, response.text
        return dict(response.json())

    def write(
        self, token: Optional[str], bucket: Optional[str], body: str | bytes, scheme: str = "Token", **params: str
    ) -> httpx.Response:
        headers = {} if token is None else {"Authorization": f"{scheme} {token}".strip()}
        query = {**({} if bucket is None else {"bucket": bucket}), **params}
        with httpx.Client(base_url=self.server.url, timeout=10.0, trust_env=False) as http:
            return http.post("/api/v2/write", params=query, content=body, headers=headers)
