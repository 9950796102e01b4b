"""`influxdb3-local-api`: run the local Management API server.

Stdout protocol (for scripts and tests): on the first start of a data directory one line
`influxdb3-local-api: bootstrap credentials written to <path>` (plus the generated token,
once, when none was given); then, on every start, once the server accepts connections:
`influxdb3-local-api listening on http://HOST:PORT`.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import uuid
from collections.abc import Sequence
from pathlib import Path

import uvicorn

from .app import create_app
from .bootstrap import BootstrapError, BootstrapOptions, BootstrapResult, bootstrap
from .documented import DEDICATED, PRODUCTS
from .faults import GARBAGE_MODES, FaultConfig
from .settings import Settings
from .store import Store
from .tokens import DEFAULT_HASH_COST, MAX_HASH_COST

PROG = "influxdb3-local-api"
ADMIN_TOKEN_ENV = "INFLUXDB3_LOCAL_ADMIN_TOKEN"


def _uuid(text: str) -> str:
    try:
        return str(uuid.UUID(text))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a UUID: {text!r}") from None


def _account_cluster(text: str) -> tuple[str, str]:
    account, sep, cluster = text.partition(":")
    if not sep:
        raise argparse.ArgumentTypeError("expected ACCOUNT_ID:CLUSTER_ID")
    return _uuid(account), _uuid(cluster)


def _fraction(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError("must be between 0 and 1")
    return value


def _non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be >= 0")
    return value


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be >= 1")
    return value


def _hash_cost(text: str) -> int:
    value = int(text)
    if value < 2 or value > MAX_HASH_COST or value & (value - 1):
        raise argparse.ArgumentTypeError(f"must be a power of two from 2 to {MAX_HASH_COST}")
    return value


def _non_negative_float(text: str) -> float:
    value = float(text)
    if not value >= 0:
        raise argparse.ArgumentTypeError("must be >= 0")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError("must be > 0")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Local stand-in for InfluxData's documented InfluxDB 3 Management API (databases, tables, "
        "database tokens; Cloud Dedicated or Clustered paths), /api/v2/write, and management tokens over HTTP "
        "(our extension).",
    )
    add = parser.add_argument
    add("--host", default="127.0.0.1", metavar="HOST", help="interface to listen on (default: 127.0.0.1)")
    add(
        "--port",
        type=_non_negative_int,
        default=8181,
        metavar="PORT",
        help="port to listen on; 0 picks a free one (default: 8181)",
    )
    add(
        "--data-dir",
        type=Path,
        default=Path(".influxdb3-local"),
        metavar="DIR",
        help="directory for management.db and bootstrap.json (default: .influxdb3-local)",
    )
    add("--account-id", type=_uuid, metavar="UUID", help="account id to bootstrap (default: random UUID)")
    add("--cluster-id", type=_uuid, metavar="UUID", help="cluster id to bootstrap (default: random UUID)")
    given = parser.add_mutually_exclusive_group()
    given.add_argument(
        "--admin-token-file",
        type=Path,
        metavar="FILE",
        help="read the bootstrap admin management token from FILE (at least 24 characters; default: "
        f"${ADMIN_TOKEN_ENV}, else generated); on later starts an unknown value is added as another admin token",
    )
    given.add_argument(
        "--admin-token",
        metavar="TOKEN",
        help="the admin token itself; avoid it: any local user can read argv (ps). Prefer --admin-token-file "
        f"or ${ADMIN_TOKEN_ENV}",
    )
    add(
        "--extra-account",
        type=_account_cluster,
        action="append",
        default=[],
        metavar="ACCOUNT_ID:CLUSTER_ID",
        help="also create this account and cluster, without tokens (repeatable; for testing 403 responses)",
    )
    add("--latency-ms", type=_non_negative_int, default=0, metavar="N", help="delay every /api/v0 response by N ms")
    add(
        "--fail-rate",
        type=_fraction,
        default=0.0,
        metavar="P",
        help="answer a share P (0..1) of /api/v0 requests with 503, before any handler runs",
    )
    add(
        "--rate-limit-per-s",
        type=_positive_float,
        metavar="N",
        help="allow N /api/v0 requests per second across all clients; excess gets 429 with Retry-After",
    )
    add("--seed", type=int, metavar="N", help="seed for --fail-rate and --garbage-rate, for reproducible faults")
    add(
        "--garbage",
        choices=GARBAGE_MODES,
        metavar="MODE",
        help="answer /api/v0 requests with junk: 'html' (an HTML 500 page, no handler runs), 'truncated-json' "
        "(the real answer cut in half) or 'wrong-content-type' (the real answer as text/plain); the last two "
        "run the handler, so a create commits and its answer is lost",
    )
    add(
        "--garbage-rate",
        type=_fraction,
        default=1.0,
        metavar="P",
        help="share P (0..1) of /api/v0 requests that --garbage mangles (default: 1.0)",
    )
    add(
        "--token-hash-cost",
        type=_hash_cost,
        default=DEFAULT_HASH_COST,
        metavar="N",
        help=f"scrypt cost N of the hashes of tokens stored from now on (a power of two, 2 to {MAX_HASH_COST}; "
        f"default {DEFAULT_HASH_COST}); lower makes each create and each token's first authentication cheaper, "
        "and a copied management.db cheaper to attack: for test suites that start many servers. Tokens stored "
        "before keep the cost they were stored with",
    )
    add(
        "--product",
        choices=PRODUCTS,
        default=DEDICATED,
        help="whose documented Management API paths to serve: 'dedicated' (Cloud Dedicated, under "
        "/api/v0/accounts/ACCOUNT_ID/clusters/CLUSTER_ID/; the default) or 'clustered' (InfluxDB Clustered, "
        "under /api/v0/, acting on the cluster of the caller's management token)",
    )
    add(
        "--database-token-activation-delay",
        type=_non_negative_float,
        default=0.0,
        metavar="SECONDS",
        help="a new database token answers 401 on writes until SECONDS after its creation (whole seconds, up to "
        "one more), as InfluxData warns new tokens may take 'from a few seconds to a few minutes' to work "
        "(default: 0)",
    )
    add(
        "--crash-after-creates",
        type=_positive_int,
        metavar="N",
        help="exit at once (as kill -9 would) right after the N-th create is stored, before it is answered",
    )
    return parser


def bind_socket(host: str, port: int) -> socket.socket:
    """Bind before starting uvicorn, so `--port 0` yields a known, already reserved port.

    The protocol must be IPPROTO_TCP, not the default 0: asyncio turns Nagle off (TCP_NODELAY)
    only on accepted sockets whose `proto` says TCP, and they inherit it from this one. With 0,
    every response stalled ~40 ms on Nagle + the client's delayed ACK (see bench/RESULTS.md).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def api_url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


