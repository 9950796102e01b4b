"""influxctl's ``config.toml`` as text: its TOML strings, and editing one ``[[profile]]`` keeping the rest.

The provider writes its temporary profile with :func:`toml_string` (process.py), and
``influxdb3-tokens profile write`` edits the user's file with :func:`upsert` / :func:`remove`.

influxctl's config file is a list of ``[[profile]]`` tables (``name``, ``product``, ``account_id``,
``cluster_id`` and, for a management token, ``mgmt_token``). People keep comments and several profiles
in it, so a rewrite through a TOML library that drops comments would lose their work. The edit here
touches only the lines of the one profile it names, and each result is proved with
``tomllib``: every other profile reads back exactly as before and the edited one holds the wanted keys,
else the edit is refused and the file is left alone.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from typing import Any, Mapping, Optional

from ...core.errors import ConfigurationError

# An array-of-tables header for `profile`, and any table header (which ends the table before it).
_PROFILE_HEADER = re.compile(r"^\s*\[\[\s*profile\s*\]\]\s*(#.*)?$")
_ANY_HEADER = re.compile(r"^\s*\[")
_KEY_LINE = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=")


def toml_string(value: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped, other text kept as UTF-8."""
    out = []
    for char in value:
        if char in ('"', "\\"):
            out.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


@dataclass(frozen=True)
class _Block:
    start: int  # the header line
    end: int  # one past the last line of the table


def read_profiles(text: str, source: str) -> list[dict[str, Any]]:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigurationError(
            f"The influxctl config file {source} is not valid TOML ({err}); fix it first."
        ) from None
    profiles = document.get("profile", [])
    if not isinstance(profiles, list) or not all(isinstance(p, dict) for p in profiles):
        raise ConfigurationError(f"The influxctl config file {source} has a 'profile' that is not a list of tables.")
    return profiles


def _blocks(lines: list[str]) -> list[_Block]:
    """The line ranges of the ``[[profile]]`` tables, in file order (the order tomllib lists them in)."""
    blocks: list[_Block] = []
    start: Optional[int] = None
    for number, line in enumerate(lines):
        if _ANY_HEADER.match(line):
            if start is not None:
                blocks.append(_Block(start, number))
                start = None
            if _PROFILE_HEADER.match(line):
                start = number
    if start is not None:
        blocks.append(_Block(start, len(lines)))
    return blocks


def _content_end(lines: list[str], block: _Block) -> int:
    """One past the block's last key line, so appended keys land before trailing blanks and comments."""
    end = block.start + 1
    for number in range(block.start + 1, block.end):
        if _KEY_LINE.match(lines[number]):
            end = number + 1
    return end


def _index_of(profiles: list[dict[str, Any]], name: str) -> Optional[int]:
    matches = [i for i, profile in enumerate(profiles) if profile.get("name") == name]
    return matches[0] if len(matches) == 1 else None if not matches else -1


def upsert(text: str, name: str, values: Mapping[str, str], source: str) -> str:
    """The file with profile ``name`` holding ``values`` (other keys of it kept), or appended when absent."""
    profiles = read_profiles(text, source)
    index = _index_of(profiles, name)
    if index == -1:
        raise ConfigurationError(f"The influxctl config file {source} has more than one profile named '{name}'.")
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    if index is None:
        new = ["[[profile]]\n", f"  name = {toml_string(name)}\n"]
        new += [f"  {key} = {toml_string(value)}\n" for key, value in values.items()]
        separator = ["\n"] if lines and lines[-1].strip() else []
        result = "".join(lines + separator + new)
    else:
        block = _blocks(lines)[index]
        remaining = dict(values)
        for number in range(block.start + 1, block.end):
            match = _KEY_LINE.match(lines[number])
            if match and match.group(1) in remaining:
                indent = lines[number][: len(lines[number]) - len(lines[number].lstrip())]
                lines[number] = f"{indent}{match.group(1)} = {toml_string(remaining.pop(match.group(1)))}\n"
        at = _content_end(lines, block)
        lines[at:at] = [f"  {key} = {toml_string(value)}\n" for key, value in remaining.items()]
        result = "".join(lines)
    _verify(profiles, read_profiles(result, source), name, values, source)
    return result


def remove(text: str, name: str, source: str) -> Optional[str]:
    """The file without profile ``name``; None when it has no such profile."""
    profiles = read_profiles(text, source)
    index = _index_of(profiles, name)
    if index is None:
        return None
    if index == -1:
        raise ConfigurationError(f"The influxctl config file {source} has more than one profile named '{name}'.")
    lines = text.splitlines(keepends=True)
    block = _blocks(lines)[index]
    # The block's own trailing comments belong to what follows it (usually the next profile's heading).
    end = _content_end(lines, block)
    while end < block.end and not lines[end].strip():
        end += 1
    result = "".join(lines[: block.start] + lines[end:])
    after = read_profiles(result, source)
    if after != [p for i, p in enumerate(profiles) if i != index]:
        raise ConfigurationError(
            f"Removing profile '{name}' from {source} would change other settings; edit it by hand."
        )
    return result


def _verify(
    before: list[dict[str, Any]], after: list[dict[str, Any]], name: str, values: Mapping[str, str], source: str
) -> None:
    others_before = [p for p in before if p.get("name") != name]
    others_after = [p for p in after if p.get("name") != name]
    ours = [p for p in after if p.get("name") == name]
    kept = [{k: v for k, v in p.items() if k not in values} for p in before if p.get("name") == name]
    if (
        others_before != others_after
        or len(ours) != 1
        or any(ours[0].get(k) != v for k, v in values.items())
        or (kept and kept[0] != {k: v for k, v in ours[0].items() if k not in values})
    ):
        raise ConfigurationError(
            f"Writing profile '{name}' into {source} would change other settings (an unusual layout); edit it by hand."
        )
