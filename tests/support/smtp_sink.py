#!/usr/bin/python3
"""SMTP sink of the test suites: a real SMTP server (aiosmtpd, Debian's
python3-aiosmtpd) on loopback that accepts every message and writes it, with
its envelope, as one JSON file per message into a directory:

    {"mail_from": "...", "rcpt_tos": ["..."], "received_at": "...", "data": "<raw message>"}

Files are written whole (a temporary name, then renamed), so a reader never
sees half a message. A recipient whose address contains "refuse" is refused
with 550, so that permanent refusals can be tested.

    /usr/bin/python3 tests/support/smtp_sink.py --port 2525 --dir /tmp/mails

Prints "listening PORT" once ready; stops on SIGTERM or SIGINT.
"""
import argparse
import itertools
import json
import os
import signal
import threading
import time

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, directory):
        self.directory = directory
        self.counter = itertools.count(1)
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if "refuse" in address.lower():
            return "550 5.1.1 Adresse refusée par le serveur de test"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            n = next(self.counter)
        name = f"{time.time_ns()}-{os.getpid()}-{n:06d}"
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "received_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            # The raw bytes; our messages are 7-bit, anything else survives as latin-1.
            "data": envelope.original_content.decode("latin-1"),
        }
        tmp = os.path.join(self.directory, "." + name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(record, f)
        os.rename(tmp, os.path.join(self.directory, name + ".json"))
        return "250 Message accepted for delivery"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    controller = Controller(Sink(args.dir), hostname=args.host, port=args.port)
    controller.start()
    print(f"listening {args.port}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
