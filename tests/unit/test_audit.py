"""The audit's judgement and its reading of the pack's config file (the CLI itself runs in tests/e2e)."""

from __future__ import annotations

import json
import os
import unicodedata
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Optional

import pytest

from pulumi_influxdb3_tokens.audit.pack_config import PackConfig, load_pack_config, parse_pack_config
from pulumi_influxdb3_tokens.audit.report import audit_tokens, render_json, render_table
from pulumi_influxdb3_tokens.core.errors import ConfigurationError
from pulumi_influxdb3_tokens.core.management_token.models import TokenRecord
from pulumi_influxdb3_tokens.policy import catalog
from pulumi_influxdb3_tokens.resources import MANAGEMENT_TOKEN

NOW = datetime(2027, 1, 1, tzinfo=timezone.utc)


def record(
    token_id: str,
    description: str = "d",
    expires_in_days: Optional[float] = None,
    created_days_ago: float = 0,
    revoked: bool = False,
) -> TokenRecord:
    created = NOW - timedelta(days=created_days_ago)
    return TokenRecord(
        id=token_id,
        account_id="acc",
        cluster_id="clu",
        description=description,
        token_prefix="M.V1.abcdefg",
        created_at=created,
        expires_at=created + timedelta(days=expires_in_days) if expires_in_days is not None else None,
        revoked_at=NOW if revoked else None,
    )


def judge(records: list[TokenRecord], config: Optional[PackConfig] = None):
    return audit_tokens(records, config or PackConfig(), "acc", "clu", now=NOW)


def rules_of(report, token_id: str) -> dict[str, str]:
    [token] = [t for t in report.tokens if t.id == token_id]
    return {f.rule: f.level for f in token.findings}


def test_flags_non_expiring_over_long_soon_expiring_and_undescribed_live_tokens():
    report = judge(
        [
            record("forever"),
            record("year", expires_in_days=365),
            record("old", expires_in_days=100, created_days_ago=95),  # 5 days left, but lived 100 days
            record("soon", expires_in_days=30, created_days_ago=27),
            record("blank", description="", expires_in_days=30),
            record("fine", expires_in_days=30),
            record("revoked", revoked=True),
            record("expired", expires_in_days=10, created_days_ago=20),
        ]
    )
    # Oldest first; revoked and expired tokens are counted, not judged.
    assert [t.id for t in report.tokens][:2] == ["old", "soon"]
    assert {t.id for t in report.tokens} == {"old", "soon", "forever", "year", "blank", "fine"}
    assert rules_of(report, "forever") == {catalog.MUST_EXPIRE: "mandatory"}
    assert rules_of(report, "year") == {catalog.MAX_LIFETIME: "mandatory"}
    assert rules_of(report, "old") == {catalog.MAX_LIFETIME: "mandatory", catalog.ROTATION: "advisory"}
    assert rules_of(report, "soon") == {catalog.ROTATION: "advisory"}
    assert rules_of(report, "blank") == {catalog.DESCRIPTION: "advisory"}
    assert rules_of(report, "fine") == {}
    assert report.blocking
    assert report.summary.model_dump() == {"live": 6, "not_live": 2, "breaking_mandatory": 3, "advisory_only": 2}


def test_passes_when_only_advisory_rules_are_broken():
    report = judge([record("soon", description="", expires_in_days=30, created_days_ago=27)])
    assert not report.blocking and report.summary.advisory_only == 1


def test_config_file_levels_and_numbers_change_the_verdict(tmp_path: Path):
    path = tmp_path / "policy-config.json"
    path.write_text(
        json.dumps(
            {
                catalog.MUST_EXPIRE: "advisory",
                catalog.MAX_LIFETIME: {"maxLifetimeDays": 400},
                catalog.ROTATION: {"enforcementLevel": "mandatory", "minRotateBeforeDays": 2},
                catalog.DESCRIPTION: "disabled",
                "some-other-pack-policy": "mandatory",
            }
        )
    )
    config = load_pack_config(path)
    report = judge(
        [
            record("forever", description=""),
            record("year", expires_in_days=365),
            record("soon", expires_in_days=30, created_days_ago=29),
        ],
        config,
    )
    assert rules_of(report, "forever") == {catalog.MUST_EXPIRE: "advisory"}
    assert rules_of(report, "year") == {}
    assert rules_of(report, "soon") == {catalog.ROTATION: "mandatory"}
    assert report.thresholds == {"maxLifetimeDays": 400, "minRotateBeforeDays": 2}


