#!/usr/bin/env python3
"""Send malformed Ethernet/IPv4 frames out of an interface (AF_PACKET).

usage: send_frames.py IFNAME DST_MAC KIND COUNT
KIND: runt | bad-ipv4-version | bad-ipv4-ihl | truncated-ipv4 | short-ipv4
Used to show the dataplane counts bad frames as drops and keeps running.
"""
import socket
import struct
import sys


def frame(kind, dst, src):
    eth = dst + src + struct.pack("!H", 0x0800)
    good_ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 28, 1, 0, 64, 17, 0,
                          bytes([192, 0, 2, 2]), bytes([192, 0, 2, 1])) + b"\0" * 8
    if kind == "runt":
        return dst + src[:4]                      # 10 bytes: no EtherType
    if kind == "bad-ipv4-version":
        return eth + bytes([0x65]) + good_ip[1:]  # version 6 in an IPv4 EtherType
    if kind == "bad-ipv4-ihl":
        return eth + bytes([0x43]) + good_ip[1:]  # IHL 3 < 5
    if kind == "truncated-ipv4":
        ip = bytearray(good_ip)
        ip[2:4] = struct.pack("!H", 1400)         # claims 1400 bytes, carries 28
        return eth + bytes(ip)
    if kind == "short-ipv4":
        return eth + good_ip[:12]                 # less than an IPv4 header
    raise SystemExit(f"unknown kind {kind}")


def main():
    ifname, dst_mac, kind, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    dst = bytes.fromhex(dst_mac.replace(":", ""))
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((ifname, 0))
    src = s.getsockname()[4]
    f = frame(kind, dst, src)
    for _ in range(count):
        s.send(f)


if __name__ == "__main__":
    main()
