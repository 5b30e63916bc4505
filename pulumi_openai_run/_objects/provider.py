"""The provider every plain API object shares (assistants, threads, messages): :class:`ApiObjectProvider`.

Check and diff come from the kind's field table (``FieldTableProvider``); each CRUD method reads the inputs,
makes one call through :class:`~pulumi_openai_run._objects.calls.ObjectApi` and sets the state from the
kind's pure mapping (:class:`~pulumi_openai_run._objects.kind.ObjectKind`). Each resource's module
(``assistant.py``, ``thread.py``, ``message.py``) holds its fields, values, mapping and provider class; a new
kind of object is one such module.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from pulumi.dynamic import CheckFailure, CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult

from pulumi_openai_run import schema
from pulumi_openai_run._apis import APIS, CONFIG_KEY, api_by_ids, choose, default_api
from pulumi_openai_run._core.provider import PROVIDER_KEY, FieldTableProvider, ProviderError
from pulumi_openai_run._objects.kind import ObjectKind
from pulumi_openai_run._runs.backend import Api

if TYPE_CHECKING:
    from pulumi_openai_run._objects.calls import ObjectApi

__all__ = ["ApiObjectProvider", "ProviderError"]


class ApiObjectProvider(FieldTableProvider):
    """Create, read, update in place and delete one kind of plain API object, on the API it is on.

    ``KINDS`` holds the resource's kind on each API that has one; which one serves a resource is its ``api``
    input, else what its ids say (``API_PROBES``), else stack config ``openai:api``. ``FIELDS`` is the union of
    the kinds' inputs; a kind refuses (at check) the inputs its API has no place for. State is the inputs as
    given plus the kind's outputs; refresh and import bring the inputs in line with the server
    (``schema.refreshed_inputs``), so drift shows as a diff on the next ``pulumi up``.
    """

    KINDS: ClassVar[Mapping[str, ObjectKind]]
    API_PROBES: ClassVar[tuple[tuple[str, str], ...]]
    """``(input, "thread_prefix")`` pairs whose id shape names the API; ``"id"`` is the object's own id."""

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """The chosen API's field table (``kind.fields``) checks each input; an input that API has no place
        for fails with why and where it goes instead (and only so). While the ids that would choose the API
        are unknown (a preview of a stack that creates them), an input fails only if it fits no API: the
        engine checks again with the ids known before anything is created."""
        given = {k: v for k, v in news.items() if v is not None}
        contradiction = self._contradicted_api(given)
        if contradiction:
            failures = schema.check(self.FIELDS, given, ignore={PROVIDER_KEY}) + contradiction
        elif self._undecided(given):
            each = [self._failures(kind, given) for kind in self._kinds_default_first()]
            everywhere = set.intersection(*({f.property for f in found} for found in each))
            failures = [f for f in each[0] if f.property in everywhere]
        else:
            failures = self._failures(self._kind_or_none(given), given)
        return CheckResult(given, [CheckFailure(f.property, f.reason) for f in failures])

    def _failures(self, kind: ObjectKind | None, news: dict[str, Any]) -> list[schema.Failure]:
        """What is wrong with ``news`` on the API of ``kind`` (``None``: an API without this resource)."""
        if kind is None:
            return [*schema.check(self.FIELDS, news, ignore={PROVIDER_KEY}),
                    schema.Failure("api", self._unavailable(news))]
        failures = [f for f in schema.check(kind.fields, news, ignore={PROVIDER_KEY})
                    if f.property not in kind.refuses]
        failures += [schema.Failure(name, f"'{name}' {why}") for name, why in kind.refuses.items()
                     if news.get(name) is not None]
        return failures + (kind.problems(news) if kind.problems else [])

    def _contradicted_api(self, news: dict[str, Any]) -> list[schema.Failure]:
        """An ``api`` the ids contradict."""
        given = news.get("api")
        decided = api_by_ids(self._probes(news, None))
        if isinstance(given, str) and given in APIS and decided is not None and decided[0].name != given:
            by_ids, value = decided
            return [schema.Failure("api", (
                f"'api' is {schema.shown(given)}, but {schema.shown(value)} is an id of {by_ids.title}: remove api, "
                f"or use an id of {APIS[given].title}."
            ))]
        return []

    def _undecided(self, news: dict[str, Any]) -> bool:
        """Whether the API is not known yet: ``api`` not given (or unknown) and an id that would decide unknown."""
        given = news.get("api")
        if (isinstance(given, str) and given in APIS) or api_by_ids(self._probes(news, None)) is not None:
            return False
        return schema.is_unknown(given) or any(schema.is_unknown(news.get(name)) for name, _ in self.API_PROBES
                                               if name != "id")

    def _kinds_default_first(self) -> list[ObjectKind]:
        default = self._guarded(lambda: default_api(self._config.get(CONFIG_KEY))).name
        return sorted(self.KINDS.values(), key=lambda kind: kind is not self.KINDS.get(default))

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """The field table's diff; ``api`` spelt out (or dropped) for the API the ids already chose is no change."""
        found = schema.diff(self._fields(self._kind_or_none(news, id_)), olds, news)
        changed, replaces = list(found.changed), list(found.replaces)
        if "api" in changed and not schema.is_unknown(news.get("api")) \
                and self._chosen(olds, id_).name == self._chosen(news, id_).name:
            changed.remove("api")
            if "api" in replaces:
                replaces.remove("api")
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        inputs = self._inputs(props)
        kind = self._kind(inputs)
        created = self._guarded(lambda: self._calls(kind).create(inputs))
        return CreateResult(created["id"], {**inputs, **kind.outputs(created)})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        inputs = self._inputs(props)
        kind = self._kind(inputs, id_)
        self._check_ids(kind, id_, inputs)
        found = self._guarded(lambda: self._calls(kind).get(id_, inputs))
        if found is None:
            return ReadResult("", {})
        server_inputs = schema.refreshed_inputs(kind.fields, inputs, kind.server_values(found))
        return ReadResult(id_, {**server_inputs, **kind.outputs(found)}, server_inputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        inputs = self._inputs(news)
        kind = self._kind(inputs, id_)
        self._check_ids(kind, id_, inputs)
        outputs = self._outputs(olds)
        body = kind.update_body(olds, news)
        if body:
            changed = self._guarded(lambda: self._calls(kind).update(id_, inputs, body))
            outputs = kind.outputs(changed)
        return UpdateResult({**inputs, **outputs})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        inputs = self._inputs(props)
        kind = self._kind(inputs, id_)
        self._check_ids(kind, id_, inputs)
        self._guarded(lambda: self._calls(kind).delete(id_, inputs))

    # --- which API -----------------------------------------------------------------------------

    def _probes(self, inputs: Mapping[str, Any], id_: str | None) -> list[tuple[Any, str]]:
        return [(id_ if name == "id" else inputs.get(name), prefix_of) for name, prefix_of in self.API_PROBES]

    def _chosen(self, inputs: Mapping[str, Any], id_: str | None = None) -> Api:
        default = self._guarded(lambda: default_api(self._config.get(CONFIG_KEY)))
        return choose(inputs.get("api"), self._probes(inputs, id_), default)

    def _kind_or_none(self, inputs: Mapping[str, Any], id_: str | None = None) -> ObjectKind | None:
        return self.KINDS.get(self._chosen(inputs, id_).name)

    def _kind(self, inputs: Mapping[str, Any], id_: str | None = None) -> ObjectKind:
        kind = self._kind_or_none(inputs, id_)
        if kind is None:
            raise ProviderError(self._unavailable(inputs, id_))
        return kind

    def _unavailable(self, inputs: Mapping[str, Any], id_: str | None = None) -> str:
        api = self._chosen(inputs, id_)
        noun = next(iter(self.KINDS.values())).resource
        on = " or ".join(f"'{name}'" for name in self.KINDS)
        return f"A {noun} is not available on {api.title}: set api to {on}."

    # --- plumbing ------------------------------------------------------------------------------

    def _fields(self, kind: ObjectKind | None) -> tuple[schema.Field, ...]:
        """The field table as the API of ``kind`` sees it; the resource's own one where no kind serves."""
        return kind.fields if kind is not None else self.FIELDS

    @staticmethod
    def _check_ids(kind: ObjectKind, id_: str, inputs: dict[str, Any]) -> None:
        """Ids go into URL paths: refuse any that is not a plain token before a request is made."""
        problem = kind.id_problem(id_, inputs)
        if problem:
            raise ProviderError(problem)

    def _calls(self, kind: ObjectKind) -> ObjectApi:
        from pulumi_openai_run._objects.calls import ObjectApi  # imports openai: only once a request is due

        return ObjectApi(self._client(), kind)

