"""Ports on 127.0.0.1 for tests that start servers (SMTP sinks, Prefect servers)."""

from __future__ import annotations

import socket

from flows.localserver import free_port

__all__ = ["free_port", "port_open"]


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0
