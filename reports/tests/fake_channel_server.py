"""A fake of the three HTTP channels on 127.0.0.1, for the channel tests: DingTalk's robot
(/dingtalk?access_token=…, checking the 加签 when given a secret), WeCom's (/wecom?key=…) and
the SMS gateway (/sms, checking X-Signature). It records every request and can be told to
answer 500, a robot's errcode ≠ 0, or nothing for longer than the client waits."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote_plus, urlsplit


@dataclass
class Received:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict:
        return json.loads(self.body.decode("utf-8"))


@dataclass
class FakeChannelServer:
    dingtalk_secret: str = ""
    sms_key: str = ""
    mode: str = "ok"  # ok | http500 | errcode | hang
    hang_seconds: float = 3.0
    received: list[Received] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # signatures that did not verify
    lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> FakeChannelServer:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
                with fake.lock:
                    fake.received.append(Received(parts.path, query, dict(self.headers), body))
                fake.verify(parts.path, query, dict(self.headers), body, raw_query=parts.query)
                if fake.mode == "hang":
                    time.sleep(fake.hang_seconds)
                    return self._answer(200, {"errcode": 0, "errmsg": "ok"})
                if fake.mode == "http500":
                    return self._answer(500, {"errcode": 500, "errmsg": "server error"})
                if fake.mode == "errcode" and parts.path != "/sms":
                    return self._answer(200, {"errcode": 310000, "errmsg": "keywords not in content"})
                return self._answer(200, {"errcode": 0, "errmsg": "ok"})

            def _answer(self, status: int, payload: dict):
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (the timeout test)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def verify(self, path: str, query: dict, headers: dict, body: bytes, *, raw_query: str) -> None:
        """Checks what the real services check, as they document it."""
        if path == "/dingtalk" and self.dingtalk_secret:
            timestamp = query.get("timestamp", "")
            # the sign is Base64, URL-encoded once: decode the raw query value exactly once
            raw_sign = next((p[5:] for p in raw_query.split("&") if p.startswith("sign=")), "")
            expected = base64.b64encode(
                hmac.new(
                    self.dingtalk_secret.encode(),
                    f"{timestamp}\n{self.dingtalk_secret}".encode(),
                    hashlib.sha256,
                ).digest()
            ).decode()
            if unquote_plus(raw_sign) != expected:
                self.problems.append(f"dingtalk sign {raw_sign!r} != {expected!r}")
            if not timestamp.isdigit() or abs(int(timestamp) - time.time() * 1000) > 3600 * 1000:
                self.problems.append(f"dingtalk timestamp {timestamp!r}")
        if path == "/sms":
            expected = hmac.new(self.sms_key.encode(), body, hashlib.sha256).hexdigest()
            if headers.get("X-Signature") != expected:
                self.problems.append("sms signature")

    def at(self, path: str) -> list[Received]:
        return [r for r in self.received if r.path == path]
