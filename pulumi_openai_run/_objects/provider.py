"""The dynamic providers of plain API objects: ``AssistantProvider``, ``ThreadProvider``, ``MessageProvider``.

They share one shape, :class:`ApiObjectProvider`: check and diff come from the kind's field table
(``FieldTableProvider``), and each CRUD method reads the inputs, makes one call through
:class:`~.object_api.ObjectApi` and sets the state from the kind's pure mapping
(:class:`~.object_kind.ObjectKind`). A new kind of object is a field table, a mapping and three lines here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from pulumi.dynamic import CreateResult, ReadResult, UpdateResult

from pulumi_openai_run._core.provider import FieldTableProvider, ProviderError
from pulumi_openai_run._objects.kind import ObjectKind
from pulumi_openai_run._objects.mappings import ASSISTANT, MESSAGE, THREAD

if TYPE_CHECKING:
    from pulumi_openai_run._objects.calls import ObjectApi

__all__ = ["ApiObjectProvider", "AssistantProvider", "MessageProvider", "ProviderError", "ThreadProvider"]


class ApiObjectProvider(FieldTableProvider):
    """Create, read, update in place and delete one kind of plain API object.

    State is the inputs as given plus the kind's outputs; refresh and import bring the inputs in line with
    the server (``ObjectKind.state_inputs``), so drift shows as a diff on the next ``pulumi up``.
    """

    KIND: ClassVar[ObjectKind]

    def create(self, props: dict[str, Any]) -> CreateResult:
        inputs = self._inputs(props)
        created = self._guarded(lambda: self._api().create(inputs))
        return CreateResult(created["id"], {**inputs, **self.KIND.outputs(created)})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        inputs = self._inputs(props)
        self._check_ids(id_, inputs)
        found = self._guarded(lambda: self._api().get(id_, inputs))
        if found is None:
            return ReadResult("", {})
        server_inputs = self.KIND.state_inputs(found, inputs)
        return ReadResult(id_, {**server_inputs, **self.KIND.outputs(found)}, server_inputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        inputs = self._inputs(news)
        self._check_ids(id_, inputs)
        outputs = self._outputs(olds)
        body = self.KIND.update_body(olds, news)
        if body:
            changed = self._guarded(lambda: self._api().update(id_, inputs, body))
            outputs = self.KIND.outputs(changed)
        return UpdateResult({**inputs, **outputs})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        inputs = self._inputs(props)
        self._check_ids(id_, inputs)
        self._guarded(lambda: self._api().delete(id_, inputs))

    def _check_ids(self, id_: str, inputs: dict[str, Any]) -> None:
        """Ids go into URL paths: refuse any that is not a plain token before a request is made."""
        problem = self.KIND.id_problem(id_, inputs)
        if problem:
            raise ProviderError(problem)

    def _api(self) -> ObjectApi:
        from pulumi_openai_run._objects.calls import ObjectApi  # imports openai: only once a request is due

        return ObjectApi(self._client(), self.KIND)


class AssistantProvider(ApiObjectProvider):
    """Creates, modifies in place, refreshes and deletes OpenAI assistants."""

    KIND = ASSISTANT
    FIELDS = ASSISTANT.fields


class ThreadProvider(ApiObjectProvider):
    """Creates, modifies in place (metadata, tool resources), refreshes and deletes OpenAI threads."""

    KIND = THREAD
    FIELDS = THREAD.fields


class MessageProvider(ApiObjectProvider):
    """Adds a message to a thread, modifies its metadata in place, refreshes and deletes it."""

    KIND = MESSAGE
    FIELDS = MESSAGE.fields
