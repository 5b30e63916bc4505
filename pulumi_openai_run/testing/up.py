"""``python -m pulumi_openai_run.testing.up [PROJECT_DIR]``: a `pulumi up` of a stack, offline.

No Pulumi CLI and no OpenAI account needed: the program runs under ``pulumi.runtime.set_mocks``, every
dynamic resource (``Assistant``, ``Thread``, ``Message``, ``Run``) goes to the real dynamic-provider server
(``python -m pulumi.dynamic``) over gRPC (Check, then Create, as the engine would), and that server talks
HTTP to the fake OpenAI API on 127.0.0.1. The fake starts empty: the program creates what it needs.
``--api`` sets stack config ``openai:api``: the API of the resources whose ids do not say (default
``responses``, today's OpenAI; ``assistants`` for an Assistants-v2-compatible server).
``PROJECT_DIR`` is the program's directory (``examples/quickstart``, the default, ``examples/multi_run`` or
``examples/ask``);
program config with ``--config key=value``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from pulumi_openai_run._runs.journal import JOURNAL_ENV

from . import FakeOpenAI, ProviderServer, ProviderServerMocks, RunScript, Secret, run_program


def _yaml_value(pulumi_yaml: Path, key: str) -> str | None:
    """A top-level ``key: value`` of a Pulumi.yaml (enough for ``name`` and ``main``)."""
    for line in pulumi_yaml.read_text().splitlines():
        if line.startswith(f"{key}:"):
            return line.split(":", 1)[1].strip().strip("'\"") or None
    return None


def _program(project: Path) -> tuple[Path, str]:
    """The program's directory and the project's name, the way the Pulumi CLI finds them: the project
    directory's Pulumi.yaml names the project and, with ``main:``, where the program is."""
    pulumi_yaml = project / "Pulumi.yaml"
    if not pulumi_yaml.exists():
        return project, "project"
    main = _yaml_value(pulumi_yaml, "main")
    return (project / main if main else project), _yaml_value(pulumi_yaml, "name") or "project"


def _config(items: list[str], parser: argparse.ArgumentParser) -> dict[str, str]:
    config = {}
    for item in items:
        key, equals, value = item.partition("=")
        if not equals or not key:
            parser.error(f"--config takes KEY=VALUE, got {item!r}")
        config[key] = value
    return config


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pulumi_openai_run.testing.up", description=__doc__)
    parser.add_argument("project_dir", nargs="?", default=".",
                        help="the project's directory, with its Pulumi.yaml (default: the current directory, "
                             "whose Pulumi.yaml runs examples/quickstart; or examples/multi_run, examples/ask)")
    parser.add_argument("--config", action="append", default=[], metavar="KEY=VALUE",
                        help="program config, e.g. completionWindow=60 (repeatable)")
    parser.add_argument("--api", choices=["responses", "assistants"], default="responses",
                        help="stack config openai:api: the API of resources whose ids do not say (default: responses)")
    parser.add_argument("--run-seconds", type=float, default=1.0, help="how long each fake run takes")
    parser.add_argument("--outcome", default="completed",
                        choices=["completed", "failed", "expired", "incomplete", "requires_action"],
                        help="how every fake run ends (default: completed)")
    args = parser.parse_args(argv)

    project_dir, project = _program(Path(args.project_dir))
    config = _config(args.config, parser)
    # the fake's runs do not outlive this process: keep their create journal out of the user's home
    with tempfile.TemporaryDirectory(prefix="openai-run-journal-") as journal, FakeOpenAI(clock="real") as fake:
        fake.default_script = RunScript(outcome=args.outcome, queued_for=0.1, duration=args.run_seconds,
                                        reply="Hello from the fake assistant (offline up).")
        stack_config = {"openai:apiKey": Secret(fake.api_key), "openai:baseUrl": fake.base_url,
                        "openai:api": args.api}
        print(f"Fake OpenAI API at {fake.base_url}; program {project_dir} (project {project})")
        with ProviderServer(stack_config, project=project, env={"OPENAI_API_KEY": "", JOURNAL_ENV: journal}) as server:
            mocks = ProviderServerMocks(server)
            try:
                exports = run_program(project_dir, mocks, project=project, config=config)
            except Exception as error:  # what `pulumi up` would print, without the traceback noise
                _print_done(mocks)
                print(f"error: {error}", file=sys.stderr)
                return 1
        _print_done(mocks)
        print(f"Outputs:\n{json.dumps(dict(exports), indent=2, sort_keys=True, default=str)}")
        print(f"API requests: {len(fake.requests)}")
    return 0


_DONE = {"create": "created", "read": "read", "preview": "previewed", "mock": "mocked"}


def _print_done(mocks: ProviderServerMocks) -> None:
    for registration in mocks.registrations:
        done = _DONE.get(registration.operation, registration.operation)
        print(f"  + {registration.type} {registration.name} {done} ({registration.id})")


if __name__ == "__main__":
    sys.exit(main())
