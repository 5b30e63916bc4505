"""The provider every plain API object shares (assistants, threads, messages): :class:`ApiObjectProvider`.

Check and diff come from the kind's field table (``FieldTableProvider``); each CRUD method reads the inputs,
makes one call through :class:`~pulumi_openai_run._objects.calls.ObjectApi` and sets the state from the
kind's pure mapping (:class:`~pulumi_openai_run._objects.kind.ObjectKind`). Each resource's module
(``assistant.py``, ``thread.py``, ``message.py``) holds its fields, values, mapping and provider class; a new
kind of object is one such module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from pulumi.dynamic import CreateResult, ReadResult, UpdateResult

from pulumi_openai_run import schema
from pulumi_openai_run._core.provider import FieldTableProvider, ProviderError
from pulumi_openai_run._objects.kind import ObjectKind

if TYPE_CHECKING:
    from pulumi_openai_run._objects.calls import ObjectApi

__all__ = ["ApiObjectProvider", "ProviderError"]


class ApiObjectProvider(FieldTableProvider):
    """Create, read, update in place and delete one kind of plain API object.

    State is the inputs as given plus the kind's outputs; refresh and import bring the inputs in line with
    the server (``schema.refreshed_inputs``), so drift shows as a diff on the next ``pulumi up``.
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
        server_inputs = schema.refreshed_inputs(self.FIELDS, inputs, self.KIND.server_values(found))
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
