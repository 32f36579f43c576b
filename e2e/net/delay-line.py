#!/usr/bin/env python3
"""A shaped Ethernet link in user space, for kernels built without tc netem (some minimal VM
kernels): two TAP devices, and frames carried between them as netem's
`delay D loss L rate R limit N` would, each direction on its own: random loss, then a rate
limiter with a drop-tail queue of N frames, then a fixed one-way delay.

    delay-line.py TAP_A TAP_B DELAY_MS LOSS_PERCENT RATE_MBIT LIMIT_PACKETS [MAX_SECONDS]

Prints "ready" once both devices exist (the caller then bridges them and brings them up). The
devices vanish when the process ends: when it is signalled, when the process that started it
is gone (a test runner killed outright), or after MAX_SECONDS (default 1800) at the latest.
"""
import collections
import fcntl
import os
import random
import select
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000
# Frames read per wake-up and direction, so one busy direction cannot starve the other.
READ_BATCH = 64
# Upper bound on a poll, so the loop notices a due frame even if its clock estimate was off.
MAX_POLL_MS = 50


def open_tap(name):
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TAP | IFF_NO_PI))
    return fd


class Direction:
    def __init__(self, source, target):
        self.source = source
        self.target = target
        # FIFO of (due time, frame): departures only grow and the delay is fixed, so due times do too.
        self.queue = collections.deque()
        self.wire_free_at = 0.0


def main():
    tap_a, tap_b, delay_ms, loss_percent, rate_mbit, limit = sys.argv[1:7]
    stop_at = time.monotonic() + (float(sys.argv[7]) if len(sys.argv) > 7 else 1800)
    parent = os.getppid()
    delay_s = float(delay_ms) / 1000
    loss = float(loss_percent) / 100
    seconds_per_byte = 8 / (float(rate_mbit) * 1_000_000)
    limit = int(limit)
    fd_a, fd_b = open_tap(tap_a), open_tap(tap_b)
    directions = {fd_a: Direction(fd_a, fd_b), fd_b: Direction(fd_b, fd_a)}
    poller = select.poll()
    for fd in directions:
        poller.register(fd, select.POLLIN)
    print("ready", flush=True)

    while os.getppid() == parent and time.monotonic() < stop_at:
        now = time.monotonic()
        waits = [d.queue[0][0] - now for d in directions.values() if d.queue]
        timeout_ms = MAX_POLL_MS if not waits else max(0, min(MAX_POLL_MS, int(min(waits) * 1000) + 1))
        for fd, _ in poller.poll(timeout_ms):
            direction = directions[fd]
            for _ in range(READ_BATCH):
                try:
                    frame = os.read(fd, 65536)
                except (BlockingIOError, OSError):
                    break
                if random.random() < loss or len(direction.queue) >= limit:
                    continue
                arrival = time.monotonic()
                starts_at = max(arrival, direction.wire_free_at)
                direction.wire_free_at = starts_at + len(frame) * seconds_per_byte
                direction.queue.append((direction.wire_free_at + delay_s, frame))
        now = time.monotonic()
        for direction in directions.values():
            while direction.queue and direction.queue[0][0] <= now:
                _, frame = direction.queue.popleft()
                try:
                    os.write(direction.target, frame)
                except OSError:
                    pass  # the far device is down or full: the frame is lost, as on a wire


if __name__ == "__main__":
    main()
