"""`python -m influxdb3_local_api`: same as the `influxdb3-local-api` command."""

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
