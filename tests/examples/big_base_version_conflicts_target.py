#!/usr/bin/env python3
"""The Python example target, reading a base_version beyond 64 bits as the integer it is.

SPEC.md 4a.5 lets such a base_version be answered `conflict` as well as `invalid`; this copy
answers `conflict` (it matches no version), where the example answers `invalid`. savefuzz must
accept both.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "targets", "examples", "python"))
import records_target  # noqa: E402

records_target.INT64 = (-(1 << 1024), 1 << 1024)
sys.exit(records_target.main())
