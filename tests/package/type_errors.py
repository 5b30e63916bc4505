"""Mistakes a user's stack can make, each of which mypy must report against the installed package.

Each line ending in ``# expect: CODE`` must get exactly that mypy error code on that line, and no other line
may get any: ``.ci/package`` checks it (``check.py mypy-expect``). If the package's types were not seen (no
``py.typed``, an editable install mypy cannot follow), these lines would pass silently as ``Any``.
"""

import pulumi

from pulumi_openai_run import Assistant, Message, Run, RunArgs, Thread

assistant = Assistant("helper", model="gpt-6-astra")
thread = Thread("conversation")
Run("window", assistant_id=assistant.id, thread_id=thread.id, completion_window="x")  # expect: call-overload
Run("typo", thread_id=thread.id, model="gpt-6-astra", completion_windo=300)  # expect: call-overload
Run("args", RunArgs(thread_id=thread.id, completion_window="x"))  # expect: arg-type
Message("no-thread", content="Hi")  # expect: call-overload
Thread("labels", metadata={"team": 1})  # expect: dict-item
Assistant("numeric", model=4)  # expect: call-overload
run = Run("summary", assistant_id=assistant.id, thread_id=thread.id, completion_window=300)
status: str = run.status  # expect: assignment
created: int = run.created_at  # expect: assignment
pulumi.export("status", status)
