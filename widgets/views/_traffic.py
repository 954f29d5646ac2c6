"""What a view sends to the browser: the bytes of every widget message, recorded in-process.

Used by the benchmark and the tests (not by learners). Inside :func:`recorded`, every widget
created opens a recording comm instead of a real one, and every message it publishes (the
``comm_open`` with the widget's whole state, then each ``comm_msg`` update) is measured: its JSON
plus its binary buffers. That is what a kernel would send to JupyterLab over the websocket.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


def _size(data: Any, buffers: Any) -> int:
    text = json.dumps(data, default=str, separators=(",", ":"))
    return len(text.encode("utf-8")) + sum(len(memoryview(b).cast("B")) for b in buffers or ())


@dataclass
class Traffic:
    """Messages recorded so far: ``(kind, bytes)`` with kind ``open`` or ``update``."""

    messages: list[tuple[str, int]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(size for _, size in self.messages)

    def clear(self) -> None:
        self.messages.clear()


@contextmanager
def recorded() -> Iterator[Traffic]:
    """Record the size of every widget message published inside the block."""
    import comm
    from comm.base_comm import BaseComm

    traffic = Traffic()

    class RecordingComm(BaseComm):
        def publish_msg(self, msg_type: str, data: Any = None, metadata: Any = None,
                        buffers: Any = None, **keys: Any) -> None:
            kind = "open" if msg_type == "comm_open" else "close" if msg_type == "comm_close" else "update"
            traffic.messages.append((kind, _size(data, buffers)))

    original = comm.create_comm
    comm.create_comm = lambda *args, **kwargs: RecordingComm(*args, **kwargs)
    try:
        yield traffic
    finally:
        comm.create_comm = original
