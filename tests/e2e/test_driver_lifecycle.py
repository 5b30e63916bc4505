"""The offline driver as a user runs it: ``python -m pulumi_openai_run.testing.up [command] PROJECT_DIR`` in a
subprocess, on temp copies of the examples and on small temp programs; what it prints, what its state file
holds and, with ``--base-url`` at a fake this test owns, what it did on the server."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from pulumi_openai_run.testing import FakeOpenAI, RunScript
from tests.e2e.stacks import EXAMPLES

pytestmark = [pytest.mark.engine, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
TYPE = "pulumi-python:dynamic/openai:"


def drive(project: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pulumi_openai_run.testing.up", *args, str(project)],
                          capture_output=True, text=True, timeout=timeout, cwd=project, env=_env())


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), "OPENAI_API_KEY": ""}


def state_of(project: Path, stack: str = "dev") -> dict[str, Any]:
    document: dict[str, Any] = json.loads((project / ".pulumi-offline" / f"{stack}.json").read_text())
    return document


def resources(project: Path) -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in state_of(project)["resources"]}


def project_copy(tmp_path: Path, example: str, name: str = "driven") -> Path:
    project = tmp_path / example
    shutil.copytree(EXAMPLES / example, project)
    (project / "Pulumi.yaml").write_text(f"name: {name}\nruntime: python\n")
    return project


def program(tmp_path: Path, source: str, pulumi_yaml: str = "name: driven\nruntime: python\n") -> Path:
    project = tmp_path / "program"
    project.mkdir(exist_ok=True)
    (project / "Pulumi.yaml").write_text(pulumi_yaml)
    (project / "__main__.py").write_text(source)
    return project


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_up_then_edits_update_replace_and_delete(tmp_path: Path) -> None:
    project = project_copy(tmp_path, "quickstart")
    first = drive(project, "--run-seconds", "6")
    assert first.returncode == 0, first.stderr
    out = first.stdout
    assert "Updating (dev):" in out and "    + 4 created" in out and "Duration: " in out
    assert f" +  {TYPE}Run summary creating..." in out
    # while the run is awaited, its status comes from the provider server, naming the resource
    progress = [line for line in out.splitlines() if f"{TYPE}Run summary info:" in line and "in_progress" in line]
    assert progress and out.index(progress[0]) < out.index(f"{TYPE}Run summary created")
    assert "total_tokens     : 15\n" in out  # integers print as integers
    state = resources(project)
    order = list(state)  # registration order: a resource after the ones whose outputs it takes
    assert sorted(order) == ["conversation", "helper", "question", "summary"]
    assert order.index("conversation") < order.index("question") < order.index("summary")
    assert state["summary"]["outputs"]["usage"]["total_tokens"] == 15
    assert '"total_tokens": 15.0' not in (project / ".pulumi-offline" / "dev.json").read_text()

    again = drive(project)
    assert again.returncode == 0 and "    4 unchanged" in again.stdout and "creating" not in again.stdout

    main = project / "__main__.py"
    edit(main, "You are a concise analyst.", "You are a terse analyst.")
    updated = drive(project)
    assert updated.returncode == 0, updated.stderr
    assert f" ~  {TYPE}Assistant helper updated" in updated.stdout and "[diff: ~instructions]" in updated.stdout
    assert ('~ instructions: "You are a concise analyst. Answer in one or two sentences." => '
            '"You are a terse analyst. Answer in one or two sentences."') in updated.stdout
    assert "    ~ 1 updated\n    3 unchanged" in updated.stdout
    assert resources(project)["helper"]["id"] == state["helper"]["id"]

    edit(main, 'Thread("conversation", metadata={"stack": pulumi.get_stack()})',
         'Thread("conversation", metadata={"stack": "renamed"})')
    edit(main, "Summarise our quarterly report in one line.", "Summarise it in a word.")
    replaced = drive(project, "--config", "question=Summarise it in a word.")
    assert replaced.returncode == 0, replaced.stderr
    assert f" +- {TYPE}Message question replaced" in replaced.stdout
    assert f" -  {TYPE}Message question deleted original" in replaced.stdout
    assert "(forces replacement)" in replaced.stdout
    assert "    ~ 1 updated\n    +-1 replaced\n    2 unchanged" in replaced.stdout
    after = resources(project)
    assert after["question"]["id"] != state["question"]["id"]

    edit(main, "pulumi.export(\"run_id\", run.id)", "")
    main.write_text(main.read_text().split("window = config")[0])  # no Run any more, no exports of it
    deleted = drive(project)
    assert deleted.returncode == 0, deleted.stderr
    assert f" -  {TYPE}Run summary deleted" in deleted.stdout and "    - 1 deleted" in deleted.stdout
    assert "summary" not in resources(project)

    destroyed = drive(project, "destroy")
    assert destroyed.returncode == 0, destroyed.stderr
    assert "    - 3 deleted" in destroyed.stdout and state_of(project)["resources"] == []


def test_preview_changes_nothing(tmp_path: Path) -> None:
    project = project_copy(tmp_path, "quickstart")
    assert drive(project, "--run-seconds", "0.2").returncode == 0
    files = {p.name: p.read_bytes() for p in (project / ".pulumi-offline").iterdir() if p.is_file()}
    edit(project / "__main__.py", "You are a concise analyst.", "You are a terse analyst.")
    preview = drive(project, "preview")
    assert preview.returncode == 0, preview.stderr
    assert "Previewing update (dev):" in preview.stdout
    assert f" ~  {TYPE}Assistant helper update [diff: ~instructions]" in preview.stdout
    assert "    ~ 1 to update\n    3 unchanged" in preview.stdout
    assert {p.name: p.read_bytes() for p in (project / ".pulumi-offline").iterdir() if p.is_file()} == files
    assert "    ~ 1 updated" in drive(project).stdout  # the change is still to be made


def _post(fake: FakeOpenAI, path: str, body: dict[str, Any]) -> None:
    import urllib.request

    request = urllib.request.Request(f"{fake.base_url}{path}", json.dumps(body).encode(), method="POST",
                                     headers={"Authorization": f"Bearer {fake.api_key}",
                                              "Content-Type": "application/json", "OpenAI-Beta": "assistants=v2"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


def test_refresh_shows_drift_and_destroy_deletes_on_the_server(tmp_path: Path) -> None:
    project = project_copy(tmp_path, "quickstart")
    with FakeOpenAI(clock="real") as fake:
        fake.default_script = RunScript(duration=0.2)
        server = ["--base-url", fake.base_url, "--secret", f"openai:apiKey={fake.api_key}", "--api", "assistants"]
        assert drive(project, *server).returncode == 0
        [assistant] = fake.assistants()
        _post(fake, f"/assistants/{assistant['id']}", {"instructions": "Changed by hand."})
        refreshed = drive(project, "refresh", *server)
        assert refreshed.returncode == 0, refreshed.stderr
        assert "Refreshing (dev):" in refreshed.stdout
        assert f" ~  {TYPE}Assistant helper refreshed" in refreshed.stdout
        assert '"Changed by hand."' in refreshed.stdout and "    ~ 1 updated\n    3 unchanged" in refreshed.stdout
        assert resources(project)["helper"]["outputs"]["instructions"] == "Changed by hand."
        assert len([r for r in fake.requests if r.method == "POST" and r.path.endswith("/runs")]) == 1

        updated = drive(project, *server)  # the program's instructions again
        assert f" ~  {TYPE}Assistant helper updated" in updated.stdout
        assert fake.assistant(assistant["id"])["instructions"].startswith("You are a concise analyst.")

        destroyed = drive(project, "destroy", *server)
        assert destroyed.returncode == 0, destroyed.stderr
        assert fake.assistants() == [] and state_of(project)["resources"] == []
        assert fake.api_key not in destroyed.stdout + destroyed.stderr


SECRET = "s3cr3t-question-value"


def test_secrets_never_reach_output_or_state(tmp_path: Path) -> None:
    project = program(tmp_path, (
        "import pulumi\n"
        "from pulumi_openai_run import Message, Thread\n"
        "config = pulumi.Config()\n"
        "thread = Thread('notes')\n"
        "message = Message('note', thread_id=thread.id, content=config.require('note'))\n"
        "pulumi.export('content', message.content)\n"
        "pulumi.export('plain', config.require('note'))\n"
    ))
    first = drive(project, "--secret", f"note={SECRET}")
    assert first.returncode == 0, first.stderr
    second = drive(project, "--secret", f"note={SECRET}")
    assert second.returncode == 0 and "    2 unchanged" in second.stdout  # an unchanged secret is no change
    changed = drive(project, "--secret", f"note={SECRET}-2")
    assert changed.returncode == 0 and f"{TYPE}Message note replaced" in changed.stdout
    refreshed = drive(project, "refresh", "--secret", f"note={SECRET}-2")
    assert refreshed.returncode == 0 and "    2 unchanged" in refreshed.stdout  # a masked value is no drift
    unknown = drive(project, "refresh")  # the secret not given: still nothing of it shown or stored
    assert unknown.returncode == 0 and "    2 unchanged" in unknown.stdout
    state = (project / ".pulumi-offline" / "dev.json").read_bytes()
    destroyed = drive(project, "destroy", "--secret", f"note={SECRET}-2")
    assert destroyed.returncode == 0 and "    - 2 deleted" in destroyed.stdout
    for run in (first, second, changed, refreshed, unknown, destroyed):
        assert SECRET.encode() not in (run.stdout + run.stderr).encode()
    assert SECRET.encode() not in state and b"[secret]" in state
    assert "[secret]" in first.stdout


def test_a_program_error_shows_its_file_and_line(tmp_path: Path) -> None:
    project = program(tmp_path, "import pulumi\n\nraise ValueError('the program is broken')\n")
    result = drive(project)
    assert result.returncode == 1
    assert f"{project / '__main__.py'}:3: ValueError: the program is broken" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_two_failing_runs_are_both_reported_and_what_was_made_is_kept(tmp_path: Path) -> None:
    project = program(tmp_path, (
        "from pulumi_openai_run import Assistant, Run, Thread\n"
        "helper = Assistant('helper', model='gpt-6-astra', instructions='Answer.')\n"
        "for name in ('one', 'two'):\n"
        "    Run(name, assistant_id=helper.id, thread_id=Thread(f'{name}-thread').id, input='Hi',\n"
        "        completion_window=60)\n"
    ))
    result = drive(project, "--outcome", "failed", "--run-seconds", "0.2")
    assert result.returncode == 1
    for name in ("one", "two"):
        assert f"error: {TYPE}Run {name}: " in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert set(resources(project)) == {"helper", "one-thread", "two-thread"}


def test_ctrl_c_cancels_the_run_and_keeps_the_state(tmp_path: Path) -> None:
    project = project_copy(tmp_path, "ask")
    with FakeOpenAI(clock="real") as fake:
        fake.default_script = RunScript(duration=120)
        started = threading.Event()
        process = subprocess.Popen(
            [sys.executable, "-m", "pulumi_openai_run.testing.up", str(project), "--base-url", fake.base_url,
             "--secret", f"openai:apiKey={fake.api_key}"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=project, env=_env())
        lines: list[str] = []

        def read() -> None:
            assert process.stdout is not None
            for line in process.stdout:
                lines.append(line)
                if "in_progress" in line:
                    started.set()

        reader = threading.Thread(target=read)
        reader.start()
        assert started.wait(60), "".join(lines)
        process.send_signal(signal.SIGINT)
        assert process.stderr is not None
        err = process.stderr.read()
        code = process.wait(60)
        reader.join(10)
        out = "".join(lines)
        assert code != 0
        assert "Traceback" not in out + err
        [conversation] = fake.conversations()
        [response] = fake.responses_on(conversation["id"])
        assert response["status"] == "cancelled"
        assert "conversation" in resources(project) and "answer" not in resources(project)
