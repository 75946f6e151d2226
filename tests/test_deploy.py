"""The production files in deploy/ hold together: the Dockerfile is made of known instructions and
copies what exists, and the systemd unit has its sections, starts `storybot run`, and sets only
settings StoryBot reads. (CI also runs `systemd-analyze verify`, and `docker build` where Docker runs.)"""

from __future__ import annotations

import configparser
import re
import shlex
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
UNIT = ROOT / "deploy" / "storybot.service"
INSTRUCTIONS = {
    "FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME", "USER",
    "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL",
}  # fmt: skip


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of each instruction, continuation lines joined, comments left out."""
    found: list[tuple[str, str]] = []
    pending = ""
    for line in text.splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        pending += line.rstrip()
        if pending.endswith("\\"):
            pending = pending[:-1] + " "
            continue
        keyword, _, arguments = pending.strip().partition(" ")
        found.append((keyword, arguments.strip()))
        pending = ""
    assert not pending, "the Dockerfile ends inside a continued line"
    return found


def test_the_dockerfile_uses_known_instructions_and_copies_what_exists() -> None:
    steps = instructions(DOCKERFILE.read_text(encoding="utf-8"))

    assert steps[0][0] == "FROM"
    assert {keyword for keyword, _ in steps} <= INSTRUCTIONS
    for keyword, arguments in steps:
        if keyword == "COPY" and not arguments.startswith("--from"):
            *sources, _ = shlex.split(arguments)
            assert all((ROOT / source).exists() for source in sources), arguments
    script = next(iter(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]))
    assert ("ENTRYPOINT", f'["{script}"]') in steps
    assert ("CMD", '["run"]') in steps
    assert any(keyword == "USER" and arguments != "root" for keyword, arguments in steps)  # not run as root


def test_the_systemd_unit_starts_storybot_run_with_known_settings() -> None:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign] # keys are case-sensitive in a unit
    text = UNIT.read_text(encoding="utf-8")
    unit.read_string(text)

    assert {"Unit", "Service", "Install"} <= set(unit.sections())
    assert unit["Service"]["ExecStart"].endswith("/storybot run")
    assert unit["Install"]["WantedBy"] == "multi-user.target"
    documented = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(encoding="utf-8"), re.MULTILINE))
    assert set(re.findall(r"^Environment=([A-Z_]+)=", text, re.MULTILINE)) <= documented
