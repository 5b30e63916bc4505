"""``python -m pulumi_openai_run.testing.up [preview|up|refresh|destroy] [PROJECT_DIR]``: a stack's lifecycle,
offline (see ``pulumi_openai_run.testing._driver.cli``; no subcommand is ``up``)."""

from __future__ import annotations

import sys

from ._driver.cli import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
