"""A user's stack, outside the repository: it must pass ``mypy --strict`` against the installed package,
with every value it touches typed (no ``Any`` from an untyped or missing package)."""

import pulumi

from pulumi_openai_run import Assistant, Message, Run, RunArgs, Thread

config = pulumi.Config()
assistant = Assistant("helper", model=config.get("model") or "gpt-6-astra", instructions="Answer in one sentence.")
thread = Thread("conversation", metadata={"team": "finance"})
question = Message("question", thread_id=thread.id, content="Summarise our quarterly report.")
run = Run("summary", assistant_id=assistant.id, thread_id=thread.id, completion_window=300,
          opts=pulumi.ResourceOptions(depends_on=[question]))
follow_up = Run("follow-up", RunArgs(model="gpt-6-astra", thread_id=thread.id, input="And in French?",
                                     completion_window=300.5, metadata={"step": "2"}),
                opts=pulumi.ResourceOptions(depends_on=[run]))
old = Run.get("old", "resp_123", thread_id=thread.id)

status: pulumi.Output[str] = run.status
shouted: pulumi.Output[str] = run.reply.apply(lambda reply: reply.upper())
tokens: pulumi.Output[float] = run.usage.apply(lambda usage: usage.get("total_tokens", 0.0))
created: pulumi.Output[int] = follow_up.created_at
pulumi.export("status", status)
pulumi.export("reply", shouted)
pulumi.export("tokens", tokens)
pulumi.export("created_at", created)
pulumi.export("old_status", old.status)
