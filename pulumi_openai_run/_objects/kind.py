"""What the generic provider of plain API objects (``_objects.provider``) needs to know about one kind of
object on one API (an assistant or an agent, a thread or a conversation, a message or a conversation item):
its field table as that API sees it, where its calls live on the client and how they are shaped, and pure
functions between the resource's inputs and outputs and the API's JSON.

The rules every kind shares are methods here: which body a create sends, which an in-place update sends
(an input the program dropped is reset to the API's default), and where the inputs' server values come from (for
refresh and import, :func:`~pulumi_openai_run.schema.refreshed_inputs`). No I/O, no ``openai`` import.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pulumi_openai_run import schema
from pulumi_openai_run._core.json import plain

ApiObject = Mapping[str, Any]
"""An API object as a plain dict (``model_dump(mode="json")`` of openai's model)."""
NOT_SENT = ("api",)
"""Inputs that choose where a request goes and are never in its body."""


@dataclass(frozen=True)
class ObjectKind:
    noun: str
    """What the API calls one, for messages: ``assistant``, ``thread``, ``message``."""
    resource: str
    """The resource class: ``Assistant``, ``Thread``, ``Message``."""
    fields: tuple[schema.Field, ...]
    """The resource's field table as this API sees it (see :func:`variant`): check, diff and refresh use it."""
    id_prefix: str
    """How the API's ids of this kind start (``asst_``; empty where the API documents no prefix); only a hint
    in errors: ids are checked as plain tokens before URLs, whatever their prefix."""
    collection: Callable[[Any], Any]
    """The client's resource for this kind, e.g. ``lambda client: client.beta.assistants``; its
    ``create``, ``retrieve``, ``update``, ``delete`` and ``list`` take the ``scope`` as keywords."""
    outputs: Callable[[ApiObject], dict[str, Any]]
    """The output fields of an API object (``id`` aside)."""
    server_values: Callable[[ApiObject], dict[str, Any]]
    """The values of the inputs as the API object holds them (for refresh and import)."""
    to_api: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)
    """Per input, its value in a request body; inputs not named here are sent as plain JSON."""
    create_defaults: Mapping[str, Any] = field(default_factory=dict)
    """Body values a create sends when the input is absent (a message's role)."""
    scope: tuple[str, ...] = ()
    """Inputs that go into the URL instead of the body (a message's ``thread_id``)."""
    scope_as: Mapping[str, str] = field(default_factory=dict)
    """The client's keyword for a scope input where it is named otherwise (``thread_id`` ->
    ``conversation_id``)."""
    create_args: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    """The create call's keywords for a body, where they are not the body itself (a conversation item is
    sent as ``items=[body]``)."""
    created: Callable[[ApiObject], ApiObject] | None = None
    """The object in the create call's answer, where the answer is not the object (a list of items)."""
    lost_create: Literal["find", "repeat", "match"] = "find"
    """After a create whose outcome is unknown: ``find`` looks for the object by a marker in its metadata
    among the latest objects of the list endpoint before sending again; ``repeat`` sends again (for kinds
    with no list endpoint, where a stray duplicate harms nothing); ``match`` (for objects without metadata
    in a list that keeps its order) notes the newest object before the create and, after an unknown outcome,
    looks among the newer ones for one that :attr:`matches` the body."""
    matches: Callable[[Mapping[str, Any], ApiObject], bool] | None = None
    """For ``lost_create="match"``: whether an API object is what this create body would have made."""
    import_hint: str = ""
    """How to import one, for errors: ``Message.get(name, 'msg_...', thread_id='thread_...')``."""
    absent_hint: str = ""
    """What to say when a create answers 404: the server has no endpoint for this kind (OGX has no ``/agents``)."""
    busy_hint: str = ""
    """What to do when a create fails because a run on the thread (a response on the conversation) is active."""
    refuses: Mapping[str, str] = field(default_factory=dict)
    """Inputs of the resource's table this API has no place for: why, and where the setting goes instead."""
    problems: Callable[[Mapping[str, Any]], list[schema.Failure]] | None = None
    """Rules across inputs on this API, for check (an assistant message of text only)."""

    @property
    def by_name(self) -> dict[str, schema.Field]:
        return {f.name: f for f in self.fields}

    def scope_of(self, inputs: Mapping[str, Any]) -> dict[str, Any]:
        """The scope inputs as the client's keywords."""
        return {self.scope_as.get(name, name): inputs.get(name) for name in self.scope}

    def id_problem(self, object_id: str, inputs: Mapping[str, Any]) -> str | None:
        """Why ``object_id`` or the scope in ``inputs`` cannot go into a URL, or ``None``."""
        problem = schema.an_id(self.id_prefix)(object_id)
        if problem:
            return f"The {self.noun}'s id {schema.shown(object_id)} {problem}"
        for name in self.scope:
            value = inputs.get(name)
            if value is None:
                return (f"Cannot reach {self.noun} {object_id}: its {name} is unknown. "
                        f"Import it with {self.import_hint}.")
            check = self.by_name[name].validate
            problem = check(value) if check else None
            if problem:
                return f"The {self.noun}'s {name} {schema.shown(value)} {problem}"
        return None

    def body(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The request body for ``values`` (inputs by name; ``None`` is sent as null)."""
        result: dict[str, Any] = {}
        for name, value in values.items():
            if name in self.scope or name in NOT_SENT:
                continue
            convert = self.to_api.get(name, plain)
            result[name] = None if value is None else convert(value)
        return result

    def create_body(self, inputs: Mapping[str, Any]) -> dict[str, Any]:
        given = {name: value for name, value in inputs.items() if value is not None and name in self.by_name}
        return {**copy.deepcopy(dict(self.create_defaults)), **self.body(given)}

    def update_body(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> dict[str, Any]:
        """What the modify call sends: each in-place input that changed, and the API's default for one the
        program dropped. Empty: nothing to send."""
        by_name = self.by_name
        changed = [name for name in schema.diff(self.fields, olds, news).changed
                   if by_name[name].on_change == "update"]
        values = {name: news[name] if news.get(name) is not None else copy.deepcopy(by_name[name].default)
                  for name in changed}
        return self.body(values)

    def create_call_args(self, body: dict[str, Any]) -> dict[str, Any]:
        return self.create_args(body) if self.create_args else body

    def created_object(self, answer: ApiObject) -> dict[str, Any]:
        return dict(self.created(answer) if self.created else answer)


def variant(fields: tuple[schema.Field, ...], **changes: Mapping[str, Any]) -> tuple[schema.Field, ...]:
    """``fields`` with some fields' attributes replaced, e.g. ``variant(FIELDS, tools={"validate": v})``: the
    same table (names, kinds, docs) as another API validates and compares it."""
    unknown = set(changes) - {f.name for f in fields}
    if unknown:
        raise AssertionError(f"variant() of fields that are not in the table: {sorted(unknown)}")
    return tuple(dataclasses.replace(f, **changes[f.name]) if f.name in changes else f for f in fields)


def common_outputs(api_object: ApiObject, object_type: str) -> dict[str, Any]:
    """The outputs every kind has: its object type and when it was created."""
    return {"object": api_object.get("object", object_type), "created_at": api_object.get("created_at")}
