"""A real OpenAI-compatible chat-completions endpoint on 127.0.0.1 (stdlib `http.server` in a thread), whose
behaviour a test scripts: canned answers, slow answers, server errors, rate limits, garbage."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Step:
    """One response: `status`, an answer `text` (as the assistant message) or a raw `body`, a `delay` in seconds,
    extra `headers`."""

    status: int = 200
    text: str | None = None
    body: str | None = None
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Endpoint:
    url: str
    script: list[Step]
    requests: list[dict[str, object]] = field(default_factory=list)  # path, headers, body of each request
    times: list[float] = field(default_factory=list)


@contextmanager
def serve(*steps: Step, repeat_last: bool = True) -> Iterator[Endpoint]:
    """Serve `steps` in order, one per request (the last one repeats when `repeat_last`)."""
    endpoint = Endpoint("", list(steps))
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            raw = self.rfile.read(length)
            with lock:
                endpoint.requests.append({"path": self.path, "headers": dict(self.headers.items()),
                                          "body": json.loads(raw or b"{}")})
                endpoint.times.append(time.monotonic())
                if len(endpoint.script) > 1 or not repeat_last:
                    step = endpoint.script.pop(0) if endpoint.script else Step(status=500)
                else:
                    step = endpoint.script[0]
            if step.delay:
                time.sleep(step.delay)
            if step.body is not None:
                payload = step.body.encode()
            else:
                payload = json.dumps({"id": "test", "object": "chat.completion", "choices": [
                    {"index": 0, "message": {"role": "assistant", "content": step.text or ""},
                     "finish_reason": "stop"}]}).encode()
            try:
                self.send_response(step.status)
                for name, value in step.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    endpoint.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield endpoint
    finally:
        server.shutdown()
        server.server_close()
