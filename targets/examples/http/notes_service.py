#!/usr/bin/env python3
"""A small web service that keeps medical records: the kind of save path an HTTP adapter puts
under test (docs/adapters.md, section 7).

    POST /ops/<op>   body: the op's arguments as a JSON object
                     200 and the result, or 400 / 403 / 404 / 409 / 412 / 503 and {"error": message}
    GET  /limits     the text limits, in bytes
    POST /reset      drops everything

Its storage and its checks are the Python example's (../python/records_target.py), committed
before each answer. Usage: notes_service.py DATA_DIR PORT_FILE: it listens on 127.0.0.1 on a
free port and writes the port to PORT_FILE once it accepts connections.
"""

import json
import os
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
import records_target as rt  # noqa: E402

STATUS = {"invalid": 400, "forbidden": 403, "not_found": 404, "exists": 409, "conflict": 412, "unavailable": 503}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # one connection for the whole session
    disable_nagle_algorithm = True  # headers and body leave at once, not 40 ms apart
    records = None

    def reply(self, status, body):
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/limits":
            self.reply(200, rt.LIMITS)
        else:
            self.reply(404, {"error": "no such resource"})

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        try:
            if self.path == "/reset":
                self.records.store.reset()
                self.reply(200, {})
                return
            if not self.path.startswith("/ops/"):
                self.reply(404, {"error": "no such resource"})
                return
            request = dict(json.loads(body), id=0, op=self.path[len("/ops/"):])
            self.reply(200, rt.handle(self.records, request))
        except rt.Refused as e:
            self.reply(STATUS[e.code], {"error": str(e)})

    def log_message(self, *args):  # no access log on stderr
        pass


def main():
    if len(sys.argv) != 3 or not os.path.isdir(sys.argv[1]):
        sys.stderr.write("usage: notes_service.py DATA_DIR PORT_FILE\n")
        return 2
    Handler.records = rt.Records(rt.Store(sys.argv[1]))
    server = HTTPServer(("127.0.0.1", 0), Handler)
    with open(sys.argv[2] + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(sys.argv[2] + ".tmp", sys.argv[2])
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
