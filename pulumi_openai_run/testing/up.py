"""``python -m pulumi_openai_run.testing.up [PROJECT_DIR]``: a `pulumi up` of a stack, offline.

No Pulumi CLI and no OpenAI account needed: the program runs under ``pulumi.runtime.set_mocks``, every
dynamic resource (``Assistant``, ``Thread``, ``Message``, ``Run``) goes to the real dynamic-provider server
(``python -m pulumi.dynamic``) over gRPC (Check, then Create, as the engine would), and that server talks
HTTP to the fake Assistants API on 127.0.0.1. The fake starts empty: the program creates what it needs.
``PROJECT_DIR`` is the program's directory (``examples/quickstart``, the default, or ``examples/multi_run``);
program config with ``--config key=value``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .engine import ProviderServer, Secret
from .fake import FakeOpenAI
from .mocks import ProviderServerMocks, run_program
from .script import RunScript


def _project_name(project_dir: Path) -> str:
    pulumi_yaml = project_dir / "Pulumi.yaml"
    if not pulumi_yaml.exists():
        pulumi_yaml = Path.cwd() / "Pulumi.yaml"
    for line in pulumi_yaml.read_text().splitlines() if pulumi_yaml.exists() else []:
        if line.startswith("name:"):
            return line.split(":", 1)[1].strip()
    return "project"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pulumi_openai_run.testing.up", description=__doc__)
    parser.add_argument("project_dir", nargs="?", default="examples/quickstart",
                        help="the program's directory (default: examples/quickstart; or examples/multi_run)")
    parser.add_argument("--config", action="append", default=[], metavar="KEY=VALUE",
                        help="program config, e.g. completionWindow=60 (repeatable)")
    parser.add_argument("--run-seconds", type=float, default=1.0, help="how long each fake run takes")
    parser.add_argument("--outcome", default="completed",
                        choices=["completed", "failed", "expired", "incomplete", "requires_action"])
    args = parser.parse_args(argv)

    project_dir = Path(args.project_dir)
    project = _project_name(project_dir)
    config = dict(item.split("=", 1) for item in args.config)
    with FakeOpenAI(clock="real") as fake:
        fake.default_script = RunScript(outcome=args.outcome, queued_for=0.1, duration=args.run_seconds,
                                        reply="Hello from the fake assistant (offline up).")
        stack_config = {"openai:apiKey": Secret(fake.api_key), "openai:baseUrl": fake.base_url}
        print(f"Fake OpenAI API at {fake.base_url}; program {project_dir} (project {project})")
        with ProviderServer(stack_config, project=project, env={"OPENAI_API_KEY": ""}) as server:
            mocks = ProviderServerMocks(server)
            try:
                exports = run_program(project_dir, mocks, project=project, config=config)
            except Exception as error:  # what `pulumi up` would print, without the traceback noise
                print(f"error: {error}", file=sys.stderr)
                return 1
        for registration in mocks.registrations:
            print(f"  + {registration.type} {registration.name} {registration.operation}d ({registration.id})")
        print(f"Outputs:\n{json.dumps(dict(exports), indent=2, sort_keys=True, default=str)}")
        print(f"API requests: {len(fake.requests)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
