"""The recipe reader the docs' recipe tests use (tests/support/recipes.py): what it takes from a Markdown file."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.recipes import recipe, recipes

DOC = """# A guide

<!-- recipe: recover -->
```sh
pulumi cancel --yes                # a killed CLI leaves the stack locked
# a comment line

pulumi up --yes \\
    --skip-preview
```

```sh
echo not a recipe
```
"""


def test_a_recipe_is_the_marked_blocks_logical_lines(tmp_path: Path):
    doc = tmp_path / "guide.md"
    doc.write_text(DOC, encoding="utf-8")
    assert recipes(doc) == {
        "recover": [
            "pulumi cancel --yes                # a killed CLI leaves the stack locked",
            "pulumi up --yes --skip-preview",
        ]
    }


def test_an_unknown_or_repeated_name_is_refused(tmp_path: Path):
    doc = tmp_path / "guide.md"
    doc.write_text(DOC, encoding="utf-8")
    with pytest.raises(KeyError, match=r"has no recipe 'rotate'.*recover"):
        recipe(doc, "rotate")
    doc.write_text(DOC + DOC, encoding="utf-8")
    with pytest.raises(ValueError, match="twice"):
        recipes(doc)
