"""Quickstart: run an assistant on a thread, wait for the answer, export it.

    pulumi config set assistantId asst_...
    pulumi config set threadId thread_...
    pulumi config set --secret openai:apiKey sk-...
    pulumi up
"""

import pulumi

from pulumi_openai_run import Run

config = pulumi.Config()

run = Run(
    "summary",
    assistant_id=config.require("assistantId"),
    thread_id=config.require("threadId"),
    completion_window=config.get_int("completionWindow") or 300,
    metadata={"stack": pulumi.get_stack()},
)

pulumi.export("run_id", run.id)
pulumi.export("status", run.status)
pulumi.export("reply", run.reply)
pulumi.export("usage", run.usage)
