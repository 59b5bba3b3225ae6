#!/usr/bin/env python3
"""A scripted OpenAI-compatible chat endpoint on loopback, for writing recorded replies.

No model runs here. A person writes the replies a model should give, one file per reply under a
scripts directory; this server answers each chat request with the first script whose every
`match:` line occurs in the request's last user message, and with a prose reply (which the tool
refuses) when none does. Run cargo fix-swarm against it with `--llm-record DIR` to turn the
scripts into a cassette that `--llm-replay DIR` answers from, with no network, in CI.

Script file format (UTF-8 text):

    match: text that must occur in the prompt
    match: another such text
    ---
    the reply, verbatim (SEARCH/REPLACE blocks)

Token counts in `usage` are estimates (characters / 4), since nothing here tokenizes: say so
wherever they are reported.

Usage: serve.py SCRIPTS_DIR [--port 8765]
"""

import argparse
import json
import pathlib
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def load_scripts(directory):
    scripts = []
    for path in sorted(pathlib.Path(directory).glob("*.txt")):
        head, sep, reply = path.read_text(encoding="utf-8").partition("\n---\n")
        if not sep:
            sys.exit(f"{path}: no '---' line between the match lines and the reply")
        matches = [
            line[len("match:"):].strip()
            for line in head.splitlines()
            if line.startswith("match:")
        ]
        if not matches:
            sys.exit(f"{path}: no 'match:' line")
        scripts.append((path.name, matches, reply))
    return scripts


def estimate_tokens(text):
    return max(1, len(text) // 4)


def make_handler(scripts):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            if not self.path.endswith("/chat/completions"):
                self.send_error(404)
                return
            length = int(self.headers.get("Content-Length", "0"))
            request = json.loads(self.rfile.read(length))
            users = [m["content"] for m in request["messages"] if m["role"] == "user"]
            prompt = users[-1] if users else ""
            reply = "No script matches this request."
            chosen = None
            for name, matches, text in scripts:
                if all(m in prompt for m in matches):
                    reply, chosen = text, name
                    break
            sys.stderr.write(f"request ({len(prompt)} chars) -> {chosen or 'no script'}\n")
            asked = sum(estimate_tokens(m["content"]) for m in request["messages"])
            body = {
                "id": "scripted",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": request.get("model", "scripted"),
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": reply},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {
                    "prompt_tokens": asked,
                    "completion_tokens": estimate_tokens(reply),
                    "total_tokens": asked + estimate_tokens(reply),
                },
            }
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scripts")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    scripts = load_scripts(args.scripts)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(scripts))
    sys.stderr.write(f"serving {len(scripts)} scripts on http://127.0.0.1:{args.port}/v1\n")
    server.serve_forever()


if __name__ == "__main__":
    main()
