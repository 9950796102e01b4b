"""The self-contained pack ``influxdb3-tokens policy-pack --write DIR`` writes: runnable and publishable without
this package.

The installed pack (``pack/``) imports its policies from the installed package, and its ``requirements.txt`` names
the package: a pack published to an organization, whose virtualenv Pulumi makes from ``requirements.txt``, cannot
install where the package is not on the index. The written pack instead carries the modules its policies import,
copied byte for byte from this package at write time (so the rules stay one source), under a package name of its
own (:data:`CARRIED_PACKAGE`), and asks only for what they import from elsewhere, at the ranges this package
declares. Its ``PulumiPolicy.yaml`` names a ``virtualenv`` (:data:`VIRTUALENV`), so the engine runs it with that
virtualenv's Python, whichever Python or virtualenv the project itself uses.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from ..version import DISTRIBUTION, __version__

PACKAGE_ROOT = Path(__file__).resolve().parents[1]  # pulumi_influxdb3_tokens/
INSTALLED_PACK = PACKAGE_ROOT / "policy" / "pack"
POLICIES_MODULE = Path("policy") / "policies.py"  # what the entry point imports; its imports bring the rest
CARRIED_PACKAGE = "influxdb3_token_policies"  # never the package's own name: both may be on one path
VIRTUALENV = "venv"  # the pack's own virtualenv, beside PulumiPolicy.yaml (and left out of a publish)
# What the carried modules import from outside the standard library, and pulumi, whose ``pulumi.policy`` module the
# engine runs the pack with (tests/unit/test_self_contained_pack.py holds the list to the carried imports).
REQUIRED_DISTRIBUTIONS = ("pulumi", "pulumi-policy", "pydantic")


@dataclass(frozen=True)
class WrittenPack:
    """What ``write`` put where, for the command to print."""

    folder: Path
    carried: tuple[Path, ...]  # the modules copied, relative to the package root


def _is_type_checking_block(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


def _imports(tree: ast.AST) -> list[ast.ImportFrom | ast.Import]:
    """Every import a module can run (``if TYPE_CHECKING:`` blocks never run), lazy ones in functions too."""
    found: list[ast.ImportFrom | ast.Import] = []
    pending = [tree]
    while pending:
        node = pending.pop()
        if _is_type_checking_block(node):
            continue
        if isinstance(node, (ast.ImportFrom, ast.Import)):
            found.append(node)
        pending.extend(ast.iter_child_nodes(node))
    return found


def _module_file(root: Path, parts: tuple[str, ...]) -> Path | None:
    """The file of module ``parts`` under ``root``: ``a/b.py`` or the package's ``a/b/__init__.py``."""
    if not parts:
        return None
    as_module = root.joinpath(*parts[:-1], parts[-1] + ".py")
    if as_module.is_file():
        return as_module
    as_package = root.joinpath(*parts, "__init__.py")
    return as_package if as_package.is_file() else None


def _package_parts(root: Path, module: Path) -> tuple[str, ...]:
    """The package a module's relative imports start from (``policy`` for ``policy/rules.py``)."""
    relative = module.relative_to(root)
    return relative.parts[:-1]


def _relative_targets(root: Path, module: Path, node: ast.ImportFrom) -> list[Path]:
    base = _package_parts(root, module)
    if node.level > len(base) + 1:
        raise ValueError(f"{module}: an import reaches above the package")
    package = base[: len(base) - (node.level - 1)]
    target = package + tuple(node.module.split(".")) if node.module else package
    files = []
    found = _module_file(root, target)
    if found is not None:
        files.append(found)
    elif not target:  # the root's __init__.py is the installed package's, which the written pack does not carry
        raise ValueError(
            f"{module}: '{ast.unparse(node)}' needs the package root, which the written pack does not carry"
        )
    for alias in node.names:  # ``from . import rules``: each name may be a module of its own
        submodule = _module_file(root, (*target, alias.name))
        if submodule is not None:
            files.append(submodule)
    if not files:
        raise ValueError(f"{module}: '{ast.unparse(node)}' names no module of the package")
    return files


def carried_modules(root: Path = PACKAGE_ROOT, start: Path = POLICIES_MODULE) -> tuple[Path, ...]:
    """The modules the policies import from this package, each package's ``__init__.py`` with them (Python runs it
    before any module of the package), relative to ``root`` and sorted. The root's own ``__init__.py`` is left
    out: it belongs to the installed package (its version, its faces), and the pack gets one of its own."""
    seen: set[Path] = set()
    pending = [root / start]
    while pending:
        module = pending.pop()
        if module in seen:
            continue
        seen.add(module)
        tree = ast.parse(module.read_text(encoding="utf-8"), filename=str(module))
        for node in _imports(tree):
            if isinstance(node, ast.ImportFrom) and node.level > 0:
                pending.extend(_relative_targets(root, module, node))
        parts = module.relative_to(root).parts
        for depth in range(1, len(parts)):
            init = root.joinpath(*parts[:depth], "__init__.py")
            if init.is_file():
                pending.append(init)
    return tuple(sorted(path.relative_to(root) for path in seen))


