"""``python -m pulumi_openai_run.testing._driver.provider_host``: the dynamic-provider server
(``python -m pulumi.dynamic``) with the ``pulumi_openai_run`` logger's INFO lines (a run's progress) on
stderr, each line starting with :data:`LOG_PREFIX` so the driver can tell them from any other output."""

from __future__ import annotations

import logging
import runpy
import sys

LOG_PREFIX = "[pulumi_openai_run] "


def _log_to_stderr() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(LOG_PREFIX + "%(levelname)s %(message)s"))
    logger = logging.getLogger("pulumi_openai_run")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)


if __name__ == "__main__":
    _log_to_stderr()
    # as `python -m pulumi.dynamic`: its module is __main__ while it runs (the provider looks for its server there)
    runpy.run_module("pulumi.dynamic", run_name="__main__", alter_sys=True)
