"""The offline driver's project and stack configuration, read the way the Pulumi CLI reads it (pure: files in,
records out).

* ``Pulumi.yaml`` (or ``Pulumi.yml``) in the project directory: ``name`` (required), ``main`` (the program,
  relative to the project directory; default the directory itself) and ``config``, whose entries declare a
  key and its default: ``key: {type, default, description, secret}``, ``key: {value: ...}`` or the short
  ``key: value``. Bare keys belong to the project's namespace; ``openai:api`` names its own.
* ``Pulumi.<stack>.yaml`` beside it (optional): ``config:`` with ``<namespace>:<key>: value``; a bare key is
  taken in the project's namespace (as ``pulumi config set`` writes it). ``secure:`` values are encrypted by
  a secrets provider this driver does not have: they must be given again with ``--secret``.
* The command line: ``--config KEY=VALUE`` and ``--secret KEY=VALUE`` (repeatable) override both files, in
  that order of precedence (command line, then stack file, then project defaults).

Every value ends as the string ``pulumi.Config`` reads (numbers and booleans as JSON, lists and maps as
JSON). A key whose declaration has a ``type`` must hold that type; a declared key with no default and no
value anywhere is an error naming it, as ``pulumi up`` reports a missing value. Errors are
:class:`ConfigError`: each names the file or flag, the key, what is wrong and what is allowed, and never
shows a secret value.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from .._engine.wire import Secret

__all__ = ["MASK", "ConfigError", "Project", "StackConfig", "load_project", "load_stack_config"]

MASK = "[secret]"
"""What a secret value is shown as, in everything the driver prints or stores."""

PROJECT_FILES = ("Pulumi.yaml", "Pulumi.yml")
_TYPES = ("string", "integer", "boolean", "array")
_KEY = re.compile(r"^[A-Za-z0-9_.-]+(:[A-Za-z0-9_.:-]+)?$")


class ConfigError(ValueError):
    """The project or stack configuration cannot be used; the message says where, what and what is allowed."""


@dataclass(frozen=True)
class _Declared:
    """One ``config:`` entry of ``Pulumi.yaml``."""

    type: str | None
    default: str | None
    secret: bool


@dataclass(frozen=True)
class Project:
    """A Pulumi project directory, as ``Pulumi.yaml`` describes it."""

    name: str
    program_dir: Path
    """The program: a directory (its ``__main__.py`` runs) or a ``.py`` file, from ``main:``."""
    project_dir: Path
    declared: Mapping[str, _Declared] = field(default_factory=dict)
    """The config keys ``Pulumi.yaml`` declares, by full key."""


@dataclass(frozen=True)
class StackConfig:
    """The stack's configuration: what ``pulumi.Config`` and the provider's ``openai:*`` settings read."""

    values: Mapping[str, str]
    """Full keys ``<namespace>:<key>`` -> the string ``pulumi.Config`` reads."""
    secret_keys: frozenset[str]
    """The full keys whose values are secret."""

    def masked(self, text: str) -> str:
        """``text`` with every secret value in it replaced by :data:`MASK` (longest values first, so a secret
        that contains another is masked whole)."""
        secrets = sorted({self.values[key] for key in self.secret_keys if self.values.get(key)}, key=len,
                         reverse=True)
        for secret in secrets:
            text = text.replace(secret, MASK)
        return text

    def program_config(self) -> dict[str, str | Secret]:
        """The config for :func:`~pulumi_openai_run.testing.run_program`: secret values as ``Secret``."""
        from .._engine.wire import Secret

        return {key: Secret(value) if key in self.secret_keys else value for key, value in self.values.items()}

    def with_values(self, values: Mapping[str, str], *, secret: bool) -> StackConfig:
        """This configuration with ``values`` set (overriding), secret or not."""
        merged = {**self.values, **values}
        keys = set(self.secret_keys) | set(values) if secret else set(self.secret_keys) - set(values)
        return StackConfig(merged, frozenset(keys))


def load_project(project_dir: Path) -> Project:
    """The project in ``project_dir``; :class:`ConfigError` if it has no usable ``Pulumi.yaml``."""
    found = [project_dir / name for name in PROJECT_FILES if (project_dir / name).is_file()]
    if not found:
        raise ConfigError(
            f"no Pulumi.yaml in {project_dir}: a project directory holds a Pulumi.yaml with at least `name:` "
            "(and `main:` when the program is not the directory's __main__.py); pass the project's directory")
    path = found[0]
    document = _yaml_mapping(path, path.name)
    name = document.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{path}: `name:` is required and must be a non-empty string (the project's name)")
    main = document.get("main")
    if main is not None and (not isinstance(main, str) or not main.strip()):
        raise ConfigError(f"{path}: `main:` must be a path relative to the project directory, got {main!r}")
    program = (project_dir / main) if main else project_dir
    if not program.exists():
        raise ConfigError(f"{path}: `main: {main}` names {program}, which does not exist")
    raw_config = document.get("config") or {}
    if not isinstance(raw_config, dict):
        raise ConfigError(f"{path}: `config:` must be a map of keys to declarations or values")
    declared = {_full_key(str(key), name, f"{path}: config"): _declaration(value, str(key), path)
                for key, value in raw_config.items()}
    return Project(name=name.strip(), program_dir=program, project_dir=project_dir, declared=declared)


def load_stack_config(project: Project, stack: str, config: Sequence[str], secrets: Sequence[str]) -> StackConfig:
    """The stack's configuration: ``Pulumi.yaml`` defaults, then ``Pulumi.<stack>.yaml``, then ``config`` and
    ``secrets`` (``KEY=VALUE`` strings from ``--config`` and ``--secret``)."""
    values: dict[str, str] = {key: d.default for key, d in project.declared.items() if d.default is not None}
    secret_keys: set[str] = set()
    encrypted: dict[str, Path] = {}

    stack_file = project.project_dir / f"Pulumi.{stack}.yaml"
    if stack_file.is_file():
        document = _yaml_mapping(stack_file, stack_file.name)
        stack_values = document.get("config") or {}
        if not isinstance(stack_values, dict):
            raise ConfigError(f"{stack_file}: `config:` must be a map of `<namespace>:<key>: value`")
        for key, value in stack_values.items():
            full_key = _full_key(str(key), project.name, str(stack_file))
            if isinstance(value, dict) and set(value) == {"secure"}:
                encrypted[full_key] = stack_file
                continue
            values[full_key] = _config_string(value, full_key, str(stack_file))
            secret_keys.discard(full_key)

    for flag, items, secret in (("--config", config, False), ("--secret", secrets, True)):
        for item in items:
            key, equals, value = item.partition("=")
            if not equals or not key.strip():
                shown = "KEY=<secret>" if secret else repr(item)
                raise ConfigError(f"{flag} takes KEY=VALUE (e.g. {flag} model=gpt-6-astra), got {shown}")
            full_key = _full_key(key.strip(), project.name, flag)
            values[full_key] = value
            encrypted.pop(full_key, None)
            if secret:
                secret_keys.add(full_key)
            else:
                secret_keys.discard(full_key)

    for full_key, path in encrypted.items():
        raise ConfigError(
            f"{path}: {full_key} is an encrypted secret (`secure:`), which this offline driver cannot decrypt "
            f"(it has no secrets provider); give its value with --secret {full_key}=VALUE")

    for full_key, declaration in project.declared.items():
        if full_key not in values:
            raise ConfigError(
                f"missing required configuration value {full_key}: Pulumi.yaml declares it with no default; "
                f"set it with --config {full_key}=VALUE or in Pulumi.{stack}.yaml")
        if declaration.secret and full_key not in secret_keys:
            raise ConfigError(
                f"{full_key} is declared `secret: true` in Pulumi.yaml, so its value must be given as a secret: "
                f"--secret {full_key}=VALUE")
        if declaration.type is not None:
            problem = _type_problem(values[full_key], declaration.type)
            if problem:
                shown = MASK if full_key in secret_keys else repr(values[full_key])
                raise ConfigError(f"{full_key} must be of type {declaration.type} (as Pulumi.yaml declares), "
                                  f"got {shown}: {problem}")
    return StackConfig(values, frozenset(secret_keys))


def _yaml_mapping(path: Path, shown: str) -> dict[str, Any]:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        raise ConfigError(f"{where}: {shown} is not valid YAML ({getattr(error, 'problem', None) or error})") from None
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise ConfigError(f"{path}: {shown} must be a YAML map at the top level")
    return document


def _full_key(key: str, project: str, where: str) -> str:
    if not _KEY.match(key):
        raise ConfigError(f"{where}: {key!r} is not a config key: keys are `<key>` or `<namespace>:<key>`, "
                          "letters, digits, '_', '-' and '.'")
    return key if ":" in key else f"{project}:{key}"


def _declaration(value: Any, key: str, path: Path) -> _Declared:
    if not isinstance(value, dict):
        return _Declared(type=None, default=_config_string(value, key, str(path)), secret=False)
    unknown = set(value) - {"type", "default", "value", "description", "secret", "items"}
    if unknown:
        raise ConfigError(f"{path}: config {key}: unknown field(s) {', '.join(sorted(unknown))}; a declaration "
                          "takes type, default (or value), description, secret and items")
    declared_type = value.get("type")
    if declared_type is not None and declared_type not in _TYPES:
        raise ConfigError(f"{path}: config {key}: type {declared_type!r} is not one of {', '.join(_TYPES)}")
    default = value.get("default", value.get("value"))
    return _Declared(
        type=declared_type,
        default=None if default is None else _config_string(default, key, str(path)),
        secret=bool(value.get("secret", False)),
    )


def _config_string(value: Any, key: str, where: str) -> str:
    """A YAML value as the string ``pulumi.Config`` reads: strings as they are, everything else as JSON."""
    if isinstance(value, str):
        return value
    if value is None:
        raise ConfigError(f"{where}: {key} has no value; give one, or remove the key")
    return json.dumps(value)


def _type_problem(value: str, declared_type: str) -> str | None:
    if declared_type == "string":
        return None
    if declared_type == "integer":
        return None if re.fullmatch(r"-?\d+", value.strip()) else "not a whole number"
    if declared_type == "boolean":
        return None if value in ("true", "false") else "not true or false"
    try:
        parsed = json.loads(value)
    except ValueError:
        return "not a JSON list"
    return None if isinstance(parsed, list) else "not a list"