class _AnnouncingServer(uvicorn.Server):
    """Prints the "listening on" line once the server accepts connections."""

    def __init__(self, config: uvicorn.Config, url: str) -> None:
        super().__init__(config)
        self._url = url

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started and not self.should_exit:
            print(f"{PROG} listening on {self._url}", flush=True)


def _announce_bootstrap(result: BootstrapResult) -> None:
    if not result.first_start:
        return
    print(f"{PROG}: bootstrap credentials written to {result.path}", flush=True)
    if result.generated_token is not None:
        # The token itself is never printed: stdout ends up in logs. bootstrap.json (0600) holds it.
        print(f"{PROG}: generated a bootstrap admin management token; read it from {result.path}", flush=True)


def _admin_token(args: argparse.Namespace) -> str | None:
    """The admin token from --admin-token-file, --admin-token or the environment, in that order."""
    if args.admin_token_file is not None:
        try:
            return str(args.admin_token_file.read_text(encoding="utf-8").strip()) or None
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
            raise BootstrapError(f"cannot read --admin-token-file {args.admin_token_file}: {reason}") from None
    return args.admin_token or os.environ.get(ADMIN_TOKEN_ENV, "").strip() or None


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        admin_token = _admin_token(args)
    except BootstrapError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    data_dir: Path = args.data_dir.resolve()
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        sock = bind_socket(args.host, args.port)
    except OSError as exc:
        print(f"{PROG}: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    url = api_url(args.host, sock.getsockname()[1])
    options = BootstrapOptions(args.account_id, args.cluster_id, admin_token, tuple(args.extra_account))
    store = Store(data_dir, args.token_hash_cost)
    try:
        result = bootstrap(store, data_dir, url, options)
    except BootstrapError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        sock.close()
        return 2
    finally:
        store.close()
    _announce_bootstrap(result)
    faults = FaultConfig(
        args.latency_ms,
        args.fail_rate,
        args.rate_limit_per_s,
        args.seed,
        garbage=args.garbage,
        garbage_rate=args.garbage_rate,
        crash_after_creates=args.crash_after_creates,
    )
    settings = Settings(
        data_dir=data_dir,
        faults=faults,
        token_hash_cost=args.token_hash_cost,
        product=args.product,
        database_token_activation_delay_s=args.database_token_activation_delay,
    )
    app = create_app(settings)
    config = uvicorn.Config(app, host=args.host, port=sock.getsockname()[1], log_level="warning", access_log=False)
    _AnnouncingServer(config, url).run(sockets=[sock])
    return 0
