"""check, create, read, update and delete of ManagementTokenProvider against the local server.

These call the provider the way the engine's dynamic-provider host does (configure with the stack
config, then the CRUD methods with raw property bags), without the engine in between.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
from pulumi.dynamic import Config, ConfigureRequest
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime import rpc

from pulumi_influxdb3_tokens.core.errors import AdoptionError, ManagementApiError
from pulumi_influxdb3_tokens.core.management_token.validation import check_inputs
from pulumi_influxdb3_tokens.dynamic.provider import ManagementTokenProvider
from support.local_api import LocalApi
from support.times import in_days


def provider_for(local_api: LocalApi, token: str | None = None) -> ManagementTokenProvider:
    provider = ManagementTokenProvider()
    provider.configure(
        ConfigureRequest(
            Config(
                {
                    "influxdb3:apiUrl": local_api.url,
                    "influxdb3:accountId": local_api.account_id,
                    "influxdb3:clusterId": local_api.cluster_id,
                    "influxdb3:managementToken": token or local_api.admin_token,
                    "influxdb3:retryTimeout": "5",
                },
                "test",
            )
        )
    )
    return provider


def checked(**inputs: Any) -> dict[str, Any]:
    result = check_inputs(inputs)
    assert result.failures == []
    return result.inputs


def server_token(local_api: LocalApi, token_id: str) -> dict[str, Any]:
    [token] = [t for t in local_api.list_tokens() if t["id"] == token_id]
    return token


def test_create_mints_a_token_with_every_output(local_api: LocalApi):
    provider = provider_for(local_api)
    created = provider.create(checked(description="provider test", expires_in="2d", rotate_before="1d"))

    outs = created.outs
    token = rpc.unwrap_rpc_secret(outs["token"])  # secret in state through additional_secret_outputs
    assert local_api.authenticates(token) and token.startswith(outs["token_prefix"])
    on_server = server_token(local_api, created.id)
    # The server's description carries the resource's create marker; the output is the declared text.
    assert on_server["description"] == f"provider test [pulumi:{outs['create_marker']}]"
    assert outs["description"] == "provider test" and outs["mark_description"] is None
    assert outs["expires_at"].endswith("Z") and outs["expires_at"][:16] == on_server["expiresAt"][:16]
    assert (outs["account_id"], outs["cluster_id"]) == (local_api.account_id, local_api.cluster_id)
    assert (outs["expires_in"], outs["rotate_before"], outs["revoked_at"]) == ("2d", "1d", None)
    assert outs["created_at"] and outs["created_by"]


def test_read_keeps_the_secret_of_a_live_token_and_drops_a_revoked_one(local_api: LocalApi):
    provider = provider_for(local_api)
    created = provider.create(checked(description="read me", expires_in="1d"))

    read = provider.read(created.id, created.outs)
    assert read.id == created.id
    assert read.outs["token"] == created.outs["token"]
    assert read.outs["expires_at"] == created.outs["expires_at"]

    local_api.revoke(created.id)
    dropped = provider.read(created.id, created.outs)
    assert (dropped.id, dropped.outs) == ("", {})
    gone = provider.read("00000000-0000-4000-8000-000000000000", created.outs)
    assert (gone.id, gone.outs) == ("", {})


def test_update_keeps_every_output_and_takes_the_new_rotate_before(local_api: LocalApi):
    provider = provider_for(local_api)
    created = provider.create(checked(description="update me", expires_in="10d", rotate_before="1d"))
    updated = provider.update(
        created.id, created.outs, checked(description="update me", expires_in="10d", rotate_before="3d")
    )
    assert updated.outs["rotate_before"] == "3d"
    assert {k: v for k, v in updated.outs.items() if k != "rotate_before"} == {
        k: v for k, v in created.outs.items() if k != "rotate_before"
    }


def test_delete_revokes_and_a_second_delete_succeeds(local_api: LocalApi):
    provider = provider_for(local_api)
    created = provider.create(checked(description="delete me", expires_in="1d"))
    provider.delete(created.id, created.outs)
    assert server_token(local_api, created.id)["revokedAt"] is not None
    provider.delete(created.id, created.outs)  # already revoked: still success
    provider.delete("00000000-0000-4000-8000-000000000000", created.outs)  # gone: success


def test_adoption_takes_the_token_as_it_is_and_refuses_a_revoked_one(local_api: LocalApi):
    provider = provider_for(local_api)
    expiry = in_days(5)
    minted = local_api.mint("adopt me", expiry)
    adopted = provider.create(
        checked(
            description="adopt me", expires_at=expiry, adopt_token_id=minted["id"], adopt_token=minted["accessToken"]
        )
    )
    assert adopted.id == minted["id"]
    assert rpc.unwrap_rpc_secret(adopted.outs["token"]) == minted["accessToken"]

    local_api.revoke(minted["id"])
    with pytest.raises(AdoptionError) as refused:
        provider.create(checked(description="adopt me", expires_at=expiry, adopt_token_id=minted["id"]))
    assert str(refused.value).startswith(f"Cannot adopt management token {minted['id']}: it was revoked at ")


def test_a_rejected_credential_is_one_sentence_without_the_credential(local_api: LocalApi):
    wrong = "M.V1.this-is-not-the-admin-token"
    provider = provider_for(local_api, token=wrong)
    with pytest.raises(ManagementApiError) as failed:
        provider.create(checked(description="never minted", expires_in="1d"))
    message = str(failed.value)
    assert message.endswith("(HTTP 401).") and wrong not in message and local_api.admin_token not in message


def test_the_pickled_provider_carries_no_setting_and_no_credential(local_api: LocalApi):
    provider = provider_for(local_api)
    provider.create(checked(description="warm the client", expires_in="1d"))  # a client now exists
    blob = base64.b64decode(serialize_provider(provider))
    for value in (local_api.admin_token, local_api.url, local_api.account_id):
        assert value.encode() not in blob
