"""A restart does not fight orphaned workers for the port (issue 14, hole 11).

After SIGKILL of the gunicorn master its workers keep the listening socket until they notice; ``linli run``
waits for the port instead of starting a web server that cannot bind and exits at once.
"""

import socket
import threading

from linli.core.management.commands.linli_run import port_is_free, wait_for_port


def _held_port() -> tuple[socket.socket, int]:
    holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    return holder, holder.getsockname()[1]


def test_a_free_port_is_seen_free_and_a_held_one_not():
    holder, port = _held_port()
    try:
        assert not port_is_free("127.0.0.1", port)
    finally:
        holder.close()
    assert port_is_free("127.0.0.1", port)


def test_the_restart_waits_until_the_old_processes_let_go():
    holder, port = _held_port()
    told: list[str] = []
    threading.Timer(1.0, holder.close).start()  # the orphaned workers exit a moment later
    assert wait_for_port("127.0.0.1", port, timeout=10, log=told.append)
    assert told and str(port) in told[0]


def test_a_port_that_stays_held_gives_up_with_false():
    holder, port = _held_port()
    try:
        assert not wait_for_port("127.0.0.1", port, timeout=1.2, log=lambda _m: None)
    finally:
        holder.close()
