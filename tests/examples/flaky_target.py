#!/usr/bin/env python3
"""The Python example target with a bug that shows in every other process: deliberately flaky.

Processes are counted in a file beside the data directories (one per data root). In an
even-numbered one (counting from 1), save_observation acknowledges and stores nothing: the first
process savefuzz starts only checks that the program answers its hello, the second runs the
scenario. A finding against it fails on some new targets and not on others: savefuzz must report
it as flaky, never drop it.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "targets", "examples", "python"))
import records_target  # noqa: E402


def this_process_is_even():
    counter = os.path.join(os.path.dirname(os.path.abspath(os.environ["SAVEFUZZ_DATA_DIR"])), "flaky-target-starts")
    try:
        with open(counter) as f:
            n = int(f.read() or 0)
    except (OSError, ValueError):
        n = 0
    with open(counter, "w") as f:
        f.write(str(n + 1))
    return n % 2 == 1


if this_process_is_even():
    def save_nothing(self, a):
        version = self.store.one("SELECT version FROM appointment WHERE id = ?", (a.ident("appointment"),))
        return {"version": (version[0] if version else 0) + 1}
    records_target.Records.save_observation = save_nothing
sys.exit(records_target.main())
