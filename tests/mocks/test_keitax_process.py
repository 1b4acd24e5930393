"""Starting the mock as a subprocess: a starter must only ever talk to the server it started."""

from __future__ import annotations

import http.server
import threading

import httpx

from daiko.mocks.keitax.process import prepare_keitax


class _Impostor(http.server.BaseHTTPRequestHandler):
    """Another program on the port: answers /healthz with 200, like a mock of another fleet."""

    def do_GET(self) -> None:
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


def test_a_port_taken_before_the_server_binds_it_is_never_mistaken_for_the_server(tmp_path):
    # The race a busy CI machine hit: a fleet picks its ports first and binds them later; another
    # process took one in between, answered the readiness probe, and the tests logged in to the
    # wrong server with the wrong password ("login_failed").
    impostor = http.server.HTTPServer(("127.0.0.1", 0), _Impostor)
    threading.Thread(target=impostor.serve_forever, daemon=True).start()
    taken = impostor.server_address[1]
    server = prepare_keitax(tmp_path / "keitax", records=20)
    server.port, server.url = taken, f"http://127.0.0.1:{taken}"  # as if the port was taken after picking it
    try:
        server.start()
        assert server.port != taken
        with httpx.Client(base_url=server.url, follow_redirects=True) as client:
            page = client.post("/login", data={"user_id": server.user, "password": server.password})
        assert "KTX-0100" in page.text or "メニュー" in page.text, page.text[:500]
    finally:
        server.stop()
        impostor.shutdown()
