"""A loopback HTTP server for the SDK's tests. It prints its port and a port on which nothing
listens, one per line, then serves until stdin closes or it is killed. It never binds anything
but 127.0.0.1."""
import json
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _send(self, status, body, headers=None, content_length=True):
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if content_length:
            self.send_header("Content-Length", str(len(body)))
        else:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def _handle(self):
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if url.path == "/slow":
            time.sleep(float(query.get("seconds", "2")))
        if url.path == "/big":
            size = int(query.get("bytes", "1000"))
            chunked = query.get("length") == "none"
            return self._send(200, b"x" * size, {"Content-Type": "text/plain"}, content_length=not chunked)
        if url.path == "/redirect-http":
            return self._send(302, b"", {"Location": "http://insecure.example.invalid/v1"})
        if url.path.startswith("/status/"):
            return self._send(int(url.path.split("/")[2]), b'{"message":"status requested"}',
                              {"Content-Type": "application/json", "X-Request-Id": "req-loopback"})
        echo = {
            "method": self.command,
            "path": url.path,
            "rawPath": self.path,
            "query": query,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body": body.decode("utf-8", "replace"),
        }
        self._send(200, json.dumps(echo).encode(), {"Content-Type": "application/json"})

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _handle


def closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    print(closed_port(), flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()  # the test closes stdin (or exits) to stop the server
    server.shutdown()


if __name__ == "__main__":
    main()
