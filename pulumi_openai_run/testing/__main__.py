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
        description="Serve a fake OpenAI Assistants v2 API on 127.0.0.1 until interrupted.",
    )
    parser.add_argument("--port", type=int, default=0, help="port to listen on (0: any free port)")
    parser.add_argument("--api-key", default="sk-fake-test", help="the API key clients must present")
    parser.add_argument("--run-seconds", type=float, default=0.5, help="how long each run is in progress")
    parser.add_argument("--outcome", choices=OUTCOMES, default="completed", help="how every run ends")
    parser.add_argument(
        "--seed", action="store_true",
        help="create an assistant, a thread, a stored prompt, a conversation and an agent, and print their ids",
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
            assistant = fake.create_assistant(model="gpt-4o", name="fake-assistant")
            thread = fake.create_thread(messages=["Hello, fake assistant!"])
            prompt = fake.create_prompt(model="gpt-4o")
            conversation = fake.create_conversation()
            print(f"assistant_id={assistant['id']}", flush=True)
            print(f"thread_id={thread['id']}", flush=True)
            print(f"prompt_id={prompt['id']}  (Responses API: use as assistant_id)", flush=True)
            print(f"conversation_id={conversation['id']}  (Responses API: use as thread_id)", flush=True)
            agent = fake.create_agent(name="fake-agent", instructions="Answer in one sentence.")
            print(f"agent_id={agent['id']}  (Agents API: an Assistant on the Responses API)", flush=True)
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
