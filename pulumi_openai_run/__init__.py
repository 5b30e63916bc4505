"""OpenAI assistant runs as Pulumi resources.

Importing this package does not import ``openai``: the client is loaded only when a provider method
first talks to the API, so ``pulumi preview`` stays fast.
"""

from .provider import RunProvider
from .run import Run, RunArgs

__all__ = ["Run", "RunArgs", "RunProvider"]
