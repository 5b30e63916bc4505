""":class:`FakeOpenAI`: the facade tests use: server lifetime, seeding, scripting, clock, faults, log."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from .agent_store import DEFAULT_MODEL
from .api import Api
from .app import App
from .clock import make_clock
from .endpoints.agents import AGENT_FIELDS
from .errors import ApiError
from .faults import Fault, FaultBook
from .recording import RecordedRequest, RequestLog
from .response_lifecycle import INCLUDABLE
from .script import RunScript
from .server import FakeServer
from .snapshot import restore as restore_state
from .snapshot import snapshot as snapshot_state
from .state import FakeState
from .transport import make_transport
from .validation import validate

if TYPE_CHECKING:
    import httpx2


T = TypeVar("T")


def _known(key: str, lookup: Callable[[], T]) -> T:
    """``lookup()``, with the API's 404 (or 400) as a ``KeyError(key)``, as the inspection methods promise."""
    try:
        return lookup()
    except ApiError:
        raise KeyError(key) from None


def _message_items(messages: Iterable[str | Mapping[str, Any]] | None) -> list[dict[str, Any]]:
    """Seeded messages: a string is a user message's text, a mapping is taken as it is."""
    return [{"role": "user", "content": m} if isinstance(m, str) else dict(m) for m in messages or ()]


