"""``influxdb3-tokens``: commands for tokens outside any stack.

``influxdb3-tokens audit`` lists the account's live management tokens through the provider's own
client and settings (environment ``INFLUXDB3_*``, then the influxctl profile), and the cluster's database
tokens and databases through the documented Management API (``--product``: its paths), and judges them
with the policy pack's rules. Exit status: 0 when no mandatory rule is broken, 1 when one is, 2 when the
settings, the config file or the Management API fail (one sentence on stderr, never a secret).

With ``--stack-state FILE`` (``pulumi stack export`` output; repeat it for every stack on the
cluster) it also marks orphans and exits 3 when there are any. An orphan is provably this provider's:
a live token no given state holds that carries the create marker of a create exactly one given state left
pending (a ManagementToken's for a management token, a DatabaseToken's for a database token), with that
create's description and expiry (audit/orphans.py). Other unheld live tokens are reported as
unattributed, with why each is no orphan, never revoked; the credential in use is never either.
``--revoke-orphans`` shows what it would revoke and revokes only with ``--yes`` (then exits as if there
were no orphans); it is refused when the audit cannot tell which listed token is its own credential.

``influxdb3-tokens profile write NAME`` puts a token (from a stack output or standard input) into the
influxctl profile NAME; see :mod:`.profile`.

``influxdb3-tokens policy-pack`` prints the folder of the policy pack installed with the package, for
``pulumi preview --policy-pack "$(influxdb3-tokens policy-pack)"``; ``--write DIR`` writes a self-contained copy
there instead (:mod:`..policy.self_contained`: to publish it with ``pulumi policy publish``, or run it in a
virtualenv of its own beside any project).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Optional, Protocol, Sequence

from .. import settings
from ..clients import client_for, database_client_for, database_token_client_for
from ..clients.credential import credential_in_play
from ..core.errors import InfluxDB3TokensError
from ..policy import catalog, self_contained
from ..resources import DATABASE, DATABASE_TOKEN, MANAGEMENT_TOKEN
from . import profile
from .database_tokens import DatabaseTokensReport, audit_database_tokens
from .orphans import Orphans, StackStates, held_in, judge_orphans, load_states, named_urns
from .pack_config import PackConfig, load_pack_config
from .report import audit_tokens, printable, render_json, render_table

EXIT_OK = 0
EXIT_MANDATORY_BROKEN = 1
EXIT_ERROR = 2
EXIT_ORPHANS = 3

POLICY_PACK_DIR = Path(__file__).resolve().parents[1] / "policy" / "pack"  # the package's policy/pack
POLICY_PACK_FILES = ("PulumiPolicy.yaml", "__main__.py", "requirements.txt")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of days of at least 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="influxdb3-tokens", description="InfluxDB 3 management and database tokens outside Pulumi stacks."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    audit = commands.add_parser(
        "audit",
        help="judge the account's management tokens and the cluster's database tokens with the policy pack's rules",
        description="List the live management tokens of the configured account and cluster, and the cluster's "
        "database tokens and databases, and flag the non-expiring, over-long and soon-expiring tokens, database "
        "tokens on '*' or on databases the cluster lacks and databases that keep data forever, with the rules of "
        "the influxdb3-token-policies pack. Exits 1 when a mandatory rule is broken, 2 on a settings or API error.",
    )
    audit.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")
    audit.add_argument(
        "--policy-pack-config",
        type=Path,
        metavar="FILE",
        help="the JSON file given to `pulumi preview --policy-pack-config`: levels and numbers for the rules",
    )
    audit.add_argument(
        "--max-lifetime-days",
        type=_positive_int,
        metavar="DAYS",
        help=f"longest allowed lifetime (default {catalog.DEFAULT_MAX_LIFETIME_DAYS}, or the config file's)",
    )
    audit.add_argument(
        "--min-rotate-before-days",
        type=_positive_int,
        metavar="DAYS",
        help=f"flag tokens expiring within this many days (default {catalog.DEFAULT_MIN_ROTATE_BEFORE_DAYS})",
    )
    audit.add_argument(
        "--stack-state",
        type=Path,
        action="append",
        metavar="FILE",
        help="`pulumi stack export` output (repeatable): mark live tokens no ManagementToken or DatabaseToken in "
        "them holds, and that a create they left pending provably made, as orphans and exit 3 when there are any",
    )
    audit.add_argument(
        "--revoke-orphans",
        action="store_true",
        help="with --stack-state: show the orphans it would revoke (tokens provably minted by this provider for "
        "a given stack and held by none); add --yes to revoke them",
    )
    audit.add_argument(
        "--yes",
        action="store_true",
        help="with --revoke-orphans: really revoke them (without it nothing is revoked)",
    )
    audit.add_argument(
        "--product",
        choices=settings.PRODUCTS,
        help="whose documented Management API the cluster serves, for its database tokens and databases (default: "
        f"{settings.PRODUCT.env}, the influxctl profile's product, else dedicated)",
    )
    audit.add_argument(
        "--management-tokens-only",
        action="store_true",
        help="audit the management tokens only: the documented Management API (database tokens, databases) is not "
        "asked",
    )
    audit.add_argument(
        "--profile",
        help="the influxctl profile to read (default: INFLUXDB3_INFLUXCTL_PROFILE, INFLUXCTL_PROFILE or 'default')",
    )
    audit.add_argument(
        "--influxctl-config",
        type=Path,
        metavar="FILE",
        help="the influxctl config.toml (default: INFLUXDB3_INFLUXCTL_CONFIG or influxctl's default for the OS)",
    )
    pack = commands.add_parser(
        "policy-pack",
        help="print the folder of the installed influxdb3-token-policies pack, for `pulumi preview --policy-pack`",
        description="Print the folder of the influxdb3-token-policies pack that came with this package. "
        'Use it as `pulumi preview --policy-pack "$(influxdb3-tokens policy-pack)"`.',
    )
    pack.add_argument(
        "--write",
        type=Path,
        metavar="DIR",
        help="write a self-contained copy of the pack into DIR (made if missing) and print DIR: it needs only "
        "pulumi-policy in a virtualenv of its own (DIR/venv), e.g. for `pulumi policy publish` from DIR",
    )
    profile.add_parser(commands)
    return parser


def _run_policy_pack(args: argparse.Namespace) -> int:
    if args.write is None:
        print(POLICY_PACK_DIR)
        return EXIT_OK
    target: Path = args.write
    try:
        self_contained.write(target)
    except OSError as err:
        print(f"influxdb3-tokens policy-pack: cannot write the pack into {target}: {err.strerror}.", file=sys.stderr)
        return EXIT_ERROR
    print(target.resolve())
    return EXIT_OK


def _run_audit(args: argparse.Namespace) -> int:
    config = load_pack_config(args.policy_pack_config)
    config = config.with_overrides(catalog.MAX_LIFETIME, max_lifetime_days=args.max_lifetime_days)
    config = config.with_overrides(catalog.ROTATION, min_rotate_before_days=args.min_rotate_before_days)
    # The flags play the part of stack config, so they win over the environment and the profile.
    overrides = {}
    if args.profile:
        overrides[settings.config_key(settings.INFLUXCTL_PROFILE)] = args.profile
    if args.influxctl_config:
        overrides[settings.config_key(settings.INFLUXCTL_CONFIG)] = str(args.influxctl_config)
    if args.product:
        overrides[settings.config_key(settings.PRODUCT)] = args.product
    states = load_states(args.stack_state) if args.stack_state else None
    held = held_in(states, MANAGEMENT_TOKEN) if states is not None else None
    connection = settings.resolve_connection(overrides)
    client = client_for(connection)
    records = client.list()
    verdict = None
    if held is not None:
        credential = credential_in_play(connection)
        verdict = judge_orphans(records, held, credential)
    # Database tokens and databases: resolved as the provider resolves a DatabaseToken's connection, so over
    # InfluxData's documented Management API (HTTP; for Cloud Dedicated without an API URL:
    # https://console.influxdata.com) unless the transport is set to influxctl.
    database = None
    if not args.management_tokens_only:
        database = _DatabaseTokens(settings.resolve_documented_connection(overrides), config, states)
    report = audit_tokens(
        records,
        config,
        connection.account_id,
        connection.cluster_id,
        orphans=verdict.orphans if verdict else None,
        unattributed=verdict.unattributed if verdict else None,
        pending_creates=held.pending_creates if held else 0,
        urns=held.urns if held else None,
        retiring=held.retiring if held else None,
        not_orphans=verdict.why_not if verdict else None,
        database_tokens=database.report if database else None,
        database_tokens_skipped="--management-tokens-only was given" if args.management_tokens_only else None,
    )
    print(render_json(report) if args.format == "json" else render_table(report))
    orphans = verdict.orphans if verdict else []
    database_orphans = database.verdict.orphans if database and database.verdict else []
    if verdict is not None and args.revoke_orphans:
        if not verdict.credential_known:
            print(
                f"influxdb3-tokens audit: --revoke-orphans refused: the credential in use ({credential.source}) "
                f"is not listed once among the tokens of account {connection.account_id} / cluster "
                f"{connection.cluster_id}, so the audit cannot tell which token is its own; nothing was revoked.",
                file=sys.stderr,
            )
            return EXIT_ERROR
        revoked = [*orphans, *database_orphans] if args.yes else []
        orphans = _revoke(client, orphans, confirmed=args.yes, what="")
        if database is not None:
            database_orphans = _revoke(database.client, database_orphans, confirmed=args.yes, what="database token ")
        if revoked and args.format != "json":
            # The table above was printed before the revokes and advises them: its last word is what was done.
            print(f"\nRevoked {len(revoked)} orphans: {', '.join(printable(o) for o in revoked)}; none is left.")
    if orphans or database_orphans:
        return EXIT_ORPHANS
    return EXIT_MANDATORY_BROKEN if report.blocking else EXIT_OK


class _Revokes(Protocol):
    def revoke(self, token_id: str) -> bool: ...


class _DatabaseTokens:
    """The cluster's database tokens and databases, listed over the documented API and judged."""

    def __init__(self, connection: settings.Connection, config: PackConfig, states: Optional[StackStates]) -> None:
        self.client = database_token_client_for(connection)
        records = self.client.list()
        databases = database_client_for(connection).list()
        held = held_in(states, DATABASE_TOKEN) if states is not None else None
        # No database token is ever the credential in use: the Management API takes management tokens only.
        self.verdict: Optional[Orphans] = judge_orphans(records, held, None) if held is not None else None
        self.report: DatabaseTokensReport = audit_database_tokens(
            records,
            databases,
            config,
            connection.product,
            verdict=self.verdict,
            held=held,
            database_urns=named_urns(states, DATABASE, "name") if states is not None else None,
        )


