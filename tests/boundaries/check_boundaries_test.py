#!/usr/bin/env python3
"""The boundary check can fail: on tests/fixtures/boundaries it must exit 1
and report exactly the fixture's deliberate back edge and private include,
each with its file:line and rule."""

import os
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
repo = os.path.dirname(os.path.dirname(here))
check = os.path.join(repo, "scripts", "check-boundaries")
fixture = os.path.join(repo, "tests", "fixtures", "boundaries")

run = subprocess.run([sys.executable, check, "--root", fixture,
                      "--modules-file", os.path.join(repo, "cmake", "CallboardModules.cmake")],
                     capture_output=True, text=True)
print(run.stdout, end="")
print(run.stderr, end="", file=sys.stderr)
reported = [line for line in run.stdout.splitlines() if not line.startswith("check-boundaries:")]
expected = [
    "src/compat/private_include.cpp:4: private-include: compat includes \"registry/plugins_detail.hpp\", "
    "a private header of registry (src/registry/ is private to registry)",
    "src/model/back_edge.cpp:3: back-edge: model includes callboard/solver.hpp of solver, "
    "which comes later in the pipeline",
]
failures = []
if run.returncode != 1:
    failures.append(f"exit status {run.returncode}, expected 1")
if reported != expected:
    failures.append("reported:\n  " + "\n  ".join(reported) + "\nexpected:\n  " + "\n  ".join(expected))
if failures:
    print("FAIL: " + "\n".join(failures))
    sys.exit(1)
print("ok: the check reports the fixture's back edge and private include")
