"""The floors of pyproject.toml's ranges are versions we ran: the wheel on the lowest of each.

The wheel goes into a fresh virtualenv with every dependency at its floor (constraints-lowest.txt),
and that virtualenv's Python runs the unit and provider tests of the checkout (but the process tests
listed in PROCESS_BEHAVIOUR); the package and the local server they start come from the install
(``python -P``: the working directory is not on the path). This is how a floor that was too low
showed: tenacity 9.0 has no ``wait_exponential_jitter(multiplier=...)``, and pulumi-policy 1.18
(whose metadata asks for pulumi >= 3.157) imports ``proto.PolicySeverity``, which the SDK has only from 3.196.

Left out there: tests/unit/test_clean_errors.py reads the SDK host's ``_abort_with_traceback``, which
pulumi's dynamic provider host has only from 3.260.0 (before it, gRPC reports the exception's own
message, which our errors already are; ``clean_errors.install`` then patches nothing).
"""

from __future__ import annotations

from pathlib import Path

from support.engine import REPO
from support.wheel import DISTRIBUTION, LOWEST_CONSTRAINTS, VERSION, Installed

WITHOUT_THE_3_260_HOST = "tests/unit/test_clean_errors.py"
# Tests of process and file behaviour on the influxctl road: how many stand-in runs a command makes,
# which tokens recovery and the audit may touch, which profile and login files are read or written,
# locks, kills. Their time goes to starting stand-in processes (over half of the unit run), and the
# only third-party code they reach (pydantic models, tenacity retries, the SDK's types) is what
# test_influxctl_client.py (every influxctl release, lost answers, retries) and the provider tests run
# here at the floors too. They run on the current versions in every run of the suite.
PROCESS_BEHAVIOUR = (
    "tests/unit/test_influxctl_list_runs.py",
    "tests/unit/test_influxctl_recovery_safety.py",
    "tests/unit/test_influxctl_login.py",
    "tests/unit/test_influxctl_secret_files.py",
    "tests/unit/test_audit_revoke_safety.py",
    "tests/unit/test_profile_write.py",
    # The stand-in influxctl's own commands: test code (tests/standin), none of the package's.
    "tests/unit/test_influxctl_standin_families.py",
)


def test_unit_and_provider_tests_pass_on_the_lowest_allowed_versions(dist: Path, tmp_path: Path):
    installed = Installed.create_by_uv(tmp_path / "venv", dist)
    installed.uv_install(
        f"{DISTRIBUTION}[server]=={VERSION}",
        "pytest",
        "pytest-timeout",
        "packaging",
        cwd=tmp_path,
        constraints=LOWEST_CONSTRAINTS,
    )
    assert installed.package_file(tmp_path).is_relative_to(installed.root)

    done = installed.run(
        installed.python,
        "-P",
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "tests/unit",
        "tests/provider",
        *(arg for path in (WITHOUT_THE_3_260_HOST, *PROCESS_BEHAVIOUR) for arg in ("--ignore", path)),
        cwd=REPO,
        check=False,
        timeout=1200,
    )
    assert done.returncode == 0, f"on the lowest versions:\n{done.stdout[-6000:]}\n{done.stderr[-2000:]}"
    summary = done.stdout.strip().splitlines()[-1]
    assert " passed" in summary and "skipped" not in summary and "deselected" not in summary, summary