def outside_imports(root: Path = PACKAGE_ROOT, modules: tuple[Path, ...] | None = None) -> set[str]:
    """The top-level names the carried modules import absolutely (the standard library's among them)."""
    names: set[str] = set()
    for relative in modules if modules is not None else carried_modules(root):
        tree = ast.parse((root / relative).read_text(encoding="utf-8"))
        for node in _imports(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names


_REQUIREMENT = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?P<specifiers>[^;]*)(?P<marker>;.*)?$")


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()  # PEP 503


def requirements() -> list[str]:
    """``requirements.txt``'s lines: each distribution the pack needs, at the range this package declares (its
    installed metadata), floor first."""
    declared: dict[str, list[str]] = {}
    for text in metadata.requires(DISTRIBUTION) or ():
        match = _REQUIREMENT.match(text.strip())
        if match and not match.group("marker"):  # an extra's requirement is not the package's own
            specifiers = [s.strip() for s in match.group("specifiers").split(",") if s.strip()]
            declared[_normalized(match.group("name"))] = sorted(specifiers, key=lambda s: not s.startswith(">"))
    return [f"{name}{','.join(declared[name])}" for name in REQUIRED_DISTRIBUTIONS]


def _requirements_file() -> str:
    header = (
        f"# What the pack's own virtualenv ({VIRTUALENV}/) needs: pulumi-policy and what it and the carried\n"
        f"# {CARRIED_PACKAGE} modules import, at the ranges {DISTRIBUTION} {__version__} supports.\n"
        f"# pulumi-influxdb3-tokens itself is not needed: the pack carries its rules.\n"
    )
    return header + "".join(f"{line}\n" for line in requirements())


def _project_file() -> str:
    """The installed ``PulumiPolicy.yaml`` with a runtime that names the pack's own virtualenv."""
    lines = (INSTALLED_PACK / "PulumiPolicy.yaml").read_text(encoding="utf-8").splitlines()
    if "runtime: python" not in lines:
        raise ValueError(f"{INSTALLED_PACK / 'PulumiPolicy.yaml'} has no 'runtime: python' line to extend")
    runtime = ["runtime:", "  name: python", "  options:", f"    virtualenv: {VIRTUALENV}"]
    written: list[str] = []
    for line in lines:
        written.extend(runtime if line == "runtime: python" else [line])
    return "\n".join(written) + "\n"


def _entry_point() -> str:
    """The installed ``__main__.py`` (which builds the ``PolicyPack``) importing the carried policies."""
    source = (INSTALLED_PACK / "__main__.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    first = tree.body[0]
    if not (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and first.end_lineno):
        raise ValueError(f"{INSTALLED_PACK / '__main__.py'} starts with no docstring")
    code = "\n".join(source.splitlines()[first.end_lineno :]).lstrip("\n")
    installed_import = "from pulumi_influxdb3_tokens.policy.policies import"
    if installed_import not in code:
        raise ValueError(f"{INSTALLED_PACK / '__main__.py'} does not import the policies from the package")
    docstring = (
        f'"""Entry point of the influxdb3-token-policies pack, written by `influxdb3-tokens policy-pack --write`'
        f" ({DISTRIBUTION} {__version__}).\n\n"
        f"The policies are in {CARRIED_PACKAGE}/, a copy of the package's modules: write the pack again to\n"
        f'update them, never edit them here.\n"""\n\n'
    )
    return docstring + code.replace(installed_import, f"from {CARRIED_PACKAGE}.policy.policies import")


def _carried_root_init() -> str:
    return (
        f'"""The modules of {DISTRIBUTION} {__version__} that the influxdb3-token-policies pack runs, copied by\n'
        f'`influxdb3-tokens policy-pack --write`: write the pack again to update them, never edit them here."""\n'
    )


# Left out of `pulumi policy publish`, which archives the pack's folder but what a .gitignore there names.
_IGNORED = f"{VIRTUALENV}/\n__pycache__/\n"


def write(folder: Path) -> WrittenPack:
    """Write the pack into ``folder`` (made if missing); files of an earlier write are replaced. Raises OSError."""
    carried = carried_modules()
    files: dict[Path, str | bytes] = {
        Path("PulumiPolicy.yaml"): _project_file(),
        Path("__main__.py"): _entry_point(),
        Path("requirements.txt"): _requirements_file(),
        Path(".gitignore"): _IGNORED,
        Path(CARRIED_PACKAGE, "__init__.py"): _carried_root_init(),
    }
    for relative in carried:
        files[Path(CARRIED_PACKAGE) / relative] = (PACKAGE_ROOT / relative).read_bytes()
    for relative, content in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return WrittenPack(folder=folder, carried=carried)
