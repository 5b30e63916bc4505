"""The chain with no Assistant, so that it runs on a server without the Agents API (OGX): a Thread, a Message
on it and a Run that answers it, then a second Run with its question as its ``input``. Each Run gives its
``model`` and ``instructions`` inline.

    .venv/bin/python -m pulumi_openai_run.testing.up --base-url "$(.ci/ogx url)" tests/real_server/stack
"""

import pulumi

from pulumi_openai_run import Message, Run, Thread

config = pulumi.Config()
model = config.get("model") or "stub/stub-echo"

thread = Thread("conversation", metadata={"stack": pulumi.get_stack()})
question = Message("question", thread_id=thread.id,
                   content=config.get("question") or "What is in the quarterly report?")
summary = Run("summary", model=model, instructions="Answer in one sentence.", thread_id=thread.id,
              completion_window=60, opts=pulumi.ResourceOptions(depends_on=[question]))
follow_up = Run("follow-up", model=model, thread_id=thread.id, input="And the outlook?", completion_window=60,
                opts=pulumi.ResourceOptions(depends_on=[summary]))

pulumi.export("conversation_id", thread.id)
pulumi.export("summary", summary.reply)
pulumi.export("follow_up", follow_up.reply)
pulumi.export("statuses", [summary.status, follow_up.status])
