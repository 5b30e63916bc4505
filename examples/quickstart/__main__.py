"""Quickstart: an assistant, a thread, a question on it, and a run that answers it; exports the reply.

    pulumi config set --secret openai:apiKey sk-...
    pulumi up

Nothing to create by hand, no ids to copy: the stack makes the assistant, the thread and the message, and
the run waits for them. On today's OpenAI (the default API, ``responses``) the assistant is an agent object,
the thread a conversation, the question an item of it, and the run a background response on the
conversation that takes its model and instructions from the agent. For an Assistants-v2-compatible server,
``pulumi config set openai:api assistants``: the same program then makes an assistant, a thread, a message
and a run. Optional config: ``model`` (default gpt-6-astra), ``question``, ``completionWindow``.
"""

import pulumi

from pulumi_openai_run import Assistant, Message, Run, Thread

config = pulumi.Config()

assistant = Assistant(
    "helper",
    model=config.get("model") or "gpt-6-astra",
    name="quickstart",
    instructions="You are a concise analyst. Answer in one or two sentences.",
)
thread = Thread("conversation", metadata={"stack": pulumi.get_stack()})
message = Message(
    "question",
    thread_id=thread.id,
    content=config.get("question") or "Summarise our quarterly report in one line.",
)
window = config.get_int("completionWindow")
run = Run(
    "summary",
    assistant_id=assistant.id,
    thread_id=thread.id,
    completion_window=300 if window is None else window,  # 0: start the run without waiting
    metadata={"stack": pulumi.get_stack()},
    # The run answers what is on the conversation (thread) when it starts: the question must be there
    # first. (examples/ask puts the question in the Run's input instead, with no Message.)
    opts=pulumi.ResourceOptions(depends_on=[message]),
)

pulumi.export("run_id", run.id)
pulumi.export("status", run.status)
pulumi.export("reply", run.reply)
pulumi.export("usage", run.usage)
