"""What every command of the stand-in shares: the release it plays, the profile and login, the server's
routes, failures as influxctl prints them, and JSON output."""

from __future__ import annotations

import json
import os
import stat
import sys
import time
import tomllib
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, NoReturn
from urllib.parse import quote, urlsplit

RELEASES = {
    (2, 7, 1): "influxctl v2.7.1 (linux/amd64)",
    (2, 9, 6): "2.9.6 (linux/amd64)",
    (2, 10, 5): "v2.10.5 linux/amd64 go1.24.5",
    (2, 12, 0): "influxctl 2.12.0 (2c9b4d7, 2025-12-09) linux/amd64",
}
ALREADY_REVOKED = {
    (2, 7, 1): "Error: rpc error: code = FailedPrecondition desc = management token is already revoked",
    (2, 9, 6): "Error: failed to revoke management token {id}: token already revoked",
    (2, 10, 5): "Error: 1 of 1 management tokens could not be revoked: {id}: revoked",
    (2, 12, 0): "Error: rpc error: code = InvalidArgument desc = token {id} has been revoked",
}
DEFAULT_CONFIG = Path("~/.config/influxctl/config.toml").expanduser()


def release() -> tuple[int, int, int]:
    text = os.environ.get("INFLUXCTL_STANDIN_RELEASE", "2.12.0")
    parsed = tuple(int(part) for part in text.split("."))
    if parsed not in RELEASES:
        print(
            f"stand-in: INFLUXCTL_STANDIN_RELEASE must be one of {', '.join('.'.join(map(str, r)) for r in RELEASES)}",
            file=sys.stderr,
        )
        sys.exit(2)
    return parsed  # type: ignore[return-value]


# What a gRPC-Go client such as influxctl prints when the connection to the service is never made
# (grpc-go's "connection error: desc = \"transport: Error while dialing: ...\"" and the Go net/tls
# errors inside it): nothing was sent. Host and addresses are made up.
NEVER_SENT = {
    "create-dial-timeout": 'connection error: desc = "transport: Error while dialing: dial tcp 34.102.13.7:443: '
    'i/o timeout"',
    "create-dns-failure": 'connection error: desc = "transport: Error while dialing: dial tcp: lookup '
    'console.influxdata.com on 127.0.0.53:53: no such host"',
    "create-connection-refused": 'connection error: desc = "transport: Error while dialing: dial tcp '
    '34.102.13.7:443: connect: connection refused"',
    "create-tls-failure": 'connection error: desc = "transport: authentication handshake failed: tls: failed to '
    'verify certificate: x509: certificate signed by unknown authority"',
}
# A connection that broke after the request went out: the server may have done it.
LOST_AFTER_SEND = "error reading from server: read tcp 10.0.0.2:51234->34.102.13.7:443: read: connection reset by peer"

GRPC_CODES = {
    400: "InvalidArgument",
    401: "Unauthenticated",
    403: "PermissionDenied",
    404: "NotFound",
    409: "AlreadyExists",
    422: "InvalidArgument",
    429: "ResourceExhausted",
}


def fail(code: str, desc: str) -> NoReturn:
    print(f"Error: rpc error: code = {code} desc = {desc}", file=sys.stderr)
    sys.exit(1)


def record(argv: list[str], config: Path) -> None:
    target = os.environ.get("INFLUXCTL_STANDIN_RECORD")
    if not target:
        return
    exists = config.is_file()
    entry = {
        "argv": argv,
        "config": str(config),
        "config_exists": exists,
        "config_mode": oct(stat.S_IMODE(config.stat().st_mode)) if exists else None,
        "env": sorted(os.environ),
        "ppid": os.getppid(),
    }
    with open(target, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry) + "\n")