def test_all_sets_every_level_then_policies_override_and_flags_override_numbers():
    config = parse_pack_config(
        {"version": 2, "policies": {"all": "advisory", catalog.MAX_LIFETIME: {"maxLifetimeDays": 30}}}
    )
    assert config.level(catalog.MUST_EXPIRE) == "advisory" and config.level(catalog.MAX_LIFETIME) == "advisory"
    config = parse_pack_config({"all": {"enforcementLevel": "advisory"}, catalog.MUST_EXPIRE: "mandatory"})
    assert config.level(catalog.MUST_EXPIRE) == "mandatory" and config.level(catalog.DESCRIPTION) == "advisory"
    overridden = PackConfig().with_overrides(catalog.MAX_LIFETIME, max_lifetime_days=10, unused=None)
    assert overridden.config(catalog.MAX_LIFETIME).max_lifetime_days == 10
    assert PackConfig().config(catalog.MAX_LIFETIME).max_lifetime_days == 90


def test_the_config_file_sets_the_database_policies_apart_from_the_management_tokens():
    """One file serves the pack and the audit: each database policy keeps its own level, number and exemptions."""
    defaults = PackConfig()
    assert defaults.level(catalog.DATABASE_TOKEN_MUST_EXPIRE) == "mandatory"
    assert defaults.level(catalog.DATABASE_TOKEN_NO_WILDCARD) == "advisory"
    assert defaults.level(catalog.DATABASE_INFINITE_RETENTION) == "advisory"
    assert defaults.config(catalog.DATABASE_TOKEN_MAX_LIFETIME).max_lifetime_days == 90
    config = parse_pack_config(
        {
            catalog.MAX_LIFETIME: {"maxLifetimeDays": 30},
            catalog.DATABASE_TOKEN_MAX_LIFETIME: {"enforcementLevel": "advisory", "maxLifetimeDays": 365},
            catalog.DATABASE_TOKEN_NO_WILDCARD: {"enforcementLevel": "mandatory", "exemptions": ["backup-token"]},
            catalog.DATABASE_INFINITE_RETENTION: {"exemptions": ["archive"]},
        }
    )
    assert config.config(catalog.MAX_LIFETIME).max_lifetime_days == 30
    assert config.config(catalog.DATABASE_TOKEN_MAX_LIFETIME).max_lifetime_days == 365
    assert config.level(catalog.DATABASE_TOKEN_MAX_LIFETIME) == "advisory"
    assert config.level(catalog.DATABASE_TOKEN_NO_WILDCARD) == "mandatory"
    assert catalog.exemption(config.config(catalog.DATABASE_TOKEN_NO_WILDCARD), "backup-token") == "backup-token"
    assert catalog.exemption(config.config(catalog.DATABASE_INFINITE_RETENTION), "archive") == "archive"
    assert parse_pack_config({"all": "disabled"}).level(catalog.DATABASE_INFINITE_RETENTION) == "disabled"
    with pytest.raises(ConfigurationError, match=f'"{catalog.DATABASE_TOKEN_MAX_LIFETIME}".maxLifetimeDays is invalid'):
        parse_pack_config({catalog.DATABASE_TOKEN_MAX_LIFETIME: {"maxLifetimeDays": 0}})


