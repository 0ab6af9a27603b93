"""A small threaded WSGI server from the standard library, for the web application on its own
(tests, ``python -m kg.web``). ``kg serve`` mounts the same application beside its SPARQL
endpoint; behind a reverse proxy any WSGI server runs it (``docs/web.md``)."""

from __future__ import annotations

from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

__all__ = ["make_web_server"]


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    request_queue_size = 256


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass


def make_web_server(app: Any, *, host: str = "127.0.0.1", port: int = 0) -> WSGIServer:
    """A threaded server for the WSGI ``app`` on ``host:port`` (0: a free port; see
    ``server.server_address``). Call ``serve_forever()``, and ``shutdown()`` to stop it.

    >>> server = make_web_server(lambda environ, start: [b""])
    >>> server.server_address[0]
    '127.0.0.1'
    >>> server.server_close()
    """
    return make_server(host, port, app, server_class=_Server, handler_class=_QuietHandler)
