"""Issue 30 (4): the provider says so when its own credential is a token the stack manages.

`influxdb3-tokens profile write` can hand a stack's token to the influxctl profile the provider itself
reads; a destroy (or a replacement) of that resource then revokes the credential in use. Refresh warns,
and destroy revokes that token last, after a warning, so the other tokens of the resource still go.
"""

from __future__ import annotations

from pulumi_influxdb3_tokens.clients import client_for
from pulumi_influxdb3_tokens.core.management_token import lifecycle
from pulumi_influxdb3_tokens.settings import resolve_connection
from support.influxctl import stack_config
from support.local_api import LocalApi


def acting_as(local_api: LocalApi, token: str):
    settings = stack_config(
        apiUrl=local_api.url, accountId=local_api.account_id, clusterId=local_api.cluster_id, managementToken=token
    )
    return client_for(resolve_connection(settings))


def test_refresh_warns_and_destroy_revokes_the_providers_own_credential_last(local_api: LocalApi, capsys):
    held = local_api.mint("ci deployer")  # the stack's token, handed to the provider's own profile
    retiring = local_api.mint("ci deployer, previous")
    client = acting_as(local_api, held["accessToken"])
    props = {
        "token_id": held["id"],
        "token_prefix": held["tokenPrefix"],
        "retiring": [{"id": retiring["id"], "prefix": retiring["tokenPrefix"], "until": "2999-01-01T00:00:00Z"}],
    }

    lifecycle.read(client, held["id"], props)
    warned = capsys.readouterr().err
    assert f"warning: token {held['id']} is the credential this provider acts with" in warned
    assert "a destroy or a replacement of this resource revokes it" in warned and held["accessToken"] not in warned

    lifecycle.delete(client, held["id"], props)  # the retiring token first: after the credential, nothing works
    assert {held["id"], retiring["id"]}.isdisjoint(local_api.unrevoked_ids())
    assert "revoking it, as this destroy asks, leaves that credential refused" in capsys.readouterr().err


def test_a_credential_the_stack_does_not_hold_says_nothing(local_api: LocalApi, capsys):
    held = local_api.mint("ci deployer")
    client = acting_as(local_api, local_api.admin_token)
    lifecycle.read(client, held["id"], {"token_id": held["id"], "token_prefix": held["tokenPrefix"]})
    assert "credential this provider acts with" not in capsys.readouterr().err
