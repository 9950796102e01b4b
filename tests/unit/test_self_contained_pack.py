"""``influxdb3-tokens policy-pack --write DIR``: a pack that needs only pulumi-policy, and judges as the installed one.

Documented facts this holds:
- A Python policy pack is a folder with ``PulumiPolicy.yaml`` whose ``runtime`` may be the long form
  ``{name: python, options: {virtualenv: DIR}}`` (pulumi.com/docs, "Policy Pack Project File Reference"; the
  project file's ``runtime`` takes ``options``, Python's ``virtualenv`` among them, "Pulumi.yaml reference").
  The engine starts a local pack through the Python language host with the options of the pack's own
  ``PulumiPolicy.yaml``, rooted at the pack's folder (pulumi/pulumi v3.274.1 ``pkg/resource/plugin/plugin.go``,
  ExecPlugin: ``NewProgramInfo(pluginDir, pluginDir, ".", runtimeInfo.Options())``), so ``virtualenv: venv`` is
  ``DIR/venv``, whatever the project uses.
- A pack enforced by an organization is unpacked and its dependencies installed from ``requirements.txt`` into
  the ``virtualenv`` it names (``venv`` when it names none) by the language host (pulumi/pulumi
  ``pkg/backend/httpstate/policypack.go``, installRequiredPolicy): nothing else is installed, so the pack may
  need nothing but what that file names.
- ``pulumi policy publish`` archives the pack's folder leaving out what a ``.gitignore`` there names
  (pulumi/pulumi ``sdk/go/common/util/archive/archive.go``, TGZ), so the pack's ``venv/`` stays home.
- ``python -m pulumi.policy ENGINE DIR`` runs ``DIR/__main__.py`` with ``runpy.run_path(DIR)``, which puts DIR
  first on ``sys.path`` (pulumi-policy 1.21 ``pulumi/policy/__main__.py``; Python docs, runpy.run_path): the
  carried package imports from DIR.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, Iterator, Mapping, Optional

import pytest
import yaml
from packaging.requirements import Requirement
from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, unknown_checking_proxy

from pulumi_influxdb3_tokens.audit import command as cli
from pulumi_influxdb3_tokens.policy import policies as installed_policies
from pulumi_influxdb3_tokens.policy import self_contained
from pulumi_influxdb3_tokens.resources import DATABASE, DATABASE_TOKEN, MANAGEMENT_TOKEN, Resource

REPO = Path(__file__).resolve().parents[2]
CARRIED = self_contained.CARRIED_PACKAGE

# Expiries are judged as on 2027-01-01 (support/fixtures.py), by the installed and the carried clock alike.
pytestmark = pytest.mark.usefixtures("fixed_clock")


@pytest.fixture
def written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    target = tmp_path / "packs" / "influxdb3"
    assert cli.main(["policy-pack", "--write", str(target)]) == cli.EXIT_OK
    assert capsys.readouterr().out.strip() == str(target.resolve())
    return target


@pytest.fixture
def written_policies(written: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """The written pack's policies module, imported from the pack's folder as ``runpy.run_path(DIR)`` makes it."""
    monkeypatch.syspath_prepend(str(written))
    try:
        __import__(f"{CARRIED}.policy.policies")
        yield sys.modules[f"{CARRIED}.policy.policies"]
    finally:
        for name in [m for m in sys.modules if m == CARRIED or m.startswith(CARRIED + ".")]:
            del sys.modules[name]


def test_the_written_pack_carries_the_packages_rule_modules_byte_for_byte(written: Path):
    package = Path(self_contained.PACKAGE_ROOT)
    carried = self_contained.carried_modules()
    assert {Path("policy/policies.py"), Path("policy/rules.py"), Path("policy/catalog.py")} <= set(carried)
    for relative in carried:
        assert (written / CARRIED / relative).read_bytes() == (package / relative).read_bytes(), relative
    on_disk = {p.relative_to(written / CARRIED) for p in (written / CARRIED).rglob("*.py")}
    assert on_disk == {*carried, Path("__init__.py")}  # the carried root's own __init__ is the one file not copied


def code_past_docstring(source: str) -> str:
    return ast.dump(ast.Module(body=ast.parse(source).body[1:], type_ignores=[]))


def test_the_written_entry_point_builds_the_installed_pack_from_the_carried_policies(written: Path):
    entry = (written / "__main__.py").read_text()
    installed = (self_contained.INSTALLED_PACK / "__main__.py").read_text()
    assert f"from {CARRIED}.policy.policies import PACK_DESCRIPTION, PACK_NAME, all_policies" in entry
    assert "pulumi_influxdb3_tokens" not in entry.split('"""')[-1]  # the code, past the docstring
    assert code_past_docstring(entry) == code_past_docstring(
        installed.replace("pulumi_influxdb3_tokens.policy", f"{CARRIED}.policy")
    )


