"""A tiny dynamic provider used to exercise the engine harness (``pulumi_openai_run.testing.ProviderServer``).

It lives in an importable module (not in a test file, not in ``__main__``) so that dill pickles the provider
*class* by reference: the ``python -m pulumi.dynamic`` child process imports ``tests.engine.toy_provider`` by
name, which works because ``ProviderServer`` puts the directories of the test process's ``sys.path`` (here the
repository root, which pytest puts there for the ``tests`` package) on the child's ``PYTHONPATH``.

Behaviour:

* ``configure`` records whether ``toy:apiKey`` is set (and is a plain, unwrapped string) and the
  project-relative key ``region`` (resolved against ``PULUMI_PROJECT`` by ``pulumi.dynamic.Config``);
* ``check`` rejects a negative ``size`` and tolerates unknown values (preview);
* ``diff`` replaces on a ``size`` change, updates in place on a ``label`` change, reports "unknown" when
  ``size`` is unknown;
* ``create`` returns id ``toy-<size>`` and records what it saw (type of ``size``, config flags);
* ``read`` echoes with ``refreshed=True`` (given only inputs, i.e. an import, it also returns explicit inputs);
  ``update`` echoes with ``updated=True``; ``delete`` logs the id and size it was given; of id ``toy-fail`` it
  raises.
"""

from __future__ import annotations

import sys
from typing import Any

import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    Resource,
    ResourceProvider,
    UpdateResult,
)
from pulumi.output import Unknown

DELETE_FAILURE_MESSAGE = "toy refuses to delete toy-fail"


def _is_unknown(value: Any) -> bool:
    return isinstance(value, Unknown)


def _size_label(size: Any) -> str:
    return f"{size:g}" if isinstance(size, (int, float)) else str(size)


class ToyProvider(ResourceProvider):
    def __init__(self, tag: str = "default") -> None:
        super().__init__()
        # Part of the pickled state: two providers with different tags serialize to different strings, so the
        # dynamic-provider server caches (and configures) them separately.
        self.tag = tag
        self.api_key: Any = None
        self.region: Any = None

    def configure(self, req: ConfigureRequest) -> None:
        self.api_key = req.config.get("toy:apiKey")
        self.region = req.config.get("region")
        # Goes to the server's stderr, i.e. to ProviderServer's log file.
        print(f"toy[{self.tag}] configured: key_present={self._key_present()}", file=sys.stderr)

    def _key_present(self) -> bool:
        return isinstance(self.api_key, str) and self.api_key != ""

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        failures: list[CheckFailure] = []
        size = news.get("size")
        if size is None:
            failures.append(CheckFailure("size", "size is required"))
        elif not _is_unknown(size) and size < 0:
            failures.append(CheckFailure("size", f"size must be >= 0, got {_size_label(size)}"))
        return CheckResult(dict(news), failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        if _is_unknown(news.get("size")):
            return DiffResult(changes=None)
        if olds.get("size") != news.get("size"):
            return DiffResult(changes=True, replaces=["size"], delete_before_replace=True)
        if olds.get("label") != news.get("label"):
            return DiffResult(changes=True, replaces=[], delete_before_replace=False)
        return DiffResult(changes=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        size = props["size"]
        # Goes to the server's stdout (after the port line), i.e. also to the log file.
        print(f"toy[{self.tag}] creating size={_size_label(size)}", flush=True)
        outs = {
            **props,
            "size_type": type(size).__name__,
            "configured_key_present": self._key_present(),
            "configured_region": self.region,
            "tag": self.tag,
        }
        return CreateResult(f"toy-{_size_label(size)}", outs)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        outs = {**props, "refreshed": True}
        if "size_type" not in props:
            # Only inputs were available (an import / ``Resource.get``): derive the inputs to keep and hand
            # them back explicitly (the server then includes them in ``ReadResponse.inputs``).
            return ReadResult(id_, outs, inputs={"size": props.get("size")})
        # A refresh of existing state: inputs stay as they are.
        return ReadResult(id_, outs)

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult({**news, "updated": True})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        if id_ == "toy-fail":
            raise RuntimeError(DELETE_FAILURE_MESSAGE)
        # What it was given, on the server's stdout (the log file), so a test can see the delete happen.
        print(f"toy[{self.tag}] deleted {id_} size={_size_label(props.get('size'))}", flush=True)


class Toy(Resource, module="toy", name="Toy"):
    """``pulumi-python:dynamic/toy:Toy``."""

    size: pulumi.Output[float]
    label: pulumi.Output[str | None]
    size_type: pulumi.Output[str]
    configured_key_present: pulumi.Output[bool]
    configured_region: pulumi.Output[str | None]
    tag: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        size: pulumi.Input[float],
        label: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
        provider: ToyProvider | None = None,
    ) -> None:
        super().__init__(
            provider or ToyProvider(),
            name,
            {
                "size": size,
                "label": label,
                "size_type": None,
                "configured_key_present": None,
                "configured_region": None,
                "tag": None,
            },
            opts,
        )
