#!/usr/bin/env python3
"""The Python example target, except that it exits (status 3) when its storage fails instead of
answering `unavailable`: SPEC.md 4a.13 allows that. savefuzz must start it again and check that
nothing of the failed request is visible and every earlier acknowledged value is, and never report
it as target-alive.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "targets", "examples", "python"))
import records_target  # noqa: E402

_write = records_target.Store.write


def write(self, statements):
    try:
        _write(self, statements)
    except records_target.Refused as refused:
        if refused.code == "unavailable":
            sys.stderr.write("storage failed, exiting: %s\n" % refused)
            os._exit(3)
        raise


records_target.Store.write = write
sys.exit(records_target.main())
