#!/usr/bin/env python3
"""A savefuzz target in front of an HTTP service (docs/adapters.md, section 7).

It starts notes_service.py on the data directory savefuzz gives, reads one protocol request
per stdin line, turns it into the service's HTTP call, and answers with what the service said:
its status code mapped back to the contract's error codes. The protocol's own rules (strict
JSON, integer ids, hello, line length) stay here, in the adapter, as in the Python example.

    savefuzz replay corpus/regressions --target-cmd 'python3 targets/examples/http/http_adapter.py'
"""

import ctypes
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "python"))
import records_target as rt  # noqa: E402

CODES = {400: "invalid", 403: "forbidden", 404: "not_found", 409: "exists", 412: "conflict", 503: "unavailable"}


def die_with_parent():
    """In the service: a SIGKILL of the adapter (savefuzz's crash) kills the service too, so that
    nothing it acknowledged outlives the crash in memory."""
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


class Service:
    def __init__(self, data_dir):
        self.tmp = tempfile.mkdtemp(prefix="notes-service-")
        port_file = os.path.join(self.tmp, "port")
        # The fault library savefuzz preloads is the adapter's: the service's own storage is out
        # of its reach (the campaign summary says which fault steps ran).
        env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
        self.process = subprocess.Popen([sys.executable, os.path.join(HERE, "notes_service.py"), data_dir, port_file],
                                        env=env, preexec_fn=die_with_parent)
        deadline = time.monotonic() + 20
        while not os.path.exists(port_file):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("http_adapter.py: the service did not start")
            time.sleep(0.01)
        with open(port_file) as f:
            self.connection = http.client.HTTPConnection("127.0.0.1", int(f.read()), timeout=60)

    def call(self, method, path, body=None):
        """The service's status and JSON answer."""
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.connection.request(method, path, body=data, headers={"Content-Type": "application/json"})
        response = self.connection.getresponse()
        return response.status, json.loads(response.read() or b"{}")

    def stop(self):
        self.process.terminate()
        self.process.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)


def serve(service, request):
    """The success keys of one request, or rt.Refused."""
    ident = request.get("id")
    if not rt.is_int(ident) or not rt.INT64[0] <= ident <= rt.INT64[1]:
        raise rt.Refused("invalid", "id is a 64-bit integer")
    op = request.get("op")
    if op == "hello":
        rt.Args(request, ("protocol",))
        if not rt.is_int(request["protocol"]) or request["protocol"] != 1:
            raise rt.Refused("invalid", "this target speaks protocol 1")
        return {"target": "http-example", "limits": service.call("GET", "/limits")[1], "features": ["reset"]}
    if op == "reset":
        rt.Args(request, ())
        status, body = service.call("POST", "/reset", {})
    elif isinstance(op, str) and op in rt.OPS:
        status, body = service.call("POST", "/ops/" + op, {k: v for k, v in request.items() if k not in ("id", "op")})
    else:
        raise rt.Refused("invalid", "unknown op")
    if status != 200:
        raise rt.Refused(CODES.get(status, "unavailable"), body.get("error", "HTTP %d" % status))
    return body


def main():
    directory = os.environ.get("SAVEFUZZ_DATA_DIR")
    if not directory or not os.path.isdir(directory):
        sys.stderr.write("http_adapter.py: SAVEFUZZ_DATA_DIR must name an existing directory\n")
        return 2
    service = Service(directory)
    out = sys.stdout.buffer
    try:
        for raw in rt.read_lines(sys.stdin.buffer):
            ident = None
            try:
                if raw is None:
                    raise rt.Refused("invalid", "line over 16 MiB")
                request = rt.parse_line(raw)
                if rt.is_int(request.get("id")) and rt.INT64[0] <= request["id"] <= rt.INT64[1]:
                    ident = request["id"]
                reply = dict({"id": ident, "ok": True}, **serve(service, request))
            except rt.Refused as e:
                reply = {"id": ident, "ok": False, "error": {"code": e.code, "message": str(e)}}
            out.write(json.dumps(reply, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n")
            out.flush()
    finally:
        service.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
