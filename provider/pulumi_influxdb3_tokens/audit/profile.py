"""``influxdb3-tokens profile write``: put a minted management token into an influxctl connection profile.

influxctl's documented way to use a management token is a ``[[profile]]`` with ``mgmt_token`` in its
``config.toml``. The token comes from a secret stack output or from standard input, never from argv, where any user
of the machine could read it (profile_token.py); with a stack output, the profile's account and cluster come
from that stack too when no flag names them (profile_stack.py). The file is replaced atomically (a 0600 temporary file
in the same folder, fsync, rename) under an exclusive lock, so a reader sees the old file or the new one
and two writers never lose each other's profile. ``--remove`` takes the profile out again.

A profile's ``mgmt_token`` may be the only copy of a person's own admin credential, so neither writing
another token over it nor removing it happens without ``--force``, and with it the old file is first kept
beside the new one as a 0600 backup.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Optional

from .. import settings
from ..clients.influxctl import config_file
from ..core.errors import ConfigurationError, InfluxDB3TokensError
from . import profile_stack, profile_token

PRODUCT = "dedicated"  # influxctl's `product` for Cloud Dedicated profiles


def add_parser(commands: Any) -> None:
    profile = commands.add_parser(
        "profile",
        help="write a management token into an influxctl connection profile",
        description="Manage one [[profile]] of an influxctl config.toml.",
    )
    actions = profile.add_subparsers(dest="profile_command", required=True, metavar="ACTION")
    write = actions.add_parser(
        "write",
        help="write or update a profile with a token from a stack output or standard input",
        description="Write or update the [[profile]] NAME of an influxctl config.toml with a management token "
        "read from a secret stack output (--stack-output) or from standard input (never from the command line). "
        "Other profiles and comments are kept; the file is replaced atomically with mode 0600. A profile that "
        "already holds another mgmt_token is replaced (or removed) only with --force, which first keeps the old "
        "file beside it as FILE.bak-<UTC time>.",
    )
    write.add_argument("name", metavar="NAME", help="the profile's name (influxctl --profile NAME)")
    write.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="the influxctl config.toml (default: INFLUXDB3_INFLUXCTL_CONFIG or influxctl's default for the OS)",
    )
    write.add_argument(
        "--stack-output",
        metavar="OUTPUT",
        help="read the token from this secret output of the current Pulumi stack (`pulumi stack output "
        "--show-secrets`); a plain output, or one that is no token (a token id), is refused",
    )
    write.add_argument("--stack", metavar="STACK", help="with --stack-output: the stack to read (default: selected)")
    write.add_argument(
        "--cwd", type=Path, metavar="DIR", help="with --stack-output: the Pulumi project folder (default: here)"
    )
    for key, setting in profile_stack.KEYS.items():
        write.add_argument(
            f"--{key.replace('_', '-')}",
            help=f"the profile's {key} (default, first found: with --stack-output the stack's ManagementToken "
            f"{key} output, then its {settings.config_key(setting)} config; the profile's own; {setting.env}; "
            "the profile influxctl uses)",
        )
    write.add_argument("--remove", action="store_true", help="remove the profile NAME instead of writing it")
    write.add_argument(
        "--force",
        action="store_true",
        help="replace or remove a profile's existing mgmt_token, after keeping the old file as FILE.bak-<UTC time>",
    )


def _config_path(args: argparse.Namespace) -> Path:
    if args.config is not None:
        return Path(args.config).expanduser()
    return settings.influxctl_config_path({})


def _profile_values(
    args: argparse.Namespace, token: str, text: str, path: Path, stack: profile_stack.StackIds
) -> dict[str, str]:
    """The profile's keys, each from the first source that has it: the flag, the stack (--stack-output), the
    profile's own value, the environment, then the profile influxctl itself would pick."""
    profiles = {p.get("name"): p for p in config_file.read_profiles(text, str(path))}
    existing = profiles.get(args.name) or {}
    # A new profile for the cluster the person already uses: the profile influxctl itself would pick.
    current = profiles.get(settings.influxctl_profile_name({}) or settings.DEFAULT_PROFILE) or {}
    values = {"mgmt_token": token}
    for key, setting in profile_stack.KEYS.items():
        flag = f"--{key.replace('_', '-')}"
        # The profile's own value is kept as it is (not written again) unless a flag or the stack names one.
        fallback = os.environ.get(setting.env, "").strip() or str(current.get(key) or "").strip() or None
        value = getattr(args, key) or stack.value(key) or (None if key in existing else fallback)
        if value is not None:
            values[key] = value
        elif key not in existing:
            from_stack = (
                f", a ManagementToken's {key} output or {settings.config_key(setting)} in the stack's config"
                if args.stack_output
                else ""
            )
            raise ConfigurationError(
                f"A new profile needs {flag} (or {setting.env}{from_stack}, or a 'default' profile in {path} to take "
                f"it from)."
            )
    if not existing or "product" not in existing:
        values["product"] = PRODUCT
    return values


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""
    except UnicodeDecodeError:
        raise ConfigurationError(f"The influxctl config file {path} is not UTF-8 text; fix it first.") from None
    except OSError as err:
        raise ConfigurationError(f"The influxctl config file {path} cannot be read ({err.strerror}).") from None


