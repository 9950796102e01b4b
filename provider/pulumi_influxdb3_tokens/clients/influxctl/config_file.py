"""influxctl's ``config.toml``: its TOML strings, and editing one profile keeping everything else.

The provider writes its temporary profile with :func:`toml_string` (process.py), and
``influxdb3-tokens profile write`` edits the user's file with :func:`upsert` / :func:`remove`.

influxctl's config file holds ``profile``, an array of tables (``name``, ``product``, ``account_id``,
``cluster_id`` and, for a management token, ``mgmt_token``). People keep comments, keys of their own and
several profiles in it, and TOML lets them write that array as ``[[profile]]`` tables or as an inline
array, so the edit goes through tomlkit, which keeps every comment and layout it does not touch. Each
result is proved with ``tomllib``: the file reads back as before but for the one profile, which holds the
wanted keys, else the edit is refused and the file is left alone.
"""

from __future__ import annotations

import tomllib
from typing import TYPE_CHECKING, Any, Mapping, Optional, Union

from ...core.errors import ConfigurationError

if TYPE_CHECKING:  # tomlkit loads only when a file is edited: the provider, which writes its own, never needs it
    from tomlkit.items import AoT, Array
    from tomlkit.toml_document import TOMLDocument

# What a tomlkit edit raises on a layout it cannot change; the proof then refuses it in one sentence.
_EDIT_FAILURES = (ValueError, TypeError, KeyError, IndexError, AttributeError)


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


def _not_toml(source: str, err: Exception) -> ConfigurationError:
    return ConfigurationError(f"The influxctl config file {source} is not valid TOML ({err}); fix it first.")


def _load(text: str, source: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise _not_toml(source, err) from None


def read_profiles(text: str, source: str) -> list[dict[str, Any]]:
    profiles = _load(text, source).get("profile", [])
    if not isinstance(profiles, list) or not all(isinstance(p, dict) for p in profiles):
        raise ConfigurationError(f"The influxctl config file {source} has a 'profile' that is not a list of tables.")
    return profiles


def _index_of(profiles: list[dict[str, Any]], name: str, source: str) -> Optional[int]:
    matches = [i for i, profile in enumerate(profiles) if profile.get("name") == name]
    if len(matches) > 1:
        raise ConfigurationError(f"The influxctl config file {source} has more than one profile named '{name}'.")
    return matches[0] if matches else None


def find(text: str, name: str, source: str) -> Optional[dict[str, Any]]:
    """Profile ``name`` as influxctl reads it, or None when the file has none of that name."""
    profiles = read_profiles(text, source)
    index = _index_of(profiles, name, source)
    return None if index is None else profiles[index]


def _edit(text: str, source: str) -> tuple[TOMLDocument, Union[AoT, Array, None]]:
    """The document as tomlkit holds it, and its ``profile`` array (None when it has none)."""
    import tomlkit
    from tomlkit.exceptions import TOMLKitError
    from tomlkit.items import AoT, Array

    try:
        document = tomlkit.parse(text)
    except TOMLKitError as err:
        raise _not_toml(source, err) from None
    found = document.get("profile")
    if found is None or isinstance(found, (AoT, Array)):
        return document, found
    raise ConfigurationError(f"The influxctl config file {source} has a 'profile' that is not a list of tables.")


def _key_indent(table: Any) -> str:
    """How a ``[[profile]]`` table indents its keys (its first key's indent)."""
    from tomlkit.items import Table

    body = table.value.body if isinstance(table, Table) else []
    return next((item.trivia.indent for key, item in body if key is not None), "")


def _set(table: Any, key: str, value: str, indent: str) -> None:
    """``key = value`` in a profile; a new key in a ``[[profile]]`` table gets ``indent``."""
    import tomlkit
    from tomlkit.items import Table

    if key in table or not isinstance(table, Table):
        table[key] = value
        return
    item = tomlkit.string(value)
    item.trivia.indent = indent
    table.append(key, item)


def _new_entry(container: Union[AoT, Array, None], name: str, values: Mapping[str, str]) -> Any:
    """A new profile in the file's own style: an inline table in an inline array, else a ``[[profile]]`` table
    indented as the first one is."""
    import tomlkit
    from tomlkit.items import Array

    if isinstance(container, Array):
        entry: Any = tomlkit.inline_table()
        entry.update({"name": name, **values})
        return entry
    entry = tomlkit.table()
    indent = _key_indent(container[0]) if container else ""
    if container is not None:
        entry.trivia.indent = "\n"  # a blank line before its header
    for key, value in {"name": name, **values}.items():
        _set(entry, key, value, indent)
    return entry


def upsert(text: str, name: str, values: Mapping[str, str], source: str) -> str:
    """The file with profile ``name`` holding ``values`` (other keys of it kept), or appended when absent."""
    import tomlkit

    index = _index_of(read_profiles(text, source), name, source)
    document, container = _edit(text, source)
    try:
        if index is None:
            entry = _new_entry(container, name, values)
            if container is None:
                document.append("profile", tomlkit.aot())
                container = document["profile"]
            container.append(entry)
        elif container is not None:  # it is: tomllib found the profile in it
            for key, value in values.items():
                _set(container[index], key, value, _key_indent(container[index]))
        result = tomlkit.dumps(document)
    except _EDIT_FAILURES:
        result = None
    return _prove(_load(text, source), result, name, values, source)


def remove(text: str, name: str, source: str) -> Optional[str]:
    """The file without profile ``name``; None when it has no such profile."""
    import tomlkit

    index = _index_of(read_profiles(text, source), name, source)
    if index is None:
        return None
    document, container = _edit(text, source)
    result: Optional[str] = None
    try:
        if container is not None:  # it is: tomllib found the profile in it
            del container[index]
            result = tomlkit.dumps(document)
    except _EDIT_FAILURES:
        result = None
    return _prove(_load(text, source), result, name, None, source)


def _prove(
    before: dict[str, Any], result: Optional[str], name: str, values: Optional[Mapping[str, str]], source: str
) -> str:
    """``result``, if it reads as ``before`` with profile ``name`` removed (no values) or holding ``values``."""
    profiles = [dict(p) for p in before.get("profile", [])]
    if values is None:
        profiles = [p for p in profiles if p.get("name") != name]
    elif any(p.get("name") == name for p in profiles):
        next(p for p in profiles if p.get("name") == name).update(values)
    else:
        profiles.append({"name": name, **values})
    try:
        # An emptied array may vanish from the file: influxctl reads no `profile` as none.
        if result is not None and {"profile": [], **tomllib.loads(result)} == {**before, "profile": profiles}:
            return result
    except tomllib.TOMLDecodeError:
        pass
    doing = f"Removing profile '{name}' from" if values is None else f"Writing profile '{name}' into"
    raise ConfigurationError(f"{doing} {source} would change other settings (an unusual layout); edit it by hand.")