class FakeOpenAI:
    """A stateful fake of the OpenAI API: Assistants v2, Responses + Conversations, Agents (see the package
    docs).

    ``stored_prompts``: a response's ``prompt`` (``pmpt_...``) is served from the prompts seeded with
    :meth:`create_prompt` (True), refused as shut down on 2026-11-30, as today's OpenAI does (False), or,
    by default (None), served once a prompt has been seeded and refused otherwise.

    ``sampling_refused_by``: models whose responses refuse ``temperature`` and ``top_p`` with the API's 400
    (``unsupported_parameter``, naming the field), as current reasoning models do.
    """

    def __init__(
        self,
        api_key: str = "sk-fake-test",
        clock: Literal["manual", "real"] = "manual",
        poll_after_ms: int | None = None,
        stored_prompts: bool | None = None,
        sampling_refused_by: Iterable[str] = (),
    ) -> None:
        self.api_key = api_key
        self._clock = make_clock(clock)
        self._state = FakeState(self._clock)
        self._state.conversations.stored_prompts = stored_prompts
        self._state.conversations.sampling_refused_by = frozenset(sampling_refused_by)
        self._faults = FaultBook()
        self._log = RequestLog()
        self._app = App(self._state, Api(self._state, poll_after_ms), self._faults, self._log, api_key)
        self._server: FakeServer | None = None

    # -- lifetime -------------------------------------------------------------------------------

    def start(self, port: int = 0) -> FakeOpenAI:
        """Serve on ``127.0.0.1:port`` (0: a free port) from a daemon thread."""
        if self._server is not None:
            raise RuntimeError("the fake is already serving")
        self._state.closed = False
        server = FakeServer(self._app, port)
        server.start()
        self._server = server
        return self

    def stop(self) -> None:
        """Stop serving; streams still open end without their ``done`` event."""
        server, self._server = self._server, None
        self._state.close()
        if server is not None:
            server.stop()

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the fake is not serving: use `with fake:` or fake.start()")
        return self._server.port

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def transport(self) -> httpx2.MockTransport:
        """An ``httpx2.MockTransport`` answering from this fake in-process (no server needed)."""
        return make_transport(self._app)

    # -- seeding (not recorded as requests) -----------------------------------------------------

    def create_assistant(self, model: str = "gpt-6-astra", **fields: Any) -> dict[str, Any]:
        return self._state.create_assistant({"model": model, **fields})

    def create_thread(
        self,
        messages: Iterable[str | Mapping[str, Any]] | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """Create a thread; each message is a user message's text or a ``{"role", "content"}`` dict."""
        return self._state.create_thread(_message_items(messages), metadata)

    def add_message(self, thread_id: str, content: str, role: str = "user") -> dict[str, Any]:
        """Add a message (raises :class:`ApiError` like the API would, e.g. during an active run)."""
        return self._state.create_message(thread_id, {"role": role, "content": content})

    # -- seeding the Responses API (not recorded as requests) ---------------------------------

    def create_prompt(self, model: str = "gpt-6-astra", **fields: Any) -> dict[str, Any]:
        """Store a prompt (``pmpt_...``), as the dashboard does: ``instructions``, ``tools``,
        ``temperature``, ``top_p``, ``version``; a response of it inherits what it does not set."""
        return self._state.conversations.create_prompt({"model": model, **fields})

    def create_conversation(
        self,
        messages: Iterable[str | Mapping[str, Any]] | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """Create a conversation (``conv_...``); each message is a user message's text or an input item."""
        return self._state.conversations.create_conversation(_message_items(messages), metadata)

    # -- seeding the Agents API (not recorded as requests) -------------------------------------

    def create_agent(
        self,
        model: str = DEFAULT_MODEL,
        *,
        instructions: str | None = None,
        tools: Iterable[Mapping[str, Any]] | None = None,
        name: str | None = None,
        metadata: Mapping[str, str] | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        """Create an agent object (``POST /agents`` without a request): ``reasoning``, ``text`` and the other
        create params as keywords, validated as the API does (raises :class:`ApiError`)."""
        body: dict[str, Any] = {"model": model, **fields}
        for key, value in (("instructions", instructions), ("name", name)):
            if value is not None:
                body[key] = value
        if tools is not None:
            body["tools"] = [dict(tool) for tool in tools]
        if metadata is not None:
            body["metadata"] = dict(metadata)
        return self._state.agents.create(validate(body, AGENT_FIELDS, required=("model",)))

    # -- persistence --------------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """The store (every object, run and response, and the manual clock's time) as JSON-serialisable data,
        for :meth:`restore` in another fake, e.g. in the next process. Scripts, faults and the request log are
        not part of it; a run or response still active is kept as it is now, with nothing more scheduled."""
        return snapshot_state(self._state)

    def restore(self, snapshot: Mapping[str, Any]) -> FakeOpenAI:
        """Replace this fake's store with a :meth:`snapshot`'s (``ValueError`` if it is not one); returns self."""
        restore_state(self._state, snapshot)
        return self

    # -- scripting and time ---------------------------------------------------------------------

    def script_runs(self, *scripts: RunScript) -> None:
        """Queue scripts: each new run takes the next one; then :attr:`default_script` applies."""
        self._state.queue_scripts(scripts)

    @property
    def default_script(self) -> RunScript:
        return self._state.default_script

    @default_script.setter
    def default_script(self, script: RunScript) -> None:
        self._state.default_script = script

    def advance(self, seconds: float) -> None:
        """Move the manual clock on (waking waiting streams); refused with the real clock."""
        self._clock.advance(seconds)
        self._state.settle()

    def now(self) -> float:
        return self._clock.now()

    # -- inspection -----------------------------------------------------------------------------

    def run(self, run_id: str) -> dict[str, Any]:
        """The run's API JSON now (KeyError if unknown)."""
        def data() -> dict[str, Any]:
            with self._state.lock:
                return copy.deepcopy(self._state.run(None, run_id).data)

        return _known(run_id, data)

    def runs_on(self, thread_id: str) -> list[dict[str, Any]]:
        """Every run on the thread, oldest first (KeyError if the thread is unknown)."""
        return _known(thread_id, lambda: self._state.runs_on(thread_id))

    def assistants(self) -> list[dict[str, Any]]:
        """Every assistant, oldest first."""
        return self._state.assistants()

    def assistant(self, assistant_id: str) -> dict[str, Any]:
        """The assistant's API JSON now (KeyError if unknown or deleted)."""
        return _known(assistant_id, lambda: self._state.get_assistant(assistant_id))

    def agent(self, agent_id: str) -> dict[str, Any]:
        """The agent's API JSON now (KeyError if unknown or deleted)."""
        return _known(agent_id, lambda: self._state.agents.get(agent_id))

    def agents(self) -> list[dict[str, Any]]:
        """Every agent, oldest first."""
        return self._state.agents.all()

    def thread(self, thread_id: str) -> dict[str, Any]:
        """The thread's API JSON now (KeyError if unknown or deleted)."""
        return _known(thread_id, lambda: self._state.get_thread(thread_id))

    def messages_on(self, thread_id: str) -> list[dict[str, Any]]:
        """Every message on the thread, oldest first (KeyError if the thread is unknown)."""
        return _known(thread_id, lambda: self._state.messages_on(thread_id))

    def response(self, response_id: str) -> dict[str, Any]:
        """The response's API JSON now, everything included (KeyError if unknown or deleted)."""
        return _known(response_id, lambda: self._state.conversations.get_response(response_id, INCLUDABLE))

    def responses_on(self, conversation_id: str) -> list[dict[str, Any]]:
        """Every response made on the conversation and not deleted, oldest first."""
        return self._state.conversations.responses_on(conversation_id)

    def conversations(self) -> list[dict[str, Any]]:
        """Every conversation not deleted, oldest first (the API cannot list them; a test counting what a
        lost create made can)."""
        return self._state.conversations.conversations()

    def conversation_items(self, conversation_id: str) -> list[dict[str, Any]]:
        """Every item of the conversation, oldest first (KeyError if the conversation is unknown)."""
        return _known(conversation_id, lambda: self._state.conversations.items_of(conversation_id))

    # -- faults and the request log -------------------------------------------------------------

    def inject(self, fault: Fault) -> None:
        self._faults.add(fault)

    def clear_faults(self) -> None:
        """Disarm every fault not yet used up (the API heals)."""
        self._faults.clear()

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far (faulted ones included), oldest first; a copy."""
        return self._log.snapshot()

    def clear_requests(self) -> None:
        self._log.clear()

    def count(self, method: str, path_regex: str) -> int:
        """How many recorded requests have ``method`` and a path (without /v1) fully matching the regex."""
        return self._log.count(method, path_regex)