def test_the_written_project_file_runs_the_pack_in_its_own_virtualenv(written: Path):
    project = yaml.safe_load((written / "PulumiPolicy.yaml").read_text())
    installed = yaml.safe_load((self_contained.INSTALLED_PACK / "PulumiPolicy.yaml").read_text())
    assert project["runtime"] == {"name": "python", "options": {"virtualenv": "venv"}}
    assert {k: v for k, v in project.items() if k != "runtime"} == {
        k: v for k, v in installed.items() if k != "runtime"
    }
    ignored = (written / ".gitignore").read_text().split()
    assert "venv/" in ignored and "__pycache__/" in ignored


def test_the_written_requirements_name_pulumi_policy_and_its_needs_at_the_packages_ranges(written: Path):
    import tomllib

    declared = {
        Requirement(t).name: Requirement(t)
        for t in tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    }
    lines = [line for line in (written / "requirements.txt").read_text().splitlines() if not line.startswith("#")]
    required = [Requirement(line) for line in lines]
    assert [r.name for r in required] == ["pulumi", "pulumi-policy", "pydantic"]
    for requirement in required:
        assert requirement.specifier == declared[requirement.name].specifier, requirement.name


def test_the_carried_modules_import_nothing_the_requirements_do_not_install():
    outside = self_contained.outside_imports() - set(sys.stdlib_module_names)
    assert outside <= {"pulumi", "pulumi_policy", "pydantic"}, outside


def test_writing_again_replaces_the_pack(written: Path, capsys: pytest.CaptureFixture[str]):
    (written / self_contained.CARRIED_PACKAGE / "policy" / "rules.py").write_text("edited by hand\n")
    assert cli.main(["policy-pack", "--write", str(written)]) == cli.EXIT_OK
    capsys.readouterr()
    assert (written / CARRIED / "policy" / "rules.py").read_bytes() == (
        self_contained.PACKAGE_ROOT / "policy" / "rules.py"
    ).read_bytes()


# --- the same verdicts ----------------------------------------------------------------------------------------


def _options() -> PolicyResourceOptions:
    return PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], None)


def _spelled(resource: Resource, type_: str, props: Mapping[str, Any]) -> dict[str, Any]:
    return {resource.property_name(type_, name): value for name, value in props.items()}


# Each resource's facts that pass, fail and cannot be told, for every rule of its kind (snake_case; each face
# spells them its own way).
CASES: list[tuple[Resource, dict[str, Any]]] = [
    (MANAGEMENT_TOKEN, {"description": "CI deployer", "expires_in": "30d", "rotate_before": "7d"}),
    (MANAGEMENT_TOKEN, {}),
    (MANAGEMENT_TOKEN, {"description": "x", "expires_in": "400d", "rotate_before": "1d"}),
    (MANAGEMENT_TOKEN, {"description": "x", "expires_at": "2030-01-01T00:00:00Z"}),
    (MANAGEMENT_TOKEN, {"description": "x", "expires_in": "90d", "rotate_before": "7d"}),  # at the default limit
    (MANAGEMENT_TOKEN, {"description": "x", "expires_in": "14d", "rotate_before": "1d"}),  # at a configured one
    (MANAGEMENT_TOKEN, {"description": "x", "expires_in": "10d", "overlap": "30d"}),
    (MANAGEMENT_TOKEN, {"description": UNKNOWN_STRING_VALUE, "expires_in": UNKNOWN_STRING_VALUE}),
    (DATABASE_TOKEN, {"description": "d", "permissions": [{"action": "read", "resource": "*"}], "expires_in": "30d"}),
    (DATABASE_TOKEN, {"permissions": [{"action": "write", "resource": "metrics"}]}),
    (DATABASE_TOKEN, {"permissions": UNKNOWN_STRING_VALUE, "expires_in": "200d"}),
    (DATABASE, {"name": "metrics", "retention_period": "0"}),
    (DATABASE, {"name": "metrics", "retention_period": "30d"}),
    (DATABASE, {"name": "audit-log", "retention_period": UNKNOWN_STRING_VALUE}),
]
CONFIGS: list[Optional[dict[str, Any]]] = [
    None,
    {"maxLifetimeDays": 14, "minRotateBeforeDays": 1, "maxOverlapDays": 40},
    {"exemptions": ["audit-log"]},
]


