"""A tiny Chat Completions server on 127.0.0.1: the model behind OGX in the ``real_server`` tests.

``python tests/real_server/stub_model.py --port 0 --port-file PATH`` serves until killed, writing the port it
bound to PATH once it listens. It answers, deterministically:

- ``GET /v1/models``: the models below;
- ``POST /v1/chat/completions`` (``stream`` true or false): one assistant message, ``echo: `` followed by the
  text of the last user message. With the model ``stub-slow`` the answer comes only after ``--slow-seconds``
  (default 120), long enough that any test's ``completion_window`` elapses first: that is how a run that is
  still going when its window ends is played.

Stdlib only, so it runs under any Python the suite or OGX brings.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

FAST_MODEL = "stub-echo"
SLOW_MODEL = "stub-slow"
MODELS = (FAST_MODEL, SLOW_MODEL)


def reply_text(messages: list[dict[str, Any]]) -> str:
    """``echo: `` plus the last user message's text (its text parts joined by spaces)."""
    for message in reversed(messages):
        if message.get("role") != "user":
            continue
        content = message.get("content")
        if isinstance(content, str):
            return f"echo: {content}"
        if isinstance(content, list):
            texts = [str(part.get("text", "")) for part in content if isinstance(part, dict)]
            return "echo: " + " ".join(t for t in texts if t)
    return "echo: (no user message)"


def usage_of(messages: list[dict[str, Any]], text: str) -> dict[str, int]:
    prompt = sum(len(json.dumps(m.get("content", "")).split()) for m in messages)
    completion = len(text.split())
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


class Handler(BaseHTTPRequestHandler):
    server: StubServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _json(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.path.rstrip("/") in ("/v1/models", "/models"):
            self._json(200, {"object": "list", "data": [
                {"id": m, "object": "model", "created": 0, "owned_by": "stub"} for m in MODELS]})
        elif self.path in ("/health", "/v1/health"):
            self._json(200, {"status": "OK"})
        else:
            self._json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})

    def do_POST(self) -> None:
        if self.path.rstrip("/") not in ("/v1/chat/completions", "/chat/completions"):
            self._json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
            return
        length = int(self.headers.get("Content-Length") or 0)
        request = json.loads(self.rfile.read(length) or b"{}")
        model = str(request.get("model", ""))
        if model not in MODELS:
            self._json(404, {"error": {"message": f"model {model!r} not found; have {list(MODELS)}",
                                       "type": "invalid_request_error", "code": "model_not_found"}})
            return
        if model == SLOW_MODEL and self.server.stopping.wait(self.server.slow_seconds):
            return
        messages = list(request.get("messages") or [])
        text = reply_text(messages)
        usage = usage_of(messages, text)
        with self.server.lock:
            self.server.count += 1
            completion_id = f"chatcmpl-stub{self.server.count}"
        created = int(time.time())
        if request.get("stream"):
            self._stream(completion_id, created, model, text, usage,
                         bool((request.get("stream_options") or {}).get("include_usage")))
            return
        self._json(200, {
            "id": completion_id, "object": "chat.completion", "created": created, "model": model,
            "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                         "message": {"role": "assistant", "content": text}}],
            "usage": usage,
        })

    def _stream(self, completion_id: str, created: int, model: str, text: str, usage: dict[str, int],
                include_usage: bool) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        base = {"id": completion_id, "object": "chat.completion.chunk", "created": created, "model": model}
        words = text.split(" ")
        deltas: list[dict[str, Any]] = [{"role": "assistant", "content": ""}]
        deltas += [{"content": (w if i == 0 else " " + w)} for i, w in enumerate(words)]
        chunks: list[dict[str, Any]] = [
            {**base, "choices": [{"index": 0, "delta": d, "finish_reason": None, "logprobs": None}]}
            for d in deltas]
        chunks.append({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop", "logprobs": None}]})
        if include_usage:
            chunks.append({**base, "choices": [], "usage": usage})
        for chunk in chunks:
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()


class StubServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, slow_seconds: float) -> None:
        super().__init__(("127.0.0.1", port), Handler)
        self.slow_seconds = slow_seconds
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.count = 0

    def server_close(self) -> None:
        self.stopping.set()
        super().server_close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: a free one)")
    parser.add_argument("--port-file", type=Path, help="write the bound port here once listening")
    parser.add_argument("--slow-seconds", type=float, default=120.0, help=f"how long {SLOW_MODEL} takes")
    args = parser.parse_args(argv)
    server = StubServer(args.port, args.slow_seconds)
    if args.port_file:
        tmp = args.port_file.with_suffix(".tmp")
        tmp.write_text(str(server.server_address[1]))
        tmp.replace(args.port_file)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
