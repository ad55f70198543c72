#!/usr/bin/env python3
"""The Python example target with a planted bug in its reset: the document shares survive it.

A later scenario that reuses a document id then shows a recipient it never shared with, which
savefuzz must name reset-clean, not blame on the save path.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "targets", "examples", "python"))
import records_target  # noqa: E402

records_target.TABLES = tuple(t for t in records_target.TABLES if t != "share")
sys.exit(records_target.main())
