"""A STAND-IN for the closed `influxctl` binary, for tests only; see influxctl_standin/__init__.py. Started by the
``influxctl`` script beside it."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from influxctl_standin.cli import main

if __name__ == "__main__":
    main(sys.argv[1:])
