"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, keeping every message it accepts."""

from __future__ import annotations

import asyncio
import email
import email.policy
from contextlib import contextmanager

from aiosmtpd.controller import Controller


class Collector:
    """An aiosmtpd handler keeping every message; it can refuse recipients or stall after DATA."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.refuse_rcpt = False
        self.stall_seconds = 0.0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd API
        if self.refuse_rcpt:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        if self.stall_seconds:
            await asyncio.sleep(self.stall_seconds)  # delivered, but the answer is late
        return "250 Message accepted"


@contextmanager
def smtp_server(port: int, collector: Collector):
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield collector
    finally:
        controller.stop()
