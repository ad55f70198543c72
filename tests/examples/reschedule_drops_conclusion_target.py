#!/usr/bin/env python3
"""The Python example target with a planted bug of the save path: moving an appointment to
another day clears its conclusion (and does not bump the version).

savefuzz must name it appointment-update-preserves-observation and shrink it to a few steps.
The benchmarks use it to time finding and shrinking through a Python process.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "targets", "examples", "python"))
import records_target  # noqa: E402

_update = records_target.Records.update_appointment


def update_appointment(self, a):
    ident = a.request.get("appointment")
    before = self.store.one("SELECT start FROM appointment WHERE id = ?", (ident,)) if isinstance(ident, str) else None
    answer = _update(self, a)
    if before and a.has("start") and a.request["start"][:10] != before[0][:10]:
        self.store.write([("UPDATE appointment SET conclusion = '' WHERE id = ?", (ident,))])
    return answer


records_target.Records.update_appointment = update_appointment
sys.exit(records_target.main())
