"""The README's Quick start works as written, and signs the letters with a real-looking name."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def _quick_start() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1]
    command = re.search(r"```sh\n(.+?)\n```", section, re.S)
    assert command is not None
    return command.group(1).split(" && ")


def test_the_quick_start_runs_and_signs_with_the_configured_name(isolated: Path) -> None:
    steps = _quick_start()
    assert steps[0].startswith("python3 -m venv") and "pip install" in steps[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOI_")}
    env["HOME"] = str(isolated)
    foi = f"{shlex.quote(sys.executable)} -m foi"
    for step in steps[2:]:  # the venv and pip steps are what the test run already has
        assert ".venv/bin/foi" in step
        done = subprocess.run(
            step.replace(".venv/bin/foi", foi),
            shell=True,
            cwd=isolated,
            env={**env, "PYTHONPATH": str(REPO)},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, f"{step}\n{done.stderr}"
    letters = list((isolated / "outbox").iterdir())
    assert len(letters) >= 40
    for path in letters:
        text = path.read_text(encoding="utf-8")
        assert "Your Name" not in text and "example.invalid" not in text
        assert "Sam Taylor" in text
    eml = next(p for p in letters if p.suffix == ".eml").read_text(encoding="utf-8")
    assert "From: Sam Taylor <sam.taylor@simwatch.org.uk>" in eml
