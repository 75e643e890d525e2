#!/usr/bin/python3
"""udp_nat.py INSIDE_ADDR OUTSIDE_ADDR PEER_ADDR PORT...: a user-space NAT for UDP (the lab has
no netfilter tools). For each PORT it listens on INSIDE_ADDR:PORT, where the host behind the NAT
sends to reach PEER_ADDR:PORT, and forwards each datagram to PEER_ADDR:PORT from OUTSIDE_ADDR and
a port of its own (the mapping); the peer's answers to that port go back to the sender. IKE,
NAT keepalives and ESP-in-UDP are UDP datagrams alike. SIGUSR1 rebinds: every mapping is
dropped and new ones get new ports, as when a NAT reboots or its conntrack table is flushed.
Prints "mapping PORT -> OUTSIDE_PORT" for each mapping it makes."""
import selectors
import signal
import socket
import sys

inside, outside, peer = sys.argv[1:4]
ports = [int(p) for p in sys.argv[4:]]
sel = selectors.DefaultSelector()
listeners = {}  # port -> socket on inside:port
clients = {}    # port -> the inside sender's address
mappings = {}   # port -> socket on outside:ephemeral
rebind = False


def on_usr1(signum, frame):
    global rebind
    rebind = True


def drop_mappings():
    for s in mappings.values():
        sel.unregister(s)
        s.close()
    mappings.clear()


def mapping(port):
    if port not in mappings:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((outside, 0))
        mappings[port] = s
        sel.register(s, selectors.EVENT_READ, ("out", port))
        print(f"mapping {port} -> {s.getsockname()[1]}", flush=True)
    return mappings[port]


for port in ports:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((inside, port))
    listeners[port] = s
    sel.register(s, selectors.EVENT_READ, ("in", port))
signal.signal(signal.SIGUSR1, on_usr1)
print("ready", flush=True)
while True:
    if rebind:
        rebind = False
        drop_mappings()
        print("rebound: mappings dropped", flush=True)
    for key, _ in sel.select(timeout=0.2):
        side, port = key.data
        try:
            data, sender = key.fileobj.recvfrom(65535)
        except OSError:
            continue
        if side == "in":
            clients[port] = sender
            mapping(port).sendto(data, (peer, port))
        elif port in clients and sender == (peer, port):
            listeners[port].sendto(data, clients[port])
