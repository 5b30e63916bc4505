"""OpenAI assistant runs as Pulumi resources.

Importing this package does not import ``openai``: the client is loaded only when a provider method
first talks to the API, so ``pulumi preview`` stays fast.
"""

from .assistant import Assistant, AssistantArgs
from .message import Message, MessageArgs
from .object_provider import AssistantProvider, MessageProvider, ThreadProvider
from .provider import RunProvider
from .run import Run, RunArgs
from .thread import Thread, ThreadArgs

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
