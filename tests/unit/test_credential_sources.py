"""Issue 17 (4, 5, 8 and the minor items): a credential never crosses clusters, and a bad one is one sentence.

- The admin token sent to an API URL comes from where that URL came from (the stack config, or the
  environment), never from an influxctl profile or the other source.
- A named connection (``staging:*``) resolves from its own namespace and profile alone: the INFLUXDB3_*
  variables belong to the default connection.
- With the user's own influxctl profile, its mgmt_token is known to the provider, so it is scrubbed
  from every message (influxctl's stderr included).
- A credential with a line break or non-ASCII is refused at once, naming where it was set, not its value.
- A profile file others may read is used with a warning, once; a non-UTF-8 one is one sentence.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pulumi_influxdb3_tokens.clients.influxctl import process
from pulumi_influxdb3_tokens.core.errors import ConfigurationError
from pulumi_influxdb3_tokens.dynamic.provider import ManagementTokenProvider
from pulumi_influxdb3_tokens.settings import influxctl_profile, resolve_connection
from support.influxctl import isolate, stack_config

PROFILE_TOKEN = "apiv1_profile-token-of-production-0123456789"  # not M.V1-shaped: only its value can scrub it
ENV_TOKEN = "M.V1.token-meant-for-the-default-cluster"


def write_default_profile(home: Path, name: str = "default", token: str = PROFILE_TOKEN) -> Path:
    path = home / ".config" / "influxctl" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f'[[profile]]\nname = "{name}"\nproduct = "dedicated"\naccount_id = "prod-account"\n'
        f'cluster_id = "prod-cluster"\nmgmt_token = "{token}"\n'
    )
    path.chmod(0o600)
    return path


# --- item 5: a URL and its credential come from one source --------------------------------------


def test_an_api_url_alone_never_receives_the_default_profiles_token(monkeypatch, tmp_path):
    isolate(monkeypatch, tmp_path, standin_on_path=True)
    write_default_profile(tmp_path)
    with pytest.raises(ConfigurationError) as refused:
        resolve_connection(stack_config(apiUrl="https://elsewhere.example"))
    assert str(refused.value) == (
        "influxdb3:apiUrl is set in the stack config but influxdb3:managementToken is not; set it with "
        "`pulumi config set --secret influxdb3:managementToken ...` (the admin token sent to a URL comes from "
        "where that URL does, never from INFLUXDB3_MANAGEMENT_TOKEN or an influxctl profile)."
    )


def test_a_url_from_the_stack_config_never_receives_the_environments_token(monkeypatch, tmp_path):
    isolate(monkeypatch, tmp_path, standin_on_path=False)
    monkeypatch.setenv("INFLUXDB3_MANAGEMENT_TOKEN", ENV_TOKEN)
    with pytest.raises(ConfigurationError, match=r"^influxdb3:apiUrl is set in the stack config but") as refused:
        resolve_connection(stack_config(apiUrl="https://elsewhere.example", accountId="a", clusterId="c"))
    assert ENV_TOKEN not in str(refused.value)


def test_a_url_from_the_environment_never_receives_the_stack_configs_token(monkeypatch, tmp_path):
    isolate(monkeypatch, tmp_path, standin_on_path=False)
    monkeypatch.setenv("INFLUXDB3_API_URL", "https://elsewhere.example")
    with pytest.raises(ConfigurationError) as refused:
        resolve_connection(stack_config(accountId="a", clusterId="c", managementToken="M.V1.from-stack-config"))
    assert str(refused.value) == (
        "INFLUXDB3_API_URL is set in the environment but INFLUXDB3_MANAGEMENT_TOKEN is not; set it (the admin "
        "token sent to a URL comes from where that URL does, never from the stack config or an influxctl profile)."
    )


def test_a_url_and_token_from_the_same_source_still_work(monkeypatch, tmp_path):
    isolate(monkeypatch, tmp_path, standin_on_path=False)
    write_default_profile(tmp_path)
    from_config = resolve_connection(
        stack_config(apiUrl="https://a.example", accountId="a", clusterId="c", managementToken="M.V1.from-config")
    )
    assert from_config.management_token.get_secret_value() == "M.V1.from-config"
    for name, value in (("URL", "https://b.example"), ("ACCOUNT_ID", "a"), ("CLUSTER_ID", "c")):
        monkeypatch.setenv(f"INFLUXDB3_{'API_' if name == 'URL' else ''}{name}", value)
    monkeypatch.setenv("INFLUXDB3_MANAGEMENT_TOKEN", ENV_TOKEN)
    from_env = resolve_connection({})
    assert (from_env.api_url, from_env.management_token.get_secret_value()) == ("https://b.example", ENV_TOKEN)


# --- item 4: a named connection never reads the default connection's environment ---------------


def staging_provider(tmp_path: Path) -> ManagementTokenProvider:
    config = tmp_path / "staging.toml"
    config.write_text(
        '[[profile]]\nname = "staging"\nproduct = "dedicated"\naccount_id = "staging-account"\n'
        'cluster_id = "staging-cluster"\nmgmt_token = "apiv1_staging-profile-token-0123456789"\n'
    )
    config.chmod(0o600)
    provider = ManagementTokenProvider()
    provider._config = {  # what the engine's configure hands the dynamic provider: the stack config
        "staging:influxctlConfig": str(config),
        "staging:influxctlProfile": "staging",
        "staging:accountId": "staging-account",
        "staging:clusterId": "staging-cluster",
    }
    return provider


@pytest.mark.parametrize("env_token", [ENV_TOKEN, None], ids=["env-token-set", "env-token-unset"])
def test_a_named_connection_never_borrows_the_default_connections_url_or_token(monkeypatch, tmp_path, env_token):
    isolate(monkeypatch, tmp_path, standin_on_path=True)
    monkeypatch.setenv("INFLUXDB3_API_URL", "http://127.0.0.1:9")  # meant for the default connection
    if env_token:
        monkeypatch.setenv("INFLUXDB3_MANAGEMENT_TOKEN", env_token)
    client = staging_provider(tmp_path)._client({"connection": "staging"})
    connection = client._connection  # type: ignore[attr-defined]
    assert connection.transport == "influxctl" and connection.api_url == ""
    assert (connection.influxctl_profile, connection.account_id) == ("staging", "staging-account")
    assert connection.management_token.get_secret_value() != ENV_TOKEN


# --- item 8: the user's own profile token is scrubbed too -------------------------------------


def test_the_own_profiles_token_is_scrubbed_from_influxctls_stderr(monkeypatch, tmp_path):
    isolate(monkeypatch, tmp_path, standin_on_path=True)
    write_default_profile(tmp_path, name="ci")
    connection = resolve_connection(stack_config(influxctlProfile="ci"))
    assert connection.uses_own_influxctl_profile
    echoed = process.Outcome(1, "", f"Error: unexpected response for token {PROFILE_TOKEN}: teapot\n")
    message = str(process.failure_error("list management tokens", echoed, connection))
    assert PROFILE_TOKEN not in message and "[redacted]" in message


# --- minor: a malformed credential is one sentence, at once -----------------------------------


@pytest.mark.parametrize("bad", ["M.V1.first-half\nsecond-half", "M.V1.caf\u00e9-token", "M.V1.two words"])
def test_a_credential_no_server_can_receive_is_one_sentence_naming_the_setting(monkeypatch, tmp_path, bad):
    isolate(monkeypatch, tmp_path, standin_on_path=False)
    with pytest.raises(ConfigurationError) as refused:
        resolve_connection(stack_config(apiUrl="http://127.0.0.1:9", accountId="a", clusterId="c", managementToken=bad))
    assert str(refused.value) == (
        "The admin management token in influxdb3:managementToken contains a space, a line break or a character "
        "that is not ASCII, which no management token has; set it again without them."
    )
    monkeypatch.setenv("INFLUXDB3_API_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("INFLUXDB3_MANAGEMENT_TOKEN", bad)
    with pytest.raises(ConfigurationError, match="token in INFLUXDB3_MANAGEMENT_TOKEN contains"):
        resolve_connection(stack_config(accountId="a", clusterId="c"))


def test_a_malformed_token_in_the_own_profile_names_the_profile(monkeypatch, tmp_path):
    isolate(monkeypatch, tmp_path, standin_on_path=True)
    path = write_default_profile(tmp_path, name="ci", token="apiv1_caf\u00e9")
    with pytest.raises(ConfigurationError) as refused:
        resolve_connection(stack_config(influxctlProfile="ci"))
    assert f"the mgmt_token of influxctl profile 'ci' in {path} contains" in str(refused.value)
    assert "caf\u00e9" not in str(refused.value)


# --- minor: the profile file itself ------------------------------------------------------------


def test_a_profile_file_others_can_read_is_used_with_one_warning(monkeypatch, tmp_path, capsys):
    isolate(monkeypatch, tmp_path, standin_on_path=True)
    monkeypatch.setattr(influxctl_profile, "_WARNED_READABLE", set())
    path = write_default_profile(tmp_path, name="ci")
    path.chmod(0o644)
    first = resolve_connection(stack_config(influxctlProfile="ci"))
    resolve_connection(stack_config(influxctlProfile="ci"))
    assert first.account_id == "prod-account"
    warnings = [line for line in capsys.readouterr().err.splitlines() if "warning" in line]
    assert warnings == [
        f"ManagementToken: warning: the influxctl config file {path} holds a mgmt_token and other users may read it "
        f"(mode 0644); restrict it with `chmod 600 {path}`."
    ]


def test_a_private_profile_file_gives_no_warning(monkeypatch, tmp_path, capsys):
    isolate(monkeypatch, tmp_path, standin_on_path=True)
    monkeypatch.setattr(influxctl_profile, "_WARNED_READABLE", set())
    write_default_profile(tmp_path, name="ci")
    resolve_connection(stack_config(influxctlProfile="ci"))
    assert "warning" not in capsys.readouterr().err


def test_a_profile_file_that_is_not_utf8_is_one_sentence_naming_it(monkeypatch, tmp_path):
    isolate(monkeypatch, tmp_path, standin_on_path=True)
    path = tmp_path / "latin1.toml"
    path.write_bytes('[[profile]]\nname = "ci"\naccount_id = "caf\u00e9"\n'.encode("latin-1"))
    with pytest.raises(ConfigurationError) as refused:
        resolve_connection(stack_config(influxctlConfig=str(path), influxctlProfile="ci"))
    assert (
        str(refused.value)
        == f"The influxctl config file {path} is not UTF-8 text, so it cannot be read; fix or remove it."
    )
    assert os.path.exists(path)
