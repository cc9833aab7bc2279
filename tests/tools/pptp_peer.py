#!/usr/bin/env python3
"""A minimal PPTP control-connection peer for tests (RFC 2637 section 2).

Speaks only what a test needs to see the TCP 1723 path work both ways:
sends a Start-Control-Connection-Request shaped like pptp-linux's and prints
the reply's fields as JSON. Written for the tests; not a PPTP client.
"""
import json
import socket
import struct
import sys

MAGIC = 0x1A2B3C4D
CTRL_MESSAGE = 1
SCCRQ, SCCRP = 1, 2
SCCRQ_LEN = 156


def sccrq():
    # pptp-linux's SCCRQ: framing 3, bearer 3, max channels 65535, "local"/"cananian"
    return struct.pack("!HHIHHHHIIHH64s64s", SCCRQ_LEN, CTRL_MESSAGE, MAGIC, SCCRQ, 0,
                       0x0100, 0, 3, 3, 65535, 1, b"local", b"cananian")


def recv_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError(f"connection closed after {len(buf)} of {n} bytes")
        buf += chunk
    return buf


def main():
    host, port = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1723
    with socket.create_connection((host, port), timeout=5) as s:
        s.sendall(sccrq())
        head = recv_exact(s, 10)
        length, msg_type, magic, ctrl_type = struct.unpack("!HHIH", head)
        body = recv_exact(s, length - 10)
        reply = {"length": length, "message_type": msg_type, "magic": magic, "control_type": ctrl_type}
        if ctrl_type == SCCRP and length == SCCRQ_LEN:
            (_, version, result, error, framing, bearer, channels, firmware,
             hostname, vendor) = struct.unpack("!HHBBIIHH64s64s", body)
            reply.update(version=version, result=result, error=error, framing=framing,
                         bearer=bearer, max_channels=channels, firmware=firmware,
                         hostname=hostname.rstrip(b"\0").decode(errors="replace"),
                         vendor=vendor.rstrip(b"\0").decode(errors="replace"))
        print(json.dumps(reply))


if __name__ == "__main__":
    main()
