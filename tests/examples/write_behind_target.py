#!/usr/bin/env python3
"""The Python example target with a planted durability bug: writes are answered at once and
committed only when the process exits cleanly (stdin closed).

Reads in the same process see them, so nothing looks wrong until a crash, or a crash_during of
any request, loses them. savefuzz must name it ack-durable, never all-or-nothing, whatever
request the crash caught.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "targets", "examples", "python"))
import records_target  # noqa: E402

stores = []
_init = records_target.Store.__init__


def init(self, directory):
    _init(self, directory)
    stores.append(self)


def write(self, statements):
    if not self.db.in_transaction:
        self.db.execute("BEGIN IMMEDIATE")
    for sql, params in statements:
        self.db.execute(sql, params)


records_target.Store.__init__ = init
records_target.Store.write = write
code = records_target.main()
for store in stores:
    if store.db.in_transaction:
        store.db.execute("COMMIT")
sys.exit(code)
