"""The docs name only what exists: every setting, variable, command, flag, policy, input, output and link.

A reader copies names out of README.md, docs/ and CONTRIBUTING.md; a name that the code does not have is a
step that fails for them. The complete programs in the docs run through the real engine in
tests/e2e/test_docs_programs_e2e.py.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from influxdb3_local_api.cli import build_parser as server_parser
from pulumi_influxdb3_tokens.audit.command import build_parser as tokens_parser
from pulumi_influxdb3_tokens.policy import catalog
from pulumi_influxdb3_tokens.resources import DATABASE, DATABASE_TOKEN, MANAGEMENT_TOKEN, RESOURCES, TABLE, to_camel
from pulumi_influxdb3_tokens.settings import ALL_SETTINGS

REPO = Path(__file__).resolve().parents[2]
DOCS = sorted([REPO / "README.md", REPO / "CONTRIBUTING.md", *(REPO / "docs").rglob("*.md")])
CODE = "\n".join(
    p.read_text(encoding="utf-8")
    for folder in ("provider", "examples", "scripts", "tests/standin", "bench")
    for p in (REPO / folder).rglob("*")
    if p.is_file() and p.suffix in ("", ".py", ".yml", ".yaml", ".toml") and "__pycache__" not in p.parts
)


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def ids(path: Path) -> str:
    return str(path.relative_to(REPO))


def test_the_docs_are_where_the_readme_says():
    assert {ids(p) for p in DOCS} >= {
        "README.md",
        "CONTRIBUTING.md",
        "docs/_index.md",
        "docs/installation-configuration.md",
        "docs/guides/real-clusters-influxctl.md",
        "docs/guides/pipelines.md",
        "docs/guides/policy-and-audit.md",
        "docs/guides/rotation-with-overlap.md",
        "docs/guides/import-and-adoption.md",
        "docs/guides/several-clusters.md",
        "docs/guides/failure-handling.md",
        "docs/guides/local-server.md",
        "docs/guides/database-tokens.md",
        "docs/database.md",
        "docs/database-token.md",
    }


@pytest.mark.parametrize("doc", DOCS, ids=ids)
def test_every_config_key_is_a_setting(doc: Path):
    keys = {s.key for s in ALL_SETTINGS}
    for namespace, key in re.findall(r"(?<![/\w])(influxdb3|staging):([A-Za-z]+)\b(?!:)", text(doc)):
        assert key in keys, f"{ids(doc)} names {namespace}:{key}, which is no setting"


@pytest.mark.parametrize("doc", DOCS, ids=ids)
def test_every_environment_variable_is_read_by_the_code(doc: Path):
    for name in set(re.findall(r"\b(INFLUXDB3_[A-Z0-9_]*[A-Z0-9]|INFLUXCTL_[A-Z_]*[A-Z])\b", text(doc))):
        assert name in CODE, f"{ids(doc)} names {name}, which no code reads"


def _options(parser: argparse.ArgumentParser, path: list[str]) -> set[str]:
    """The options of the (sub)command at ``path``, e.g. ['audit'] or ['profile', 'write']."""
    for word in path:
        [subparsers] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        parser = subparsers.choices[word]
    return {option for action in parser._actions for option in action.option_strings}


def _commands(doc: Path) -> list[tuple[str, list[str], list[str]]]:
    """Each `influxdb3-tokens ...` / `influxdb3-local-api ...` command written in the doc: (program, words, flags)."""
    found = []
    for line in text(doc).splitlines():
        for match in re.finditer(r"\b(influxdb3-tokens|influxdb3-local-api)((?:\s+[^\s`|)]+)*)", line):
            words = match.group(2).split()
            head = [w for w in words[:2] if re.fullmatch(r"[a-z][a-z-]*", w)]
            found.append((match.group(1), head, [w.split("=")[0] for w in words if w.startswith("--")]))
    return found


@pytest.mark.parametrize("doc", DOCS, ids=ids)
def test_every_command_and_flag_exists(doc: Path):
    for program, head, flags in _commands(doc):
        if program == "influxdb3-local-api":
            options = _options(server_parser(), [])
        else:
            path = head[:1]
            if head[:1] == ["profile"]:
                path = head[:2]
            if not path or path[0] not in ("audit", "policy-pack", "profile"):
                continue  # the command's name in prose, not a command line
            options = _options(tokens_parser(), path)
        for flag in flags:
            assert flag in options, f"{ids(doc)}: `{program} {' '.join(head)}` has no {flag}"


@pytest.mark.parametrize("doc", DOCS, ids=ids)
def test_every_import_command_skips_code_generation(doc: Path):
    """`pulumi import --help` (v3.274.1): `--generate-code` "Generate resource declaration code for the imported
    resources (default true)"; the language hosts in engine/ implement no GenerateProgram, so a command copied
    without `--generate-code=false` imports and then fails with "method GenerateProgram not implemented"."""
    for command in re.findall(r"pulumi import (influxdb3:index:\w+ [^`\n]*)", text(doc)):
        assert "--generate-code=false" in command, f"{ids(doc)}: `pulumi import {command}` generates code"


@pytest.mark.parametrize("doc", DOCS, ids=ids)
def test_every_script_and_file_named_exists(doc: Path):
    for name in re.findall(r"`((?:scripts|bench|examples|tests)/[\w./-]+)", text(doc)):
        assert (REPO / name.rstrip(".")).exists(), f"{ids(doc)} names {name}, which does not exist"


@pytest.mark.parametrize("doc", DOCS, ids=ids)
def test_every_relative_link_resolves(doc: Path):
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text(doc)):
        if "://" in target:
            continue
        assert (doc.parent / target).exists(), f"{ids(doc)} links to {target}, which does not exist"


def heading_anchors(page: Path) -> set[str]:
    """The anchors GitHub gives a page's headings: lowercased, everything but letters, digits, spaces, hyphens and
    underscores dropped, spaces made hyphens; a repeated heading gets -1, -2, ... Headings inside code blocks are
    not headings."""
    found: set[str] = set()
    outside_code = re.sub(r"^```.*?^```", "", text(page), flags=re.S | re.M)
    for heading in re.findall(r"^#{1,6} +(.+?) *#* *$", outside_code, re.M):
        plain = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link in a heading keeps its text
        anchor = re.sub(r"[^\w\- ]", "", plain.lower()).replace(" ", "-")
        candidate, n = anchor, 0
        while candidate in found:
            n += 1
            candidate = f"{anchor}-{n}"
        found.add(candidate)
    return found


@pytest.mark.parametrize("doc", DOCS, ids=ids)
def test_every_link_to_a_heading_finds_it(doc: Path):
    # A link to a page's heading that GitHub cannot find lands at the top of the page, with no error.
    for target, anchor in re.findall(r"\]\(([^)#\s]*)#([^)\s]+)\)", text(doc)):
        if "://" in target:
            continue
        page = doc.parent / target if target else doc
        assert anchor in heading_anchors(page), f"{ids(doc)} links to {target}#{anchor}, a heading {target} lacks"


@pytest.mark.parametrize("doc", DOCS, ids=ids)
def test_every_policy_named_is_in_the_pack(doc: Path):
    # A policy's name, not a page (`database-token.md`, `guides/database-tokens.md`) nor a flag
    # (`--database-token-activation-delay`).
    named = re.findall(r"(?<![-/\w])(?:management-token|database-token|database)-[a-z-]*[a-z](?![\w-]|\.md)", text(doc))
    for name in set(named):
        assert name in catalog.RULES, f"{ids(doc)} names the policy {name}, which the pack does not have"


# Each resource's reference page, and the inputs only its dynamic class has (connection: a stack-config namespace;
# management_token: the documented API's credential, dynamic/secret_credential.py).
REFERENCES = {
    "management-token.md": (MANAGEMENT_TOKEN, {"connection"}),
    "database.md": (DATABASE, {"connection", "management_token"}),
    "database-token.md": (DATABASE_TOKEN, {"connection", "management_token"}),
    "table.md": (TABLE, {"connection", "management_token"}),
}


def test_every_resource_has_a_reference_page():
    assert {resource.name for resource, _ in REFERENCES.values()} == {resource.name for resource in RESOURCES}


@pytest.mark.parametrize("page", REFERENCES)
def test_the_resource_reference_lists_exactly_the_inputs_and_outputs(page: str):
    resource, dynamic_only = REFERENCES[page]
    doc = text(REPO / "docs" / page)
    tables = {m.group(1): m.group(2) for m in re.finditer(r"^## (Inputs|Outputs)\n(.*?)(?=^## )", doc, re.S | re.M)}
    inputs = set(re.findall(r"^\| `([a-z_]+)`", tables["Inputs"], re.M))
    outputs = set(re.findall(r"`([a-z_]+)`", "\n".join(re.findall(r"^\| ([^|]+)\|", tables["Outputs"], re.M))))
    assert inputs == {*resource.input_names, *dynamic_only}
    # Every output and echoed input; a secret input is not echoed.
    assert outputs == {"id", *resource.output_names, *resource.input_names} - set(resource.secret_inputs)
    # The plugin spells them in camelCase; the page names its type and says so.
    assert resource.plugin_type in doc and "camelCase" in doc
    spelled = [to_camel(name) for name in resource.input_names if "_" in name]
    assert any(name in text(REPO / "docs" / "_index.md") + doc for name in spelled)
    # Listed where readers look for it.
    assert f"](docs/{page})" in text(REPO / "README.md") and f"]({page})" in text(REPO / "docs" / "_index.md")


def test_the_audit_json_fields_documented_are_the_ones_printed():
    from pulumi_influxdb3_tokens.audit.report import AuditReport

    doc = text(REPO / "docs" / "guides" / "policy-and-audit.md")
    table = doc[doc.index("**JSON**") :]
    table = table[: table.index("\n\n", table.index("| field |"))]
    documented = set(re.findall(r"`([a-zA-Z]+)`", "\n".join(re.findall(r"^\| ([^|]+)\|", table, re.M))))
    printed = {field.alias or field_name for field_name, field in AuditReport.model_fields.items()}
    assert documented - {"field"} == printed
