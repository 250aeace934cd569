"""HTTP at the edge, before any route: HEAD wherever GET is answered, and
no query parameters on the pages that take none.

- HEAD is answered as the GET would be (status and headers, Content-Length
  included) without the body, as RFC 9110 asks; FastAPI routes declare GET
  only, so without this every HEAD was a 405, even /health.
- `/`, `/docs`, `/redoc` and `/openapi.json` take no parameters: one given is
  a 422 naming it, as on every API route (nhskg.api.strict), rather than a
  page that silently ignores it.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGES_WITHOUT_PARAMETERS = frozenset({"/", "/docs", "/redoc", "/openapi.json", "/docs/oauth2-redirect"})


class HttpEdges:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"] in PAGES_WITHOUT_PARAMETERS and scope.get("query_string"):
            names = sorted({name for name, _ in parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)})
            body = json.dumps({"detail": f"{', '.join(names) or 'query'}: unknown parameter; {scope['path']} takes no query parameters"}).encode()
            await send({"type": "http.response.start", "status": 422, "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body if scope["method"] != "HEAD" else b""})
            return
        if scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if not message.get("more_body", False):
                    await send({"type": "http.response.body", "body": b""})
                return
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)
