"""A STAND-IN for the closed `influxctl` binary, for tests only. It is not influxctl.

It implements the surface the provider's influxctl transport uses, on top of the local
Management API server (provider/influxdb3_local_api), with the standard library only:

  influxctl [--config PATH] [--profile NAME] [--timeout DURATION] management create --format json
            [--description D] [--expires-at RFC3339]
  influxctl [--config PATH] [--profile NAME] [--timeout DURATION] management list --format json
  influxctl [--config PATH] [--profile NAME] [--timeout DURATION] management revoke --force ID [ID ...]
  influxctl [global flags] database create|list|update|delete|rename|undelete ...   (database.py)
  influxctl [global flags] table create|list|delete|rename|undelete ...             (table.py)
  influxctl [global flags] token create|list|get|update|revoke|delete ...           (token.py)
  influxctl version

Each module plays one command family; its docstring names the reference page of every flag it takes and the
release that brought it, and says where the docs are silent. Database, table and database-token commands
act through the local server's documented routes (Cloud Dedicated's paths, or Clustered's for a profile with
product = "clustered"); what influxctl lists and the documented HTTP API cannot read (tables, deleted
databases and tables, database ids) comes from the server's /inventory extension. A command a release does not
have answers as urfave/cli does ("No help topic for 'rename'", exit 3), a flag it does not define as for
--timeout before 2.9.7. The create faults of INFLUXCTL_STANDIN_FAULT below act on `database create`, `table
create` and `token create` as on `management create` (the colleague's concurrent create only on the latter).

Credentials come from a `[[profile]]` of config.toml (name, product, account_id, cluster_id,
mgmt_token), as real influxctl reads them (default ~/.config/influxctl/config.toml, profile
"default", or INFLUXCTL_PROFILE from 2.10.1). List output follows the documented JSON: snake_case
fields, timestamps as {"seconds": N, "nanos": N} with `nanos` left out when zero. Failures print
gRPC-style lines to stderr ("Error: rpc error: code = Unauthenticated desc = ...") and exit 1.

It behaves as one of several real releases (INFLUXCTL_STANDIN_RELEASE, default 2.12.0), following
the release notes where they say something and varying where the docs are silent:
  2.7.1   version text "influxctl v2.7.1 (linux/amd64)"; no --timeout flag (added in 2.9.7); unset
          expires_at printed as the epoch and revoked_at as null; empty description allowed;
          create prints the entry with the string under "token".
  2.9.6   version text "2.9.6 (linux/amd64)"; still no --timeout; unset fields left out;
          create prints the entry with the string under "access_token".
  2.10.5  version text "v2.10.5 linux/amd64 go1.24.5"; --timeout; an empty description is refused
          (2.10.0); INFLUXCTL_PROFILE read (2.10.1); create nests the entry:
          {"management_token": {...}, "token_string": "..."}.
  2.12.0  version text "influxctl 2.12.0 (2c9b4d7, 2025-12-09) linux/amd64"; create prints the entry
          as JSON, then the token string on a line of its own, with warnings on stderr (2.11.0 made
          create print the token after its table).
Revoking a token that is already revoked fails, with a different text per release (undocumented).

A profile without `mgmt_token` is a person's login through the identity provider, as influxctl does it:
the login is cached under ~/.cache/influxctl/ (0600) for about an hour and `influxctl auth login` renews
it; with no cached login, or an expired one, a command starts the device flow (RFC 8628: it prints a
verification address and a user code, then waits for the person to approve it in a browser). What the
cache holds is not documented; the stand-in keeps ~/.cache/influxctl/standin-login.json ({"access_token":
a token of the local server, "expires_at": Unix seconds}), which tests write as `auth login` would. The
prompt's wording and layout are not documented either; these follow RFC 8628's terms (verification URI,
user code), printed as INFLUXCTL_STANDIN_LOGIN_PROMPT says.

Stand-in-only environment variables (real influxctl knows none of them):
  INFLUXCTL_STANDIN_API_URL   base URL of the local server. Real influxctl talks to InfluxData's
                              management service, whose address is built in, so the URL cannot come
                              from the profile that the provider writes.
  INFLUXCTL_STANDIN_RELEASE   the release to behave as (above).
  INFLUXCTL_STANDIN_VERSION   what `influxctl version` prints, overriding the release's text.
  INFLUXCTL_STANDIN_FAULT     create-fail-before-mint: print a network error and exit 1, minting nothing;
                              create-dial-timeout, create-dns-failure, create-connection-refused,
                              create-tls-failure: print what influxctl (a gRPC-Go client) prints when the
                              connection is never made, and exit 1 without sending anything;
                              create-mint-then-fail: mint, then print a network error and exit 1;
                              create-mint-then-lost: mint, then print the read error of a connection
                              that broke after the request was sent, and exit 1;
                              create-mint-then-hang: mint, then hang until killed;
                              create-mint-then-garbage: mint, then print non-JSON and exit 0;
                              create-mint-no-token: mint, print the entry without the token string, exit 0;
                              hang-until-timeout: wait out --timeout, then report a deadline exceeded;
                              create-no-mint-deadline: `management create` mints nothing, waits out
                              --timeout and reports a deadline exceeded (a create lost on its way);
                              garbage: every command prints non-JSON instead of JSON, exit 0.
  INFLUXCTL_STANDIN_CONCURRENT_CREATE_TOKEN
                              a management token of another identity: `management create` first makes
                              the same token with it, as a colleague's create running at that moment
                              would (the list then shows it with that identity as created_by).
  INFLUXCTL_STANDIN_CONCURRENT_CREATE_DESCRIPTION
                              with the above: the colleague's create uses this description instead of
                              ours (a person types the description they know; a marker they cannot).
  INFLUXCTL_STANDIN_RECORD    a file to append one JSON line per run to: argv, the config file's
                              path, mode and whether it existed, as this process saw them, the
                              names of the environment variables it was given, and the id of the
                              process that started it (ppid: which provider process ran it).
  INFLUXCTL_STANDIN_LOGIN_WAIT_S
                              how long the stand-in's device-flow login waits for a person (below)
                              before it gives up (default 30).
  INFLUXCTL_STANDIN_LOGIN_PROMPT
                              how the device-flow prompt is printed: <stream>-<layout>, stream stderr
                              or stdout, layout one-line (the address and the code in one sentence) or
                              two-lines (the address alone on a line, the code two lines below it);
                              default stderr-one-line.
  INFLUXCTL_STANDIN_DELAY_MS  milliseconds every `management` run waits before doing anything: a cost
                              of a real run that this stand-in does not pay, the login check real
                              influxctl makes against InfluxData's service (bench/scaling).
                              `version` does not wait: it answers locally.
"""