@pytest.mark.parametrize(
    ("document", "complaint"),
    [
        ([], "JSON object"),
        ({catalog.MUST_EXPIRE: "sometimes"}, "enforcement level 'sometimes'"),
        ({catalog.MAX_LIFETIME: {"maxLifetimeDays": 0}}, "maxLifetimeDays is invalid"),
        ({catalog.MAX_LIFETIME: {"maxLifetimeDay": 9}}, "maxLifetimeDay is invalid"),
        ({catalog.ROTATION: 7}, "enforcement level or an object"),
        ({"all": 7}, '"all" must be an enforcement level'),
        ({"all": "strict"}, "enforcement level 'strict'"),
        ({"version": 3, "policies": {}}, '"version" must be 2'),
    ],
)
def test_bad_config_is_refused_naming_what_is_wrong(document, complaint):
    with pytest.raises(ConfigurationError, match=complaint):
        parse_pack_config(document)


def test_unreadable_config_file_names_the_flag(tmp_path: Path):
    with pytest.raises(ConfigurationError, match="does not exist; fix --policy-pack-config"):
        load_pack_config(tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(ConfigurationError, match="not readable JSON"):
        load_pack_config(tmp_path / "bad.json")


def test_renderings_name_every_finding_and_never_a_token_prefix():
    report = judge([record("forever"), record("fine", expires_in_days=30)])
    table = render_table(report)
    assert "forever" in table and "FAIL" in table and "management-token-must-expire" in table
    assert "mandatory rule broken by 1" in table
    document = json.loads(render_json(report))
    assert document["summary"] == {"live": 2, "notLive": 0, "breakingMandatory": 1, "advisoryOnly": 0}
    by_id = {t["id"]: t for t in document["tokens"]}
    assert by_id["forever"]["findings"][0]["rule"] == catalog.MUST_EXPIRE and by_id["fine"]["findings"] == []
    assert "M.V1." not in table and "M.V1." not in render_json(report)


def test_orphans_are_marked_in_the_table_and_the_json():
    records = [record("held", expires_in_days=30), record("lost", expires_in_days=30)]
    report = audit_tokens(records, PackConfig(), "acc", "clu", now=NOW, orphans=["lost"], pending_creates=1)
    table = render_table(report)
    rows = {line.split()[0]: line for line in table.splitlines() if line[:1].isalnum()}
    assert rows["lost"].rstrip().endswith("ORPHAN") and rows["held"].rstrip().endswith("ok")
    assert table.splitlines()[-1] == (
        "1 orphans, live tokens minted for the given stacks and held by no ManagementToken in their state: lost; "
        "the stack state records 1 pending creates of an interrupted update, which may have made them; revoke "
        "them (--revoke-orphans --yes) unless something else uses them."
    )
    assert json.loads(render_json(report))["orphans"] == ["lost"]


def test_without_a_stack_state_nothing_is_called_an_orphan():
    report = judge([record("t", expires_in_days=30)])
    assert report.orphans is None and "orphan" not in render_table(report).lower()


def test_revoke_orphans_needs_a_stack_state(capsys: pytest.CaptureFixture[str]):
    from pulumi_influxdb3_tokens.audit.command import main

    with pytest.raises(SystemExit) as exited:
        main(["audit", "--revoke-orphans"])
    assert exited.value.code == 2
    assert "--revoke-orphans needs --stack-state" in capsys.readouterr().err


def test_table_shows_terminal_control_characters_escaped():
    # A description is free text that anyone with a management token can set; printed raw, ESC, BEL,
    # CR and the bidi controls (Unicode TR #9: U+202A..U+202E, U+2066..U+2069) drive the terminal.
    hostile = ["ok\x1b]0;pwned\x07", "\rfake\u202egnp.exe", "\u2066x\u2069\x00\x9b1m", "caf\u00e9 \u2028ok"]
    report = judge([record(f"t{n}\x1b[31m", description=text, expires_in_days=30) for n, text in enumerate(hostile)])
    table = render_table(report)
    controls = [c for c in table if c != "\n" and unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")]
    assert controls == []
    for shown in (
        "ok\\x1b]0;pwned\\x07",
        "\\rfake\\u202egnp.exe",
        "\\u2066x\\u2069\\x00\\x9b1m",
        "café \\u2028ok",
        "t0\\x1b[31m",
    ):
        assert shown in table, shown
    assert [t["description"] for t in json.loads(render_json(report))["tokens"]] == hostile  # JSON keeps values


def test_exemptions_by_id_or_urn_are_applied_and_every_one_is_shown():
    """A break-glass token that never expires, exempted by id, no longer fails the audit; one exempted by
    URN (known from a stack state) too; each exemption is listed in the table and the JSON, and an entry
    naming no live token is reported as stale."""
    config = parse_pack_config(
        {
            catalog.MUST_EXPIRE: {"exemptions": ["break-glass", "gone-token", "urn:pulumi:prod::ops::t::admin"]},
            catalog.DESCRIPTION: {"exemptions": ["break-glass"]},
        }
    )
    records = [record("break-glass", description=""), record("by-urn"), record("forever")]
    report = audit_tokens(records, config, "acc", "clu", now=NOW, urns={"by-urn": "urn:pulumi:prod::ops::t::admin"})
    assert rules_of(report, "break-glass") == {} and rules_of(report, "by-urn") == {}
    assert rules_of(report, "forever") == {catalog.MUST_EXPIRE: "mandatory"}
    assert report.summary.breaking_mandatory == 1
    [glass] = [t for t in report.tokens if t.id == "break-glass"]
    assert {(e.rule, e.entry) for e in glass.exemptions} == {
        (catalog.MUST_EXPIRE, "break-glass"),
        (catalog.DESCRIPTION, "break-glass"),
    }
    assert report.unused_exemptions == ["gone-token"]
    table = render_table(report)
    assert "break-glass  " in table and "exempt" in table
    assert "[exempt] management-token-must-expire: the token never expires" in table
    assert "(exempted by urn:pulumi:prod::ops::t::admin)" in table
    assert "remove them from the config): gone-token." in table
    document = json.loads(render_json(report))
    [shown] = [t for t in document["tokens"] if t["id"] == "by-urn"]
    assert shown["exemptions"] == [
        {
            "rule": catalog.MUST_EXPIRE,
            "entry": "urn:pulumi:prod::ops::t::admin",
            "message": "the token never expires: it has neither expires_at nor expires_in",
        }
    ]
    assert document["unusedExemptions"] == ["gone-token"]


def test_without_exemptions_the_same_tokens_fail():
    report = judge([record("break-glass", description=""), record("by-urn")])
    assert report.summary.breaking_mandatory == 2 and report.unused_exemptions == []
    assert all(t.exemptions == [] for t in report.tokens)


def test_a_stack_state_gives_the_urn_a_held_token_is_exempted_by(tmp_path: Path):
    from pulumi_influxdb3_tokens.audit.orphans import held_tokens

    urn = f"urn:pulumi:prod::ops::{MANAGEMENT_TOKEN.plugin_type}::admin"
    state = tmp_path / "prod.json"
    state.write_text(
        json.dumps(
            {"deployment": {"resources": [{"urn": urn, "type": MANAGEMENT_TOKEN.plugin_type, "id": "held-forever"}]}}
        )
    )
    held = held_tokens([state])
    assert held.urns == {"held-forever": urn}
    config = parse_pack_config({catalog.MUST_EXPIRE: {"exemptions": [urn]}})
    report = audit_tokens([record("held-forever")], config, "acc", "clu", now=NOW, urns=held.urns)
    assert rules_of(report, "held-forever") == {} and not report.blocking
    assert report.unused_exemptions == []  # a URN entry is matched through the state, never called stale


def test_an_unconfigured_audit_names_the_environment_it_reads_not_stack_config(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The audit reads the INFLUXDB3_* environment and influxctl profiles, never a stack's config (policy-and-audit.md,
    "Auditing tokens outside the stack"): a reader run in a stack folder was told to `pulumi config set
    influxdb3:apiUrl`, which the audit can never see."""
    from pulumi_influxdb3_tokens.audit.command import main

    for name in [name for name in os.environ if name.startswith("INFLUXDB3_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))  # no influxctl profile of the machine's user
    monkeypatch.setenv("PATH", str(tmp_path))  # and no influxctl
    assert main(["audit", "--management-tokens-only"]) == 2
    said = capsys.readouterr().err
    assert "set the environment variable INFLUXDB3_API_URL" in said
    assert "pulumi config set" not in said