def _replace(path: Path, text: str) -> None:
    """Write ``text`` to a 0600 file beside ``path`` and rename it over ``path``."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _backup(path: Path, text: str) -> Path:
    """The old file, kept beside it (0600, never overwriting another backup) before a credential in it goes."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    for n in range(100):
        backup = path.with_name(f"{path.name}.bak-{stamp}" + (f"-{n}" if n else ""))
        try:
            fd = os.open(backup, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        except FileExistsError:
            continue
        except OSError as err:
            raise ConfigurationError(f"Cannot keep a backup of {path} beside it ({err.strerror}).") from None
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        return backup
    raise ConfigurationError(f"Cannot keep a backup of {path}: too many backups named {path.name}.bak-{stamp}.")


def _destroys_credential(args: argparse.Namespace, token: Optional[str], text: str, path: Path) -> bool:
    """Whether the edit would take away the profile's existing mgmt_token; refused without --force."""
    existing = (config_file.find(text, args.name, str(path)) or {}).get("mgmt_token")
    if existing is None or existing == token:
        return False
    if not args.force:
        doing = "removing it would destroy it" if token is None else "writing would replace it"
        raise ConfigurationError(
            f"Profile '{args.name}' in {path} already holds {'a' if token is None else 'another'} mgmt_token and "
            f"{doing}; pass --force to go ahead (the old file is kept beside it as a backup)."
        )
    return True


def run(args: argparse.Namespace) -> int:
    path = _config_path(args).resolve()  # through a link, so the rename replaces the file it points to
    if not args.remove and args.stack_output is None and (args.stack or args.cwd):
        raise ConfigurationError("--stack and --cwd go with --stack-output.")
    token = (
        None
        if args.remove
        else profile_token.from_stack(args.stack_output, args.stack, args.cwd)
        if args.stack_output
        else profile_token.from_stdin()
    )
    # Read before the lock: the stack's ids, only when a flag leaves one open.
    asks_stack = token is not None and args.stack_output and not (args.account_id and args.cluster_id)
    stack = profile_stack.read(args.stack, args.cwd) if asks_stack else profile_stack.StackIds()
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        lock_fd = os.open(path.with_name(f".{path.name}.lock"), os.O_WRONLY | os.O_CREAT, 0o600)
    except OSError as err:
        raise ConfigurationError(f"Cannot write into {path.parent} ({err.strerror}).") from None
    try:
        fcntl.flock(lock_fd, fcntl.LOCK_EX)
        text = _read(path)
        if token is None:
            result: Optional[str] = config_file.remove(text, args.name, str(path))
            if result is None:
                print(
                    f"influxdb3-tokens profile: {path} has no profile '{args.name}'; nothing to remove.",
                    file=sys.stderr,
                )
                return 0
            verb = "removed"
        else:
            result = config_file.upsert(text, args.name, _profile_values(args, token, text, path, stack), str(path))
            verb = "wrote"
            if result == text:
                print(
                    f"influxdb3-tokens profile: profile '{args.name}' in {path} already holds this token; "
                    "nothing changed.",
                    file=sys.stderr,
                )
                return 0
        backup = _backup(path, text) if _destroys_credential(args, token, text, path) else None
        try:
            _replace(path, result)
        except OSError as err:
            raise ConfigurationError(f"Cannot write {path} ({err.strerror}).") from None
    finally:
        os.close(lock_fd)
    kept = f"; the old file is kept as {backup}" if backup else ""
    print(f"influxdb3-tokens profile: {verb} profile '{args.name}' in {path}{kept}.", file=sys.stderr)
    return 0


def main(args: argparse.Namespace) -> int:
    try:
        return run(args)
    except InfluxDB3TokensError as err:
        print(f"influxdb3-tokens profile: {err}", file=sys.stderr)
        return 2
