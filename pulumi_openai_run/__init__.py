"""OpenAI assistant runs as Pulumi resources.

Importing this package does not import ``openai``: the client is loaded only when a provider method
first talks to the API, so ``pulumi preview`` stays fast.
"""

from pulumi_openai_run._objects.assistant import AssistantProvider
from pulumi_openai_run._objects.message import MessageProvider
from pulumi_openai_run._objects.thread import ThreadProvider
from pulumi_openai_run._runs.provider import RunProvider
from pulumi_openai_run.resources.assistant import Assistant, AssistantArgs
from pulumi_openai_run.resources.message import Message, MessageArgs
from pulumi_openai_run.resources.run import Run, RunArgs
from pulumi_openai_run.resources.thread import Thread, ThreadArgs

__all__ = [
    "Assistant",
    "AssistantArgs",
    "AssistantProvider",
    "Message",
    "MessageArgs",
    "MessageProvider",
    "Run",
    "RunArgs",
    "RunProvider",
    "Thread",
    "ThreadArgs",
    "ThreadProvider",
]
