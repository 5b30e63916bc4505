"""Several runs in one stack: a conversation of two turns, and a chart on a conversation of its own.

    cd examples/multi_run
    pulumi config set --secret openai:apiKey sk-...
    pulumi up

On today's OpenAI (the default API, ``responses``) the Assistant is an agent object, each Thread a
conversation, each Message an item of it, and each Run a background response on the conversation that
takes its model and instructions from the agent. For an Assistants-v2-compatible server, ``pulumi config
set openai:api assistants``: the same program then makes an assistant, threads, messages and runs.

A conversation runs one response at a time and takes no new item while a response on it is in progress
(the API answers ``conversation_locked``); a thread likewise has one active run and takes no message
meanwhile. A run answers what is on the conversation when it starts, and its answer joins the
conversation when it finishes. So the follow-up question depends on the first run (it is added once the
first answer is in), and the second run depends on the follow-up; the ordering is explicit in the program
rather than left to the provider. (A ``Run`` waits for a busy conversation by itself, but a ``Message``
does not, and without the dependency the second run could start before the follow-up is there.)

The chart run is on a conversation of its own, created with its question as an initial message, so it runs
alongside the other two. It has the code interpreter as a tool of its own: an agent object has no code
interpreter (only a response can run code), so the tool is given to the Run, not the Assistant, and the
same holds on both APIs.
"""

import pulumi

from pulumi_openai_run import Assistant, Message, Run, Thread

config = pulumi.Config()
window = config.get_int("completionWindow")
window = 300 if window is None else window  # 0: start the runs without waiting

analyst = Assistant(
    "analyst",
    model=config.get("model") or "gpt-6-astra",
    name="multi-run analyst",
    instructions="You are a careful data analyst. Keep answers short.",
)

# Two turns on one conversation: question, answer, follow-up, answer.
conversation = Thread("conversation", metadata={"example": "multi_run"})
first_question = Message(
    "first-question",
    thread_id=conversation.id,
    content="Our revenue was 120, 135 and 150 in the last three quarters. What is the trend?",
)
first_answer = Run(
    "first-answer",
    assistant_id=analyst.id,
    thread_id=conversation.id,
    completion_window=window,
    opts=pulumi.ResourceOptions(depends_on=[first_question]),
)
follow_up = Message(
    "follow-up",
    thread_id=conversation.id,
    content="If the trend holds, what will next quarter's revenue be?",
    opts=pulumi.ResourceOptions(depends_on=[first_answer]),
)
second_answer = Run(
    "second-answer",
    assistant_id=analyst.id,
    thread_id=conversation.id,
    completion_window=window,
    opts=pulumi.ResourceOptions(depends_on=[follow_up]),
)

# A run with the code interpreter (its own tool: an agent has none), on a conversation of its own that
# starts with its question.
numbers = Thread(
    "numbers",
    messages=[{"role": "user", "content": "Plot revenue 120, 135, 150 by quarter and describe the chart."}],
)
chart = Run(
    "chart",
    assistant_id=analyst.id,
    thread_id=numbers.id,
    tools=[{"type": "code_interpreter"}],
    completion_window=window,
)

pulumi.export("statuses", {
    "first_answer": first_answer.status,
    "second_answer": second_answer.status,
    "chart": chart.status,
})
pulumi.export("replies", {"first_answer": first_answer.reply, "second_answer": second_answer.reply})
pulumi.export("chart_files", chart.file_ids)
