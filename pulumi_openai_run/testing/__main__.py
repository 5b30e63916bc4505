"""``python -m pulumi_openai_run.testing``: serve the fake on 127.0.0.1 with the real clock."""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Sequence

from ._fake.fake import FakeOpenAI
from ._fake.script import OUTCOMES, RunScript


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pulumi_openai_run.testing",
        description="Serve a fake OpenAI API (Responses, Conversations, Agents; Assistants v2) on 127.0.0.1 until "
                    "interrupted.",
    )
    parser.add_argument("--port", type=int, default=0, help="port to listen on (0: any free port)")
    parser.add_argument("--api-key", default="sk-fake-test", help="the API key clients must present")
    parser.add_argument("--run-seconds", type=float, default=0.5, help="how long each run is in progress")
    parser.add_argument("--outcome", choices=OUTCOMES, default="completed", help="how every run ends")
    parser.add_argument(
        "--seed", action="store_true",
        help="create an agent and a conversation (Responses API), an assistant and a thread (Assistants API), "
             "and print their ids",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    fake = FakeOpenAI(api_key=args.api_key, clock="real")
    fake.default_script = RunScript(outcome=args.outcome, duration=args.run_seconds)
    fake.start(args.port)
    try:
        print(fake.base_url, flush=True)
        print(f"api_key={fake.api_key}", flush=True)
        if args.seed:
            agent = fake.create_agent(name="fake-agent", instructions="Answer in one sentence.")
            conversation = fake.create_conversation()
            print(f"agent_id={agent['id']}  (Responses API: an Assistant, a Run's assistant_id)", flush=True)
            print(f"conversation_id={conversation['id']}  (Responses API: a Thread, a Run's thread_id)", flush=True)
            assistant = fake.create_assistant(name="fake-assistant")
            thread = fake.create_thread(messages=["Hello, fake assistant!"])
            print(f"assistant_id={assistant['id']}  (Assistants API)", flush=True)
            print(f"thread_id={thread['id']}  (Assistants API)", flush=True)
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
