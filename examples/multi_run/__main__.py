"""Several runs in one stack: a conversation of two turns on one thread, and a chart on another.

    cd examples/multi_run
    pulumi config set --secret openai:apiKey sk-...
    pulumi up

A thread has one active run at a time and takes no new message while a run is active. So the follow-up
question depends on the first run (it is added once the first answer is in), and the second run depends on
the follow-up; the ordering is explicit in the program rather than left to the provider. (A ``Run`` would
wait for a busy thread by itself, but a ``Message`` does not, and without the dependency the second run
could start before the follow-up is on the thread.) The chart run is on its own thread, created with its
question as an initial message, so it runs alongside the conversation.
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
    tools=[{"type": "code_interpreter"}],
)

# Two turns on one thread: question, answer, follow-up, answer.
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

# A run with the code interpreter, on a thread of its own that starts with its question.
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
