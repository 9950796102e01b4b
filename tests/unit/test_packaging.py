"""What the wheel promises: one version everywhere, the policy pack inside the package, ranges we test within.

Documented facts this holds:
- A policy pack is a folder with ``PulumiPolicy.yaml`` (``runtime``, and an optional semver
  ``version``) (pulumi.com/docs, "Policy Pack Project File Reference"). For Python, Pulumi's
  ``virtualenv`` runtime option makes a virtualenv with ``requirements.txt`` installed (pulumi.com/docs,
  Python language page), as ``pulumi policy publish`` and server-side enforcement do for a pack. That
  virtualenv has no checkout, so ``-e .`` cannot resolve there: the pack must name the package and
  its version.
- ``pulumi preview --policy-pack DIR`` runs ``DIR/__main__.py`` (the SDK's ``pulumi.policy``
  module calls ``runpy.run_path(DIR)``).
- PEP 561: a package that ships its annotations says so with a ``py.typed`` file.
- pip constraints (``-c``) pin versions without adding requirements: every pin must lie inside the
  range ``pyproject.toml`` declares, or the tests would run with versions users can never get.
"""

from __future__ import annotations

import json
import re
import tomllib
from importlib import metadata, resources
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

import pulumi_influxdb3_tokens
from pulumi_influxdb3_tokens.audit import command as cli
from pulumi_influxdb3_tokens.version import DISTRIBUTION, __version__

REPO = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())
PACK = resources.files("pulumi_influxdb3_tokens") / "policy" / "pack"
VERSION = __version__


def pack_version(folder: Path) -> str:
    match = re.search(r"^version:\s*(\S+)\s*$", (folder / "PulumiPolicy.yaml").read_text(), re.M)
    assert match, f"{folder}/PulumiPolicy.yaml names no version"
    return match.group(1)


def requirement_lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")]


def test_the_distribution_takes_its_version_from_the_package():
    assert PYPROJECT["project"]["dynamic"] == ["version"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {
        "attr": "pulumi_influxdb3_tokens.version.__version__"
    }
    assert PYPROJECT["project"]["name"] == DISTRIBUTION
    assert metadata.version(DISTRIBUTION) == pulumi_influxdb3_tokens.__version__ == VERSION


def test_the_schema_the_pack_and_the_local_server_carry_the_same_version():
    schema = json.loads((resources.files("pulumi_influxdb3_tokens") / "plugin" / "schema.json").read_text())
    assert schema["version"] == VERSION
    assert pack_version(Path(str(PACK))) == VERSION
    from influxdb3_local_api.app import VERSION as SERVER_VERSION

    assert SERVER_VERSION == VERSION


def test_the_pack_requirements_name_the_package_by_a_range_that_holds_its_own_version():
    [line] = requirement_lines(Path(str(PACK)) / "requirements.txt")
    requirement = Requirement(line)
    assert requirement.name == DISTRIBUTION
    assert str(requirement.specifier) == f"~={VERSION}", "a compatible-release range, never an exact pin"
    assert requirement.specifier.contains(VERSION)


def test_the_checkouts_policy_folder_is_the_installed_pack():
    """``policy/`` holds links to the package's pack, as ``schema.json`` links to the plugin's schema."""
    for name in cli.POLICY_PACK_FILES:
        link = REPO / "policy" / name
        assert link.is_symlink(), name
        assert link.resolve() == (REPO / "provider" / "pulumi_influxdb3_tokens" / "policy" / "pack" / name), name


def test_the_pack_entry_point_imports_the_policies_from_the_package():
    entry = (Path(str(PACK)) / "__main__.py").read_text()
    assert "from pulumi_influxdb3_tokens.policy.policies import" in entry


def test_policy_pack_prints_the_installed_pack_folder(capsys: pytest.CaptureFixture[str]):
    assert cli.main(["policy-pack"]) == cli.EXIT_OK
    folder = Path(capsys.readouterr().out.strip())
    assert folder == Path(str(PACK)).resolve()
    assert {p.name for p in folder.iterdir() if p.is_file()} >= set(cli.POLICY_PACK_FILES)


def test_policy_pack_write_into_an_unwritable_place_is_one_sentence(tmp_path: Path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    assert cli.main(["policy-pack", "--write", str(blocker / "pack")]) == cli.EXIT_ERROR
    err = capsys.readouterr().err
    assert err.startswith(f"influxdb3-tokens policy-pack: cannot write the pack into {blocker / 'pack'}: ")
    assert err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize("package", ["pulumi_influxdb3_tokens", "influxdb3_local_api"])
def test_both_packages_ship_py_typed(package: str):
    assert (resources.files(package) / "py.typed").is_file()


def test_package_data_lists_the_files_the_wheel_needs():
    data = PYPROJECT["tool"]["setuptools"]["package-data"]["pulumi_influxdb3_tokens"]
    for name in ("py.typed", "plugin/schema.json", *(f"policy/pack/{f}" for f in cli.POLICY_PACK_FILES)):
        assert name in data, name
        assert (resources.files("pulumi_influxdb3_tokens") / name).is_file(), name


def test_dependencies_are_ranges_up_to_the_next_major():
    project = PYPROJECT["project"]
    requirements = [*project["dependencies"], *project["optional-dependencies"]["server"]]
    for text in requirements:
        requirement = Requirement(text)
        operators = {spec.operator for spec in requirement.specifier}
        assert "==" not in operators, f"{text}: an exact pin cannot share a project with other releases"
        assert ">=" in operators and "<" in operators, f"{text}: needs a floor and a ceiling"


def test_the_server_libraries_come_only_with_the_server_extra():
    names = {Requirement(r).name for r in PYPROJECT["project"]["dependencies"]}
    assert not names & {"fastapi", "uvicorn"}
    assert {Requirement(r).name for r in PYPROJECT["project"]["optional-dependencies"]["server"]} == {
        "fastapi",
        "uvicorn",
    }


def normalized(name: str) -> str:
    return name.lower().replace("_", "-")


def pins(path: Path) -> dict[str, Version]:
    pinned = {}
    for line in requirement_lines(path):
        requirement = Requirement(line)
        (spec,) = requirement.specifier
        assert spec.operator == "==", f"{path.name}: {line} is not an exact pin"
        pinned[normalized(requirement.name)] = Version(spec.version)
    return pinned


def test_constraints_pin_every_dependency_inside_its_range():
    pinned = pins(REPO / "constraints.txt")
    project = PYPROJECT["project"]
    extras = project["optional-dependencies"]
    for text in [*project["dependencies"], *extras["server"], *extras["test"]]:
        requirement = Requirement(text)
        name = normalized(requirement.name)
        assert name in pinned, f"constraints.txt does not pin {name}"
        assert requirement.specifier.contains(pinned[name]), (
            f"constraints.txt pins {name} {pinned[name]} outside {text}"
        )


def test_the_lowest_constraints_pin_each_floor_that_users_may_get():
    """tests/wheel/test_lowest_versions.py runs on these, so every floor is a version we ran."""
    lowest = pins(REPO / "constraints-lowest.txt")
    project = PYPROJECT["project"]
    declared = [Requirement(text) for text in [*project["dependencies"], *project["optional-dependencies"]["server"]]]
    assert set(lowest) == {normalized(r.name) for r in declared}
    for requirement in declared:
        (floor,) = [Version(spec.version) for spec in requirement.specifier if spec.operator == ">="]
        assert lowest[normalized(requirement.name)] == floor, (
            f"{requirement}: constraints-lowest.txt pins another floor"
        )
