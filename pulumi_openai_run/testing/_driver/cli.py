"""``python -m pulumi_openai_run.testing.up [preview|up|refresh|destroy] [PROJECT_DIR]``: a stack's lifecycle,
offline.

No Pulumi CLI and no OpenAI account needed: the program runs under ``pulumi.runtime.set_mocks``, every
dynamic resource (``Assistant``, ``Thread``, ``Message``, ``Run``) goes to the real dynamic-provider server
(``python -m pulumi.dynamic``) over gRPC as the engine would send it (Check, Diff, then Create, Update,
a replacement or Delete), and that server talks HTTP to a fake OpenAI API on 127.0.0.1 (or, with
``--base-url``, to the server named). The stack's state, and the fake's objects, are kept in JSON files
(``PROJECT_DIR/.pulumi-offline/<stack>.json``), so a second ``up`` after an edit shows and applies the
difference. A test and try-out tool for this provider, not a Pulumi replacement.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from types import FrameType
from typing import Any, Literal, TextIO

from pulumi_openai_run._runs.journal import JOURNAL_ENV

from .._engine.calls import ProviderError, ProviderServer
from .._engine.mocks import CheckFailedError, ResourceFailedError, run_program
from .._fake.fake import FakeOpenAI
from .._fake.script import OUTCOMES, RunScript
from . import engine, plan, render
from .config import ConfigError, Project, StackConfig, load_project, load_stack_config
from .provider_host import LOG_PREFIX
from .state import ResourceState, StackState, load, save, side, unmasked_by_secrets, write_json

COMMANDS = ("preview", "up", "refresh", "destroy")
HEADERS = {"preview": "Previewing update", "up": "Updating", "refresh": "Refreshing", "destroy": "Destroying"}
FAKE_REPLY = "Hello from the fake assistant (offline up)."
INTERRUPTED_EXIT = 130


class Printer:
    """Every line the driver prints, masked, one at a time (steps report from the SDK's threads)."""

    def __init__(self, config: StackConfig, out: TextIO, err: TextIO) -> None:
        self.config = config
        self.out, self.err = out, err
        self._lock = threading.Lock()

    def line(self, text: str = "", *, error: bool = False) -> None:
        stream = self.err if error else self.out
        with self._lock:
            print(self.config.masked(text), file=stream, flush=True)


class StepReporter:
    """Prints each step as it starts and ends, and the provider's progress lines (a :class:`engine.Reporter`)."""

    def __init__(self, printer: Printer, preview: bool) -> None:
        self.printer = printer
        self.preview = preview
        self._in_flight: dict[int, plan.Step] = {}
        self._lock = threading.Lock()

    def started(self, step: plan.Step) -> None:
        with self._lock:
            self._in_flight[id(step)] = step
        if not self.preview and step.op != "same":
            self.printer.line(render.step_line(step.op, step.type, step.name, "doing", original=step.original) + "...")

    def finished(self, step: plan.Step, seconds: float) -> None:
        with self._lock:
            self._in_flight.pop(id(step), None)
        if step.op == "same":
            return
        keys = render.changed_keys(step.olds, step.news) if step.op in ("update", "replace", "refresh") else []
        if step.error is not None:
            self.printer.line(render.step_line(step.op, step.type, step.name, "doing", seconds,
                                               original=step.original) + f" failed error: {step.error}")
            return
        phase: Literal["planned", "done"] = "planned" if self.preview else "done"
        self.printer.line(render.step_line(step.op, step.type, step.name, phase, None if self.preview else seconds,
                                           render.diff_tag(keys), original=step.original))
        for line in render.diff_lines(step.olds, step.news, step.replaces, indent=6) if keys else []:
            self.printer.line(line)

    def provider_line(self, text: str) -> None:
        """A line of the provider server's stderr: its log lines are shown, anything else stays in its log."""
        if text.startswith(LOG_PREFIX):
            level, _, message = text[len(LOG_PREFIX):].partition(" ")
            with self._lock:
                steps = list(self._in_flight.values())
            step = render.owner(message, steps)
            who = f"{step.type} {step.name} " if step is not None else ""
            self.printer.line(f" {render.SYMBOL[step.op] if step else '  '} {who}{level.lower()}: {message}")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pulumi_openai_run.testing.up", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        usage="%(prog)s [preview|up|refresh|destroy] [PROJECT_DIR] [options]")
    parser.add_argument("project_dir", nargs="?", default=".", metavar="PROJECT_DIR",
                        help="the project's directory, holding its Pulumi.yaml (default: the current directory)")
    parser.add_argument("--stack", default="dev", help="the stack (default: dev): its Pulumi.<stack>.yaml and state")
    parser.add_argument("--state-dir", type=Path, default=None,
                        help="where the stack's state is kept (default: PROJECT_DIR/.pulumi-offline)")
    parser.add_argument("--config", action="append", default=[], metavar="KEY=VALUE",
                        help="stack config, e.g. completionWindow=60 or openai:api=assistants (repeatable)")
    parser.add_argument("--secret", action="append", default=[], metavar="KEY=VALUE",
                        help="secret stack config, masked as [secret] in all output and state (repeatable)")
    parser.add_argument("--base-url", default=None, metavar="URL",
                        help="use the OpenAI-compatible server at URL instead of the embedded fake (its key: "
                             "--secret openai:apiKey=..., Pulumi.<stack>.yaml or OPENAI_API_KEY)")
    parser.add_argument("--api", choices=["responses", "assistants"], default=None,
                        help="stack config openai:api: the API of resources whose ids do not say (default: "
                             "the stack's, else responses)")
    parser.add_argument("--run-seconds", type=float, default=1.0, help="how long each fake run takes (fake only)")
    parser.add_argument("--outcome", default="completed", choices=list(OUTCOMES),
                        help="how every fake run ends (fake only; default: completed)")
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    command = "up"
    if arguments and arguments[0] in COMMANDS:
        command = arguments.pop(0)
    parser = _parser()
    args = parser.parse_args(arguments)
    out, err = out or sys.stdout, err or sys.stderr
    try:
        project = load_project(Path(args.project_dir).resolve())
        config = load_stack_config(project, args.stack, args.config, args.secret)
    except ConfigError as error:
        print(f"error: {error}", file=err)
        return 2
    if args.api is not None:
        config = config.with_values({"openai:api": args.api}, secret=False)
    state_dir = (args.state_dir or project.project_dir / ".pulumi-offline").resolve()
    state_path = state_dir / f"{args.stack}.json"
    try:
        state = load(state_path, args.stack, project.name)
    except ValueError as error:
        print(f"error: {error}", file=err)
        return 2
    try:
        return Session(command, args, project, config, state, state_dir, out, err).run()
    except KeyboardInterrupt:  # a second Ctrl-C: stopped at once (the state was saved on the way out)
        print("error: interrupted; the steps in flight were abandoned, the state is saved", file=err)
        return INTERRUPTED_EXIT


class Session:
    """One command on one stack: the fake (or server), the provider server, the steps, the state saved."""

    def __init__(self, command: str, args: argparse.Namespace, project: Project, config: StackConfig,
                 state: StackState, state_dir: Path, out: TextIO, err: TextIO) -> None:
        self.command = command
        self.args = args
        self.project = project
        self.config = config
        self.state = state
        self.state_dir = state_dir
        self.state_path = state_dir / f"{args.stack}.json"
        self.fake_path = state_dir / f"{args.stack}.fake.json"
        self.out, self.err = out, err
        self.interrupted = threading.Event()
        self.server: ProviderServer | None = None
        self.fake: FakeOpenAI | None = None

    # -- the set-up ----------------------------------------

    def _endpoint(self, stack: ExitStack) -> StackConfig:
        """Start the embedded fake (its store restored), or check the key for ``--base-url``; the config the
        provider gets."""
        if self.args.base_url:
            config = self.config.with_values({"openai:baseUrl": self.args.base_url}, secret=False)
            if "openai:apiKey" not in config.values and os.environ.get("OPENAI_API_KEY"):
                config = config.with_values({"openai:apiKey": os.environ["OPENAI_API_KEY"]}, secret=True)
            return config
        fake = FakeOpenAI(clock="real")
        if self.fake_path.exists():
            fake.restore(json.loads(self.fake_path.read_text()))
        fake.default_script = RunScript(outcome=self.args.outcome, queued_for=0.1, duration=self.args.run_seconds,
                                        reply=FAKE_REPLY)
        stack.enter_context(fake)
        self.fake = fake
        config = self.config.with_values({"openai:apiKey": fake.api_key}, secret=True)
        return config.with_values({"openai:baseUrl": fake.base_url}, secret=False)

    @contextmanager
    def _sigint(self) -> Iterator[None]:
        """The first Ctrl-C asks the provider to cancel what it started (the engine's Cancel) and lets every
        step end with the provider's answer; nothing new starts. A second one stops at once."""
        def on_sigint(signum: int, frame: FrameType | None) -> None:
            if self.interrupted.is_set():
                raise KeyboardInterrupt
            self.interrupted.set()
            self.printer.line("^C received; cancelling what is in flight (Ctrl-C again to stop at once)",
                              error=True)
            if self.server is not None:
                threading.Thread(target=self._cancel, name="driver-cancel", daemon=True).start()

        previous = signal.signal(signal.SIGINT, on_sigint) if threading.current_thread() is threading.main_thread() \
            else None
        try:
            yield
        finally:
            if previous is not None:
                signal.signal(signal.SIGINT, previous)

    def _cancel(self) -> None:
        try:
            assert self.server is not None
            self.server.cancel()
        except ProviderError as error:
            self.printer.line(f"warning: the provider's Cancel failed: {error.details}", error=True)

    def run(self) -> int:
        self.printer = Printer(self.config, self.out, self.err)
        began = time.monotonic()
        with ExitStack() as stack:
            provider_config = self._endpoint(stack)
            self.printer.line(f"{HEADERS[self.command]} ({self.args.stack}):")
            where = f"Fake OpenAI API at {self.fake.base_url}" if self.fake else f"OpenAI API at {self.args.base_url}"
            self.printer.line(f"    {where}; program {self.project.program_dir} (project {self.project.name})")
            reporter = StepReporter(self.printer, preview=self.command == "preview")
            env = {JOURNAL_ENV: str(self.state_dir / f"{self.args.stack}.journal")}
            if self.fake is not None:
                env["OPENAI_API_KEY"] = ""
            self.state_dir.mkdir(parents=True, exist_ok=True)
            self.server = stack.enter_context(ProviderServer(
                provider_config.program_config(), project=self.project.name, env=env,
                python_args=("-m", "pulumi_openai_run.testing._driver.provider_host"),
                on_stderr_line=reporter.provider_line))
            stack.enter_context(self._sigint())
            try:
                code = getattr(self, f"_{self.command}")(reporter)
            finally:
                if self.command != "preview":
                    save(self.state_path, self.state, self.config.masked)
                if self.fake is not None and self.command != "preview":
                    self.server.__exit__(None, None, None)  # nothing more reaches the fake
                    write_json(self.fake_path, self.fake.snapshot())
        self.printer.line(f"Duration: {render.duration(time.monotonic() - began)}")
        return INTERRUPTED_EXIT if self.interrupted.is_set() else code

    # -- the commands ----------------------------------------

    def _preview(self, reporter: StepReporter) -> int:
        return self._update(reporter, preview=True)

    def _up(self, reporter: StepReporter) -> int:
        return self._update(reporter, preview=False)

    def _update(self, reporter: StepReporter, preview: bool) -> int:
        assert self.server is not None
        mocks = engine.DriverMocks(self.server, self.state, reporter, preview=preview, interrupted=self.interrupted)
        program_error: BaseException | None = None
        exports: dict[str, Any] = {}
        secret_exports: frozenset[str] = frozenset()
        steps: list[plan.Step] = []
        try:
            try:
                result = run_program(self.project.program_dir, mocks, project=self.project.name, stack=self.args.stack,
                                     config=self.config.program_config(), preview=preview)
                exports, secret_exports = dict(result), result.secret_keys
            except (ResourceFailedError, CheckFailedError) as error:
                if not any(error is known for known in mocks.errors):
                    mocks.errors.append(error)
            except Exception as error:  # the program's own error: shown with its file and line
                program_error = error
            steps.extend(mocks.steps)
            ok = program_error is None and not mocks.errors and not self.interrupted.is_set()
            if ok:
                for resource in plan.deletions(self.state.resources, mocks.registered, mocks.replaced):
                    original = resource.urn in mocks.registered  # an old half of a replacement
                    if preview:
                        step = plan.Step("delete", resource.urn, resource.type, resource.name, original=original)
                        reporter.finished(step, 0.0)
                        steps.append(step)
                        continue
                    if self.interrupted.is_set():
                        break
                    step = engine.delete(self.server, self._live(resource), reporter, original=original)
                    steps.append(step)
                    if step.error is None:
                        self._forget(resource)
                    else:
                        mocks.errors.append(ResourceFailedError(resource.type, resource.name, step.error))
        finally:  # whatever happened, the state records what was made
            if not preview:
                self.state.resources = plan.new_state_order(self.state.resources, mocks.current)
        self._finish(steps, exports, secret_exports, planned=preview)
        return self._diagnostics(mocks.errors, program_error)

    def _refresh(self, reporter: StepReporter) -> int:
        assert self.server is not None
        steps, kept, errors = [], [], []
        for resource in self.state.resources:
            if self.interrupted.is_set():
                kept.append(resource)
                continue
            step, found = engine.refresh(self.server, self.state, self._live(resource), reporter,
                                         self.config.masked)
            steps.append(step)
            if step.error is not None:
                errors.append(ResourceFailedError(resource.type, resource.name, step.error))
            if found is not None:
                kept.append(found)
        self.state.resources = kept
        self._finish(steps, {}, frozenset(), planned=False)
        return self._diagnostics(errors, None)

    def _destroy(self, reporter: StepReporter) -> int:
        assert self.server is not None
        steps, errors = [], []
        for resource in reversed(list(self.state.resources)):
            if self.interrupted.is_set():
                break
            step = engine.delete(self.server, self._live(resource), reporter)
            steps.append(step)
            if step.error is None:
                self._forget(resource)
            else:
                errors.append(ResourceFailedError(resource.type, resource.name, step.error))
        self._finish(steps, {}, frozenset(), planned=False)
        if not self.state.resources and not errors:
            self.printer.line(f"The resources in the stack have been deleted; the state in {self.state_path} is "
                              "empty.")
        return self._diagnostics(errors, None)

    def _live(self, resource: ResourceState) -> ResourceState:
        """A state entry with its masked properties given their real values back where the stack's secrets
        tell (see ``state.unmasked_by_secrets``), for a step that runs without the program."""
        secrets = [self.config.values[k] for k in self.config.secret_keys if self.config.values.get(k)]
        if not resource.masked or not secrets:
            return resource
        return ResourceState(resource.urn, resource.type, resource.name, resource.id,
                             unmasked_by_secrets(self.state, resource.inputs, side(resource.masked, "inputs"), secrets),
                             unmasked_by_secrets(self.state, resource.outputs, side(resource.masked, "outputs"),
                                                 secrets),
                             resource.masked)

    def _forget(self, resource: ResourceState) -> None:
        self.state.resources = [r for r in self.state.resources if (r.urn, r.id) != (resource.urn, resource.id)]

    # -- the end ----------------------------------------

    def _finish(self, steps: Sequence[plan.Step], exports: dict[str, Any], secret_exports: frozenset[str],
                planned: bool) -> None:
        for line in render.outputs_block(exports, secret_exports):
            self.printer.line(line)
        self.printer.line()
        counts, unchanged = plan.counts(steps)
        for line in render.summary(counts, unchanged, planned):
            self.printer.line(line)
        self.printer.line()

    def _diagnostics(self, errors: Sequence[Exception], program_error: BaseException | None) -> int:
        if not errors and program_error is None:
            return 0
        self.printer.line("Diagnostics:", error=True)
        for error in errors:
            self.printer.line(f"  error: {error}", error=True)
        if program_error is not None:
            self.printer.line(f"  error: {program_location(program_error, self.project.program_dir)}"
                              f"{type(program_error).__name__}: {program_error}", error=True)
        return 1


def program_location(error: BaseException, program: Path) -> str:
    """``<file>:<line>: `` of the innermost frame of ``error``'s traceback that is in the program's directory
    (empty when none is)."""
    root = (program if program.is_dir() else program.parent).resolve()
    found = ""
    for frame in traceback.extract_tb(error.__traceback__):
        try:
            inside = Path(frame.filename).resolve().is_relative_to(root)
        except (OSError, ValueError):
            inside = False
        if inside:
            found = f"{frame.filename}:{frame.lineno}: "
    return found
