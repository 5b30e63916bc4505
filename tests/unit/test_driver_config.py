"""The offline driver reads Pulumi.yaml, Pulumi.<stack>.yaml, --config and --secret as the Pulumi CLI does."""

from __future__ import annotations

from pathlib import Path

import pytest

from pulumi_openai_run.testing import Secret
from pulumi_openai_run.testing._driver.config import MASK, ConfigError, load_project, load_stack_config

QUICKSTART_LIKE = """\
name: demo
main: program
config:
  model:
    type: string
    default: gpt-6-astra
  completionWindow:
    type: integer
    default: 300
  verbose: false
  openai:api: responses
"""


def _project(tmp_path: Path, text: str = QUICKSTART_LIKE, stack_file: str | None = None) -> Path:
    (tmp_path / "program").mkdir(exist_ok=True)
    (tmp_path / "program" / "__main__.py").write_text("")
    (tmp_path / "Pulumi.yaml").write_text(text)
    if stack_file is not None:
        (tmp_path / "Pulumi.dev.yaml").write_text(stack_file)
    return tmp_path


def test_project_names_its_program_and_namespaces_declared_keys(tmp_path: Path) -> None:
    project = load_project(_project(tmp_path))
    assert project.name == "demo"
    assert project.program_dir == tmp_path / "program"
    assert set(project.declared) == {"demo:model", "demo:completionWindow", "demo:verbose", "openai:api"}


def test_defaults_then_stack_file_then_command_line(tmp_path: Path) -> None:
    project = load_project(_project(tmp_path, stack_file="config:\n  demo:model: gpt-6-mini\n  completionWindow: 60\n"))
    config = load_stack_config(project, "dev", ["completionWindow=30"], [])
    assert config.values == {"demo:model": "gpt-6-mini", "demo:completionWindow": "30", "demo:verbose": "false",
                             "openai:api": "responses"}
    assert config.secret_keys == frozenset()


def test_non_string_yaml_values_reach_pulumi_config_as_json(tmp_path: Path) -> None:
    project = load_project(_project(tmp_path, stack_file="config:\n  demo:tags: [a, b]\n  demo:limits: {n: 2}\n"))
    values = load_stack_config(project, "dev", [], []).values
    assert values["demo:tags"] == '["a", "b"]'
    assert values["demo:limits"] == '{"n": 2}'
    assert values["demo:completionWindow"] == "300"


def test_a_secret_is_masked_wherever_it_appears(tmp_path: Path) -> None:
    project = load_project(_project(tmp_path))
    config = load_stack_config(project, "dev", [], ["openai:apiKey=sk-live-123", "token=abc-token"])
    assert config.secret_keys == {"openai:apiKey", "demo:token"}
    text = "key sk-live-123 and abc-token, twice: sk-live-123"
    assert config.masked(text) == f"key {MASK} and {MASK}, twice: {MASK}"
    assert config.program_config()["openai:apiKey"] == Secret("sk-live-123")
    assert config.program_config()["demo:model"] == "gpt-6-astra"


def test_a_longer_secret_containing_a_shorter_one_is_masked_whole(tmp_path: Path) -> None:
    config = load_stack_config(load_project(_project(tmp_path)), "dev", [], ["a=abc", "b=abcdef"])
    assert config.masked("abcdef abc") == f"{MASK} {MASK}"


def test_an_encrypted_stack_value_must_be_given_again_as_a_secret(tmp_path: Path) -> None:
    project = load_project(_project(tmp_path, stack_file="config:\n  openai:apiKey:\n    secure: v1:AAAA\n"))
    with pytest.raises(ConfigError, match=r"openai:apiKey is an encrypted secret .* --secret openai:apiKey=VALUE"):
        load_stack_config(project, "dev", [], [])
    config = load_stack_config(project, "dev", [], ["openai:apiKey=sk-x"])
    assert config.values["openai:apiKey"] == "sk-x"


def test_a_declared_type_is_enforced_and_a_secret_value_is_not_shown(tmp_path: Path) -> None:
    project = load_project(_project(tmp_path))
    with pytest.raises(ConfigError, match=r"demo:completionWindow must be of type integer .* got 'soon'"):
        load_stack_config(project, "dev", ["completionWindow=soon"], [])
    with pytest.raises(ConfigError, match=r"demo:completionWindow must be of type integer .* got \[secret\]") as error:
        load_stack_config(project, "dev", [], ["completionWindow=hunter2"])
    assert "hunter2" not in str(error.value)


def test_a_declared_key_without_a_default_is_required(tmp_path: Path) -> None:
    project = load_project(_project(tmp_path, "name: demo\nmain: program\nconfig:\n  question:\n    type: string\n"))
    with pytest.raises(ConfigError, match=r"missing required configuration value demo:question.*--config"):
        load_stack_config(project, "dev", [], [])
    assert load_stack_config(project, "dev", ["question=Why?"], []).values["demo:question"] == "Why?"


def test_a_key_declared_secret_must_be_given_as_one(tmp_path: Path) -> None:
    project = load_project(_project(tmp_path, "name: demo\nmain: program\nconfig:\n  token:\n    secret: true\n"))
    with pytest.raises(ConfigError, match=r"demo:token is declared `secret: true`.*--secret demo:token=VALUE"):
        load_stack_config(project, "dev", ["token=abc"], [])
    assert load_stack_config(project, "dev", [], ["token=abc"]).secret_keys == {"demo:token"}


@pytest.mark.parametrize(
    ("flag", "item", "shown"), [("config", "novalue", "'novalue'"), ("secret", "=x", "KEY=<secret>")]
)
def test_a_malformed_flag_is_named_and_a_secret_is_not_echoed(tmp_path: Path, flag: str, item: str, shown: str) -> None:
    project = load_project(_project(tmp_path))
    items = {"config": ([item], []), "secret": ([], [item])}[flag]
    with pytest.raises(ConfigError, match=rf"--{flag} takes KEY=VALUE .* got {shown}"):
        load_stack_config(project, "dev", *items)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("main: program\n", r"`name:` is required"),
        ("name: demo\nmain: nowhere\n", r"`main: nowhere` names .*nowhere, which does not exist"),
        ("name: demo\nmain: program\nconfig:\n  model:\n    kind: string\n", r"config model: unknown field\(s\) kind"),
        ("name: demo\nmain: program\nconfig:\n  n:\n    type: number\n", r"type 'number' is not one of"),
        ("name: demo\nmain: program\nconfig:\n  'bad key': 1\n", r"'bad key' is not a config key"),
        ("name: [demo\n", r"Pulumi.yaml:\d+: Pulumi.yaml is not valid YAML"),
    ],
)
def test_a_bad_project_file_says_what_is_wrong(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_project(_project(tmp_path, text))


def test_a_directory_without_pulumi_yaml_is_refused_naming_it(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=rf"no Pulumi.yaml in {tmp_path}"):
        load_project(tmp_path)


def test_the_repository_examples_load(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    for directory in (root, root / "examples" / "ask", root / "examples" / "multi_run"):
        project = load_project(directory)
        config = load_stack_config(project, "nosuchstack", [], [])
        assert config.values[f"{project.name}:model"], directory
        assert (project.program_dir / "__main__.py").is_file()
