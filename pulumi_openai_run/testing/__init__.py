"""Test your Pulumi stacks and code that uses OpenAI offline: a stateful fake of the OpenAI API, glue
that ties the provider to it, a harness that plays the Pulumi engine, and a pytest plugin.

Public surface (everything else in this package is private):

* The fake: :class:`FakeOpenAI`, :class:`RunScript` (how the next runs or responses go), :class:`Fault`
  (inject errors), :class:`RecordedRequest` (``fake.requests``), :class:`ApiError`.
* Provider glue: :func:`configured_provider` (a provider configured for a fake), :class:`FakeApiClock` (the
  provider's waits move the fake's manual clock), :func:`patch_provider_clock` (install any :class:`ProviderClock`),
  :func:`ignore_assistants_deprecation` (openai-python's Assistants deprecation warnings).
* The engine harness: :class:`ProviderServer` (the real ``python -m pulumi.dynamic`` over gRPC, driven
  like the engine: ``check``, ``diff``, ``create``, ``read``, ``update``, ``delete``), :class:`Secret`,
  :data:`UNKNOWN`, :func:`urn`, :func:`serialized_provider`, the results :class:`PropertyMap`,
  :class:`CheckOutcome`, :class:`DiffOutcome`, :class:`ReadOutcome`, and the errors :class:`ProviderError`
  and :class:`ProviderStartError`.
* Whole programs: :func:`run_program` runs a Pulumi program under ``set_mocks`` with
  :class:`ProviderServerMocks` sending its dynamic resources to a ``ProviderServer``
  (:class:`CheckFailedError`, :class:`ResourceFailedError`, :class:`Registration`,
  :class:`ExportCapturingMonitor`).
* The pytest plugin :mod:`pulumi_openai_run.testing.pytest_plugin` (enabled by installing the package):
  fixtures ``openai_fake``, ``openai_fake_clock``, ``run_provider``, ``openai_live_fake``,
  ``provider_server``.

The engine harness and the program runner load on first use (they import ``pulumi`` and ``grpc``).

The fake keeps assistants, threads, messages, runs and run steps in memory and moves each run
through its lifecycle (``queued`` -> ``in_progress`` -> outcome) on its own clock, following a
:class:`RunScript`. Drive it with the real ``openai`` client, over HTTP (``fake.base_url``) or
in-process through ``fake.transport()`` (an ``httpx2.MockTransport``). Importing this package does
not import ``openai`` or ``httpx2``.

Example::

    import openai
    from pulumi_openai_run.testing import Fault, FakeOpenAI, RunScript

    with FakeOpenAI() as fake:  # manual clock: time moves only with fake.advance()
        assistant = fake.create_assistant(model="gpt-6-astra", instructions="Be brief.")
        thread = fake.create_thread(messages=["Hi!"])
        fake.script_runs(RunScript(outcome="completed", reply="Hello!"))

        client = openai.OpenAI(base_url=fake.base_url, api_key=fake.api_key, max_retries=0)
        run = client.beta.threads.runs.create(thread_id=thread["id"], assistant_id=assistant["id"])
        assert run.status == "queued"
        fake.advance(1)  # past queued_for (0.1 s) + duration (0.5 s)
        run = client.beta.threads.runs.retrieve(run.id, thread_id=thread["id"])
        assert run.status == "completed"

        # The next run creation fails with a 503; nothing is created.
        fake.inject(Fault(method="POST", path=r"/threads/[^/]+/runs", kind="status", status=503))
        try:
            client.beta.threads.runs.create(thread_id=thread["id"], assistant_id=assistant["id"])
        except openai.InternalServerError:
            pass
        assert fake.count("POST", r"/threads/[^/]+/runs") == 2
        assert len(fake.runs_on(thread["id"])) == 1

Without a server, pass ``http_client=httpx2.Client(transport=fake.transport())`` to ``openai.OpenAI``
(any ``base_url`` ending in ``/v1`` will do).

What the fake does:

* Routes: assistants, threads, messages (list filters on ``run_id``), runs (create, list, get,
  modify, cancel, submit_tool_outputs) and run steps under ``/v1``, with the service's error shape
  ``{"error": {"message", "type", "param", "code"}}``, 404s for unknown ids, 400s naming the bad
  param, and ``Authorization: Bearer <api_key>`` required (401 ``invalid_api_key`` otherwise).
  Lists take ``limit`` (1..100, default 20), ``order`` (default ``desc``), ``after`` and ``before``.
* One active run per thread: creating a run or adding a message meanwhile is a 400.
* Cancel moves a run to ``cancelling`` and, 0.1 s of fake time later, to ``cancelled``.
* ``"stream": true`` answers ``text/event-stream`` with the run's events as they happen in
  lifecycle time (with the manual clock a stream waits for ``advance()``: consume it in a thread).
* Steps are created one after another over the run's ``duration``; every step has a distinct,
  increasing ``created_at``.
* Faults (:class:`Fault`) answer a status, reset the connection, delay, or process the request and
  then lose the response. Every request is recorded (:class:`RecordedRequest`).
* ``clock="real"`` runs lifecycles in wall-clock time (``advance()`` is then refused).

Timing with the manual clock (it starts at ``1_750_000_000`` and moves in whole microseconds, so
``advance(0.1)`` lands exactly on a transition 0.1 s away):

* A run is ``queued`` at creation, ``in_progress`` after ``queued_for``, and reaches its outcome
  after ``queued_for + duration``. Nothing happens until ``advance()`` is called; a client that
  polls with real sleeps (``runs.poll``, ``create_and_poll``) never sees progress unless another
  thread advances the clock, or use ``clock="real"``.
* ``cancel`` answers ``cancelling``; the run is ``cancelled`` only after ``advance(0.1)``.
* After ``submit_tool_outputs`` the run is ``queued`` again and completes ``queued_for + duration``
  later; a ``requires_action`` run left alone expires at ``expires_at`` (``created_at + 600``).
* A stream waits for ``advance()``: open it with ``create(stream=True)`` in the test thread (the run
  exists once that returns), iterate it in another thread, then advance. Events are kept per run,
  so advancing before the consumer starts reading loses nothing.
* Steps: one per tool (code interpreter, file search), then ``extra_steps`` filler tool steps, then
  the ``message_creation`` step, so ``RunScript(extra_steps=44)`` gives 45 steps.

The Responses and Conversations APIs (the Assistants API's successor) are served too, on the same clock,
scripts, faults and request log:

* ``POST /responses`` with inline configuration (``model``, ``instructions``, ``tools``, ``temperature``,
  ``top_p``, ``max_output_tokens``, ``metadata``, ``reasoning``, ``text``, echoed in the response) and
  ``input`` (a string, or messages with ``input_text``/``input_image``/``input_file`` parts), on a
  conversation (``fake.create_conversation(messages=[...])``, ``conv_...``; the id or ``{"id": ...}``);
  ``background: true`` answers ``queued`` at once, ``stream: true`` answers server-sent events with
  ``sequence_number`` (``response.created`` ... ``response.completed``), otherwise the create answers when
  the response is done.
* ``prompt`` (``pmpt_...``): prompt objects were shut down on 2026-11-30, and the fake answers 400 saying
  so, unless prompts were seeded (``fake.create_prompt(...)``): then it serves them as before.
  ``FakeOpenAI(stored_prompts=True | False)`` forces either.
* Tools are the Responses API's types only, each checked against openai-python's ``responses.Tool``;
  ``FakeOpenAI(sampling_refused_by=[model, ...])`` makes those models refuse ``temperature``/``top_p``.
* ``GET``/``DELETE /responses/{id}`` (``include`` for file search results and code interpreter outputs;
  ``?stream=true&starting_after=N`` resumes a stream), ``POST /responses/{id}/cancel`` (background only;
  ``cancelled`` at once).
* ``/conversations`` (create with at most 20 ``items`` and ``metadata``, retrieve, update metadata,
  delete) and their ``items`` (create, list, retrieve, delete). A conversation runs one response
  at a time (400 ``conversation_locked``), and a response's input and output items join it when the
  response completes or ends incomplete.
* Each response takes the next :class:`RunScript`: its tool steps become output items
  (``code_interpreter_call``, ``file_search_call``), the reply a ``message`` item, ``requires_action`` a
  completed response with a ``function_call`` item; ``expired`` fails (responses do not expire).
* ``fake.response(id)``, ``fake.responses_on(conversation_id)`` and ``fake.conversation_items(...)`` show
  the result.
* ``Fault(kind="drop_stream", after_events=K)`` closes a stream after K events (before its terminal event,
  without ``done``); the response goes on, and ``GET /responses/{id}?stream=true&starting_after=N``
  resumes it.
* ``Fault(kind="late", delay=S)`` loses a request's answer and processes the request S seconds later on
  the fake's clock (on both APIs): a create the service got to after its retry had run.

The Agents API (beta; requests need ``OpenAI-Beta: agents=v1``, which ``client.beta.agents`` sends):
``/agents`` create, list, retrieve, update (``POST /agents/{id}``: fields given replace, ``metadata`` the
whole map) and delete; ``model`` required, at most 16 metadata keys, and only the agent object's tool types
(function, tool_search, programmatic_tool_calling, mcp, web_search, computer_use, automations). Seed one
with ``fake.create_agent(model=..., instructions=..., tools=[...])``; ``fake.agent(id)`` and
``fake.agents()`` show them. Agent ids look like ``agent_<32 hex>``, but the API documents no prefix.

Command line: ``python -m pulumi_openai_run.testing --port 8080 --seed`` serves with the real clock
until Ctrl-C and prints the base URL (``--port 0`` picks a free port); ``python -m
pulumi_openai_run.testing.up [PROJECT_DIR]`` plays a ``pulumi up`` of a stack against the fake, offline.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._fake.errors import ApiError
from ._fake.fake import FakeOpenAI
from ._fake.faults import Fault
from ._fake.recording import RecordedRequest
from ._fake.script import RunScript
from ._provider import (
    FakeApiClock,
    ProviderClock,
    configured_provider,
    ignore_assistants_deprecation,
    patch_provider_clock,
)

if TYPE_CHECKING:
    from ._engine.calls import (
        CheckOutcome,
        DiffOutcome,
        ProviderError,
        ProviderServer,
        ReadOutcome,
    )
    from ._engine.mocks import (
        CheckFailedError,
        ExportCapturingMonitor,
        ProviderServerMocks,
        Registration,
        ResourceFailedError,
        run_program,
    )
    from ._engine.process import ProviderStartError
    from ._engine.wire import UNKNOWN, PropertyMap, Secret, serialized_provider, urn

_LAZY = {
    **dict.fromkeys(("CheckOutcome", "DiffOutcome", "ProviderError", "ProviderServer", "ReadOutcome"), "calls"),
    **dict.fromkeys(("CheckFailedError", "ExportCapturingMonitor", "ProviderServerMocks", "Registration",
                     "ResourceFailedError", "run_program"), "mocks"),
    "ProviderStartError": "process",
    **dict.fromkeys(("UNKNOWN", "PropertyMap", "Secret", "serialized_provider", "urn"), "wire"),
}
"""Names of the engine harness, by the ``_engine`` module that defines them (imported on first use)."""


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}._engine.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "UNKNOWN",
    "ApiError",
    "CheckFailedError",
    "CheckOutcome",
    "DiffOutcome",
    "ExportCapturingMonitor",
    "FakeApiClock",
    "FakeOpenAI",
    "Fault",
    "PropertyMap",
    "ProviderClock",
    "ProviderError",
    "ProviderServer",
    "ProviderServerMocks",
    "ProviderStartError",
    "ReadOutcome",
    "RecordedRequest",
    "Registration",
    "ResourceFailedError",
    "RunScript",
    "Secret",
    "configured_provider",
    "ignore_assistants_deprecation",
    "patch_provider_clock",
    "run_program",
    "serialized_provider",
    "urn",
]
