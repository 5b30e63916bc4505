"""Ask a question in one Run: the question is the Run's ``input``, so there is no Message and no depends_on.

    cd examples/ask
    pulumi config set --secret openai:apiKey sk-...
    pulumi up

The Run sends the question with the request itself (on the Responses API, the default, it is the
response's ``input``; on the Assistants API, the run's ``additional_messages``), and the question and the
answer join the conversation (the thread). Changing the question makes a new run. The assistant (an agent
object on the Responses API) gives the run its model and instructions; ``pulumi config set openai:api
assistants`` for an Assistants-v2-compatible server. Optional config: ``model`` (default gpt-6-astra),
``question``, ``completionWindow``.
"""

import pulumi

from pulumi_openai_run import Assistant, Run, Thread

config = pulumi.Config()
window = config.get_int("completionWindow")

assistant = Assistant(
    "helper",
    model=config.get("model") or "gpt-6-astra",
    name="ask",
    instructions="Answer in one sentence.",
)
thread = Thread("conversation", metadata={"example": "ask"})
answer = Run(
    "answer",
    assistant_id=assistant.id,
    thread_id=thread.id,
    input=config.get("question") or "In one sentence, what is a Pulumi stack?",
    completion_window=300 if window is None else window,  # 0: start the run without waiting
)

pulumi.export("conversation_id", thread.id)
pulumi.export("status", answer.status)
pulumi.export("reply", answer.reply)
