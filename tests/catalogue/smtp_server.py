"""A real SMTP server (aiosmtpd) on 127.0.0.1, on a port the OS picks."""

from __future__ import annotations

import asyncio
import threading

from aiosmtpd.smtp import SMTP


class _Handler:
    def __init__(self, messages: list):
        self.messages = messages

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


class SMTPServer:
    def __init__(self):
        self.messages: list = []
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server = None
        self.port = 0

    def start(self) -> SMTPServer:
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(
            self._loop.create_server(
                lambda: SMTP(_Handler(self.messages), hostname="localhost"), "127.0.0.1", 0
            ),
            self._loop,
        )
        self._server = future.result(timeout=10)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        async def close():
            self._server.close()
            await self._server.wait_closed()

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"