def load_profile(config: Path, name: str) -> dict[str, Any]:
    try:
        document = tomllib.loads(config.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as err:
        print(f"Error: cannot read configuration file {config}: {type(err).__name__}", file=sys.stderr)
        sys.exit(1)
    for profile in document.get("profile", []):
        if profile.get("name") == name:
            return dict(profile)
    print(f"Error: no profile named {name!r} in {config}", file=sys.stderr)
    sys.exit(1)


LOGIN_CACHE = Path("~/.cache/influxctl/standin-login.json").expanduser()


def logged_in(profile: dict[str, Any]) -> dict[str, Any]:
    """A profile without mgmt_token acts with the person's cached login, or starts the device flow and waits."""
    if profile.get("mgmt_token"):
        return profile
    try:
        login = json.loads(LOGIN_CACHE.read_text(encoding="utf-8"))
        if float(login["expires_at"]) > time.time():
            return {**profile, "mgmt_token": login["access_token"]}
    except (OSError, ValueError, KeyError, TypeError):
        pass
    stream, layout = (os.environ.get("INFLUXCTL_STANDIN_LOGIN_PROMPT") or "stderr-one-line").split("-", 1)
    prompt = {
        "one-line": [
            "To log in, open https://auth.influxdata.invalid/activate in a browser and enter the user code BDWP-HQPK."
        ],
        # RFC 8628's two parts apart: the verification URI on one line, the user code further down.
        "two-lines": [
            "Open this address in a browser:",
            "    https://auth.influxdata.invalid/verify",
            "",
            "and enter the user code BDWP-HQPK there.",
        ],
    }[layout]
    for line in prompt:
        print(line, file=sys.stdout if stream == "stdout" else sys.stderr, flush=True)
    time.sleep(float(os.environ.get("INFLUXCTL_STANDIN_LOGIN_WAIT_S") or 30))
    fail("Unauthenticated", "timed out waiting for the device authorization")


def server_url() -> str:
    base = os.environ.get("INFLUXCTL_STANDIN_API_URL", "").rstrip("/")
    if not base:
        print("Error: INFLUXCTL_STANDIN_API_URL is not set (the stand-in needs the local server)", file=sys.stderr)
        sys.exit(2)
    return base


def cluster_path(profile: dict[str, Any]) -> str:
    return f"/api/v0/accounts/{quote(str(profile.get('account_id', '')), safe='')}/clusters/" + quote(
        str(profile.get("cluster_id", "")), safe=""
    )


def call(profile: dict[str, Any], method: str, suffix: str = "", body: dict[str, Any] | None = None) -> Any:
    """Management tokens: the local server's extension, always under the account and cluster."""
    return send(profile, method, f"{cluster_path(profile)}/managementTokens{suffix}", body)


def documented(profile: dict[str, Any], method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    """One call of the documented Management API (or the server's /inventory beside it), at the prefix of the
    profile's product: Cloud Dedicated's paths name the account and cluster, Clustered's do not."""
    prefix = "/api/v0" if profile.get("product") == "clustered" else cluster_path(profile)
    return send(profile, method, prefix + path, body)


def name_in_path(name: str) -> str:
    return quote(name, safe="")


def send(profile: dict[str, Any], method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    """One request on a connection of its own, in HTTP/1.0 (the server answers without chunks and closes), over a
    plain socket: urllib.request's imports (http.client, email, ssl) were ~30 ms of every run, and the suite runs the
    stand-in hundreds of times. As influxctl reports it: a connection that was never made (or whose request did not
    go out) is a dial error; once the request went out, a lost or cut answer is "error reading from server"."""
    import socket

    base = server_url()
    url = urlsplit(base)
    if url.scheme != "http" or not url.hostname:
        print(f"Error: the stand-in speaks plain HTTP to the local server, not {base}", file=sys.stderr)
        sys.exit(2)
    data = b"" if body is None else json.dumps(body).encode()
    head = (
        f"{method} {url.path}{path} HTTP/1.0\r\nHost: {url.netloc}\r\nAccept: */*\r\n"
        f"Authorization: Bearer {profile.get('mgmt_token', '')}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(data)}\r\n\r\n"
    )
    try:
        connection = socket.create_connection((url.hostname, url.port or 80), timeout=30)
        connection.sendall(head.encode("latin-1") + data)
    except OSError as err:
        fail(
            "Unavailable",
            f'connection error: desc = "transport: Error while dialing: dial tcp {url.netloc}: {err}"',
        )
    try:
        with connection:
            status, answer = _answer(connection)
    except OSError as err:  # the request went out; the answer did not come back
        fail("Unavailable", f"error reading from server: {err}")
    if 200 <= status < 300:
        return json.loads(answer) if answer else None
    try:
        message = json.loads(answer).get("message", "")
    except (ValueError, AttributeError):
        message = ""
    fail(GRPC_CODES.get(status, "Unavailable" if status >= 500 else "Unknown"), message or f"HTTP {status}")


def _answer(connection: Any) -> tuple[int, bytes]:
    """The status and body of the answer on ``connection``, read to its end; OSError when it is cut short."""
    chunks = []
    while chunk := connection.recv(65536):
        chunks.append(chunk)
    raw = b"".join(chunks)
    head, found, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if not found or len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
        raise ConnectionResetError("Remote end closed connection without response")
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length" and len(body) < int(value.strip()):
            raise ConnectionResetError(f"the answer ended after {len(body)} of its {value.strip()} bytes")
    return int(parts[1]), body


def proto_time(text: str | None) -> dict[str, int] | None:
    if text is None:
        return None
    moment = datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)
    seconds = int(moment.timestamp())
    nanos = moment.microsecond * 1000
    return {"seconds": seconds, "nanos": nanos} if nanos else {"seconds": seconds}


def entry(token: dict[str, Any]) -> dict[str, Any]:
    """One token as `management list --format json` prints it: unset fields left out, or (2.7) zero/null."""
    old = release() < (2, 9, 0)
    out: dict[str, Any] = {"id": token["id"], "account_id": token["accountId"], "token_prefix": token["tokenPrefix"]}
    for field, key in (("expires_at", "expiresAt"), ("revoked_at", "revokedAt"), ("created_at", "createdAt")):
        if token.get(key):
            out[field] = proto_time(token[key])
        elif old:
            out[field] = {"seconds": 0} if field == "expires_at" else None
    if token.get("description") or old:
        out["description"] = token.get("description") or ""
    out["created_by"] = token["createdBy"]
    return out


def emit(document: Any, garbage: bool = False) -> None:
    if garbage or os.environ.get("INFLUXCTL_STANDIN_FAULT") == "garbage":
        print("+----+ not json +----+")
        return
    print(json.dumps(document, indent=2))


def wait_out_timeout(timeout: str | None) -> None:
    """Like influxctl, give up on an unanswered call when --timeout (a Go duration) runs out."""
    if timeout is None:
        time.sleep(3600)
    units = {"ms": 0.001, "s": 1.0, "m": 60.0}
    number, unit = next((timeout[: -len(u)], u) for u in ("ms", "s", "m") if timeout.endswith(u))
    time.sleep(float(number) * units[unit])
    fail("DeadlineExceeded", "context deadline exceeded")


def unknown_command(path: str, name: str) -> NoReturn:
    """A command this release does not have. What influxctl prints is not documented; influxctl is built on
    urfave/cli v2 (its release notes list the dependency), which answers an unknown subcommand so."""
    print(f"No help topic for '{name}'", file=sys.stderr)
    print(f"(influxctl {path}: not in release {'.'.join(map(str, release()))})", file=sys.stderr)
    sys.exit(3)


def refuse_flag(flag: str) -> NoReturn:
    """A flag this release does not define: urfave/cli's own words, as for --timeout before 2.9.7."""
    print(f"Incorrect Usage: flag provided but not defined: -{flag}", file=sys.stderr)
    sys.exit(1)


def faults_before_create(timeout: str | None, meanwhile: Callable[[], None] = lambda: None) -> None:
    """INFLUXCTL_STANDIN_FAULT's create faults that act before anything is made (see the package docstring);
    ``meanwhile`` runs once the request would be on its way (a colleague's concurrent create)."""
    fault = os.environ.get("INFLUXCTL_STANDIN_FAULT", "")
    if fault == "hang-until-timeout":
        wait_out_timeout(timeout)
    if fault == "create-fail-before-mint":
        fail("Unavailable", "connection reset by peer")
    if fault in NEVER_SENT:
        fail("Unavailable", NEVER_SENT[fault])
    meanwhile()
    if fault == "create-no-mint-deadline":
        wait_out_timeout(timeout)


def faults_after_create() -> bool:
    """The create faults that act once it is made; True when the answer is then printed as garbage."""
    fault = os.environ.get("INFLUXCTL_STANDIN_FAULT", "")
    if fault == "create-mint-then-fail":
        fail("Unavailable", "connection reset by peer")
    if fault == "create-mint-then-lost":
        fail("Unavailable", LOST_AFTER_SEND)
    if fault == "create-mint-then-hang":
        time.sleep(3600)
    return fault == "create-mint-then-garbage"


def template_flags(parser: Any) -> None:
    """The partition template flags of `database create` and `table create` (their reference pages)."""
    parser.add_argument("--template-tag", action="append", default=[])
    parser.add_argument("--template-tag-bucket", action="append", default=[])
    parser.add_argument("--template-timeformat")


def partition_template(args: Any) -> list[dict[str, Any]] | None:
    """The flags as the API's template: tag parts, then bucket parts ("tag1,100"), then the time part.

    The order of parts is not documented; 2.10.3 "Require[s] the `--template-timeformat` option when the
    `--template-tags` option is included" (release notes), and before it a template without a time format got
    the documented default `%Y-%m-%d`."""
    parts: list[dict[str, Any]] = [{"type": "tag", "value": tag} for tag in args.template_tag]
    for text in args.template_tag_bucket:
        tag, _, count = text.rpartition(",")
        if not tag or not count.isdigit():
            fail("InvalidArgument", f"--template-tag-bucket must be TAG,NUMBER, got {text!r}")
        parts.append({"type": "bucket", "value": {"tagName": tag, "numberOfBuckets": int(count)}})
    if not parts and not args.template_timeformat:
        return None
    if parts and not args.template_timeformat and release() >= (2, 10, 3):
        print("Error: --template-timeformat is required when --template-tag is given", file=sys.stderr)
        sys.exit(1)
    parts.append({"type": "time", "value": args.template_timeformat or "%Y-%m-%d"})
    return parts


def print_created(listed: dict[str, Any], secret: str, nested_as: str) -> None:
    """What `management create` and `token create` print with `--format json`. Before 2.11.0 the docs are silent
    (so it differs per release here); 2.11.0 made both "include table output as well as the token string"
    (release notes), which with JSON is the entry, then the string on a line of its own, warnings on stderr."""
    version = release()
    if version < (2, 9, 0):
        emit({**listed, "token": secret})
    elif version < (2, 10, 0):
        emit({**listed, "access_token": secret})
    elif version < (2, 11, 0):
        emit({nested_as: listed, "token_string": secret})
    else:
        emit(listed)
        print("warn\tplease copy the token and store in a safe place", file=sys.stderr)
        print("warn\tthis is the *only time* you will see the token", file=sys.stderr)
        print(secret)
