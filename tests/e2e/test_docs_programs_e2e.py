"""Every complete program in README.md and docs/ runs through the real engine as written.

A complete program is a ```python block that imports pulumi and declares a ManagementToken, or a ```yaml
block with `runtime: yaml`. Each is copied into a project of its own and taken through `up`, a `preview`
that must show no change, and `destroy` against the local server: what a reader pastes works. A program may
also make databases and database tokens (docs/guides/database-tokens.md): `destroy` deletes those too.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from server.documented_api import DEDICATED, Documented
from support.engine import REPO, Stack
from support.local_api import LocalApi
from support.secrets_scan import assert_nowhere, check

pytestmark = pytest.mark.http_only

DOCS = sorted([REPO / "README.md", *(REPO / "docs").rglob("*.md")])
FENCE = re.compile(r"^```(python|yaml)\n(.*?)^```", re.S | re.M)


def programs() -> list[tuple[str, str, str]]:
    found = []
    for doc in DOCS:
        for number, match in enumerate(FENCE.finditer(doc.read_text(encoding="utf-8"))):
            language, body = match.groups()
            complete = (language == "python" and "import pulumi" in body and "ManagementToken(" in body) or (
                language == "yaml" and "runtime: yaml" in body
            )
            if complete:
                found.append((f"{doc.relative_to(REPO)}#{number}", language, body))
    return found


PROGRAMS = programs()


def test_the_docs_have_complete_programs():
    assert {language for _, language, _ in PROGRAMS} == {"python", "yaml"}


@pytest.mark.parametrize(("where", "language", "body"), PROGRAMS, ids=[p[0] for p in PROGRAMS])
def test_a_program_from_the_docs_runs_as_written(
    tmp_path: Path, local_api: LocalApi, where: str, language: str, body: str
):
    source = tmp_path / "source"
    source.mkdir()
    if language == "python":
        (source / "Pulumi.yaml").write_text("name: docs-program\nruntime: python\n", encoding="utf-8")
        (source / "__main__.py").write_text(body, encoding="utf-8")
    else:
        (source / "Pulumi.yaml").write_text(body, encoding="utf-8")
    stack = Stack.create("program", tmp_path, source=source)
    stack.connect_to(local_api)

    stack.up().ok()
    minted = local_api.live_tokens()
    assert minted, f"{where} minted nothing"
    outputs = stack.secret_outputs()
    # Management tokens start M.V1. (the local server's), database tokens apiv1_ (DatabaseTokenAccessToken's examples).
    tokens = [v for v in outputs.values() if isinstance(v, str) and v.startswith(("M.V1.", "apiv1_"))]
    check(bool(tokens), f"{where} exports no token")
    stack.preview("--expect-no-changes").ok()
    stack.destroy().ok()
    assert local_api.live_tokens() == []
    documented = Documented(local_api, DEDICATED)
    with documented.client() as http:
        assert http.get(documented.path("databases")).json() == []
        assert all(t["revokedAt"] for t in http.get(documented.path("tokens")).json())
    assert_nowhere(stack, *tokens, local_api.admin_token)
