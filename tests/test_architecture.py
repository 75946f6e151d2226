"""The layers of the tree: everything but the Discord adapter runs without discord.py loaded."""

from __future__ import annotations

import subprocess
import sys

PURE = ("bot.knowledge", "bot.answering", "bot.curation", "bot.app", "bot.cli", "bot.settings", "bot.benchmark")


def test_only_the_discord_adapter_imports_discord() -> None:
    # Every module of the pure packages is imported, then an answer is computed, in a fresh interpreter.
    code = (
        "import importlib, pkgutil, sys\n"
        f"for name in {PURE!r}:\n"
        "    module = importlib.import_module(name)\n"
        "    for info in pkgutil.walk_packages(getattr(module, '__path__', []), name + '.'):\n"
        "        importlib.import_module(info.name)\n"
        "from bot.answering import Engine\n"
        "from bot.knowledge import bundled_knowledge_dir, load_knowledge\n"
        "Engine(load_knowledge(bundled_knowledge_dir())).ask('which companies paused facial recognition?')\n"
        "print(sorted(m for m in sys.modules if m == 'discord' or m.startswith('discord.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