def _verdict(policy: Any, args: Any, remediate: bool = False) -> tuple[list[str], Optional[str], Any]:
    """What one call of a policy tells the engine: its reports, the message of what it raised, what it returned."""
    reports: list[str] = []
    try:
        if remediate:
            returned = policy.remediate(args)
        else:
            returned = policy.validate(args, lambda message, urn=None: reports.append(message))
    except Exception as err:  # pulumi-policy turns each into a finding: compare them as such
        return reports, f"{type(err).__name__}: {err}", None
    return reports, None, dict(returned) if isinstance(returned, Mapping) else returned


def _resource_args(resource: Resource, type_: str, props: Mapping[str, Any], config: Any) -> ResourceValidationArgs:
    bag = unknown_checking_proxy({"__provider": "p", **_spelled(resource, type_, props)})
    return ResourceValidationArgs(type_, bag, f"urn:pulumi:test::p::{type_}::ci", "ci", _options(), None, config)


def _stack_args(config: Mapping[str, Any]) -> StackValidationArgs:
    resources = [
        PolicyResource(r.types[0], unknown_checking_proxy(dict(props)), f"urn:{i}", f"r{i}", _options(), *_NO_PARENT)
        for i, (r, props) in enumerate(CASES)
    ]
    return StackValidationArgs(resources, config)


_NO_PARENT: tuple[Any, ...] = (None, None, [], {})


def _verdicts(policies: ModuleType) -> list[tuple[str, str, int, int, Any]]:
    found = []
    for policy in policies.all_policies():
        if isinstance(policy, StackValidationPolicy):
            for number, config in enumerate([{}, {"maxTokensPerStack": 1}]):
                found.append((policy.name, "stack", -1, number, _verdict(policy, _stack_args(config))))
            continue
        assert isinstance(policy, ResourceValidationPolicy)
        for case, (resource, props) in enumerate(CASES):
            for type_ in resource.types:
                for number, config in enumerate(CONFIGS):
                    args = _resource_args(resource, type_, props, config)
                    if policy.validate is not None:
                        found.append((policy.name, type_, case, number, _verdict(policy, args)))
                    if policy.remediate is not None:
                        args = _resource_args(resource, type_, props, config)  # a remediation may change the bag
                        found.append((policy.name, type_, case, number, _verdict(policy, args, remediate=True)))
    return found


def _declared(policies: ModuleType) -> list[tuple[str, str, str, Any]]:
    return [
        (p.name, p.description, str(p.enforcement_level), p.config_schema.properties) for p in policies.all_policies()
    ]


def test_the_written_pack_gives_the_installed_packs_verdicts_on_the_same_resources(written_policies: ModuleType):
    assert written_policies.__file__ and not written_policies.__file__.startswith(str(self_contained.PACKAGE_ROOT))
    assert (written_policies.PACK_NAME, written_policies.PACK_DESCRIPTION) == (
        installed_policies.PACK_NAME,
        installed_policies.PACK_DESCRIPTION,
    )
    assert _declared(written_policies) == _declared(installed_policies)
    written_verdicts, installed_verdicts = _verdicts(written_policies), _verdicts(installed_policies)
    assert written_verdicts == installed_verdicts
    # Not a comparison of nothing: reports, cannot-verify findings, a remediation and a stack report are among them.
    outcomes = [v for *_, v in installed_verdicts]
    assert any(reports for reports, _, _ in outcomes) and any(raised for _, raised, _ in outcomes)
    assert any(isinstance(returned, dict) for *_, returned in outcomes)
    assert any(name == "management-token-max-per-stack" and v[0] for name, _, _, _, v in installed_verdicts)
