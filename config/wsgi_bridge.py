"""Django's WSGI handler served from the ASGI server, one thread hop per request.

Crux's pages and writes are synchronous Django. Under Django's ASGI handler every sync
middleware method and the view each hop between the event loop and a thread (about 15 hops per
request, and a new thread per request); here the whole request runs in one pooled thread, as it
would under a WSGI server, while the same uvicorn process keeps serving the live streams
(debates.live) on its event loop. asgiref's WsgiToAsgi does the same translation but runs every
request of a process on a single thread, so one request's database wait would stall the rest.
"""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from tempfile import SpooledTemporaryFile

from asgiref.wsgi import WsgiToAsgiInstance

BODY_IN_MEMORY = 64 * 1024


class ThreadedWSGI:
    def __init__(self, wsgi_application, threads: int, max_body: int):
        self.wsgi_application = wsgi_application
        self.executor = ThreadPoolExecutor(threads, thread_name_prefix="django")
        # The body is read whole before Django sees it: a bound, so no request can fill the disk.
        self.max_body = max_body

    async def __call__(self, scope, receive, send):
        with SpooledTemporaryFile(max_size=BODY_IN_MEMORY) as body:
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                body.write(message.get("body", b""))
                if body.tell() > self.max_body:
                    await _refuse_too_large(send)
                    return
                if not message.get("more_body"):
                    break
            body.seek(0)
            loop = asyncio.get_running_loop()
            request = _Request(self.wsgi_application, scope, body, send, loop)
            messages = await loop.run_in_executor(self.executor, request.run)
            for message in messages:
                await send(message)

    def shutdown(self):
        self.executor.shutdown(wait=False, cancel_futures=True)


async def _refuse_too_large(send):
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"connection", b"close")],
        }
    )
    await send({"type": "http.response.body", "body": b"Request body too large."})


class _Request(WsgiToAsgiInstance):
    """One request in a pool thread. A plain response comes back whole, to be sent from the event
    loop; a streaming one is sent chunk by chunk from the thread as it is produced."""

    def __init__(self, wsgi_application, scope, body, send, loop):
        super().__init__(wsgi_application)
        self.scope, self.body, self.send, self.loop = scope, body, send, loop

    def run(self):
        environ = self.build_environ(self.scope, self.body)
        result = self.wsgi_application(environ, self.start_response)
        try:
            if not getattr(result, "streaming", False):
                content = b"".join(result)
                return [
                    self.response_start,
                    {"type": "http.response.body", "body": content},
                ]
            self._send(self.response_start)
            for chunk in result:
                if chunk:
                    self._send({"type": "http.response.body", "body": chunk, "more_body": True})
            self._send({"type": "http.response.body"})
            return []
        finally:
            # Django's request_finished (connections back to the pool) must run on this thread.
            if hasattr(result, "close"):
                result.close()

    def _send(self, message):
        asyncio.run_coroutine_threadsafe(self.send(message), self.loop).result()