def _revoke(client: _Revokes, orphans: list[str], confirmed: bool, what: str) -> list[str]:
    """Revoke the orphans with --yes; without it only say what would be revoked. The ones left. ``what``: the kind
    of token, as the messages name it ("" for management tokens)."""
    if not orphans:
        return orphans
    if not confirmed:
        plural = what.replace("token ", "tokens ")
        print(
            f"influxdb3-tokens audit: --revoke-orphans would revoke {plural}"
            f"{', '.join(printable(o) for o in orphans)}; nothing was revoked: add --yes to revoke them.",
            file=sys.stderr,
        )
        return orphans
    for token_id in orphans:
        client.revoke(token_id)
        print(f"influxdb3-tokens audit: revoked orphan {what}{printable(token_id)}.", file=sys.stderr)
    return []


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "audit" and args.revoke_orphans and not args.stack_state:
        parser.error("--revoke-orphans needs --stack-state: without a stack state nothing is an orphan")
    if args.command == "audit" and args.yes and not args.revoke_orphans:
        parser.error("--yes confirms --revoke-orphans; without --revoke-orphans there is nothing to confirm")
    if args.command == "policy-pack":
        return _run_policy_pack(args)
    if args.command == "profile":
        return profile.main(args)
    try:
        if args.command == "audit":
            return _run_audit(args)
    except InfluxDB3TokensError as err:
        print(f"influxdb3-tokens {args.command}: {printable(without_stack_config(str(err)))}", file=sys.stderr)
        return EXIT_ERROR
    return EXIT_ERROR  # pragma: no cover - argparse only accepts known commands


# The settings' "not configured" sentence offers the stack config first (settings/sources.py `missing`); the audit
# reads no stack config, so it names the environment variable (and the rest of the sentence) alone.
_STACK_CONFIG_HINT = re.compile(
    r"set it with `pulumi config set(?: --secret)? [\w:.-]+ \.\.\.`, the environment variable "
)


def without_stack_config(message: str) -> str:
    """A settings error as the audit's user can act on it: no advice to set stack config, which it never reads."""
    return _STACK_CONFIG_HINT.sub("set the environment variable ", message)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
