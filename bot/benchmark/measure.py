"""Measurements, each run in a fresh interpreter (`python -m bot.benchmark KIND ...`) so that one never
inherits another's heap: its peak RSS is its own. Each prints one JSON line.

The engine is used only through what every front end uses: `load_engine` and `Engine.ask`.
"""

from __future__ import annotations

import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from bot.benchmark.data import Question


def peak_rss_mb() -> float:
    """This process's peak resident memory. On Linux from /proc (VmHWM): `ru_maxrss` would also count the
    parent's peak, which Linux carries over into a child across fork and exec."""
    try:
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS
    return peak / 1024 if sys.platform != "darwin" else peak / 2**20


def memory_now() -> dict[str, float]:
    """This process's resident memory now, its peak, and of what it holds now the part that is its own (anonymous)
    and the part that is mapped files (the engine cache's arrays, tantivy's index), in MB, from /proc (Linux);
    only the peak elsewhere."""
    wanted = {"VmRSS": "rss_mb", "VmHWM": "peak_rss_mb", "RssAnon": "anonymous_mb", "RssFile": "file_mb"}
    found: dict[str, float] = {}
    try:
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            name = line.split(":", 1)[0]
            if name in wanted:
                found[wanted[name]] = int(line.split()[1]) / 1024
    except OSError:
        pass
    return found or {"peak_rss_mb": peak_rss_mb()}


def memory(directory: Path, questions_file: Path, cache_dir: Path) -> dict[str, Any]:
    """Where an answering process's memory goes, step by step: `python -m bot.benchmark memory DIR QUESTIONS
    CACHE`. At the start (the engine's code imported: this package imports it), opening the engine from the
    cache (warm when a load has filled it), reading the word lists as the bot does at start-up (general
    English, then the language lists), answering every question once, and again; after each, `memory_now`."""
    from bot.answering import general_english, language
    from bot.answering.cache import load_engine

    steps: dict[str, dict[str, float]] = {"start": memory_now()}
    start = time.perf_counter()
    engine, warm = load_engine(directory, cache_dir)
    steps["open"] = {**memory_now(), "seconds": time.perf_counter() - start, "warm": float(warm)}
    general_english.load()
    steps["general English"] = memory_now()
    language.load()
    steps["language lists"] = memory_now()
    texts = [q.text for q in read_questions(questions_file)]
    for step in ("answers", "answers again"):
        start = time.perf_counter()
        for text in texts:
            engine.ask(text)
        steps[step] = {**memory_now(), "seconds": time.perf_counter() - start}
    return {"steps": steps, "questions": len(texts), "entries": len(engine.kb.entries)}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else 0.0


def timings(times: list[float]) -> dict[str, float]:
    return {
        "median_ms": statistics.median(times) if times else 0.0,
        "p99_ms": percentile(times, 0.99),
        "max_ms": max(times, default=0.0),
    }


def read_questions(path: Path) -> list[Question]:
    return [Question(**q) for q in json.loads(path.read_text(encoding="utf-8"))]


def child(kind: str, *args: str) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter and return what it printed."""
    out = subprocess.run(  # noqa: S603 - this same package, with paths the benchmark made
        [sys.executable, "-m", "bot.benchmark", kind, *args], check=True, capture_output=True, text=True
    ).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def ask_process(directory: Path, question: str, data_dir: Path) -> dict[str, Any]:
    """`storybot ask --kb DIR QUESTION` as a whole process, as a user runs it, start to exit, with the engine
    cache of `data_dir` (warm when a load has filled it)."""
    environment = {**os.environ, "STORYBOT_DATA_DIR": str(data_dir)}
    start = time.perf_counter()
    subprocess.run(  # noqa: S603 - this same package, with a path the benchmark made
        [sys.executable, "-m", "bot", "ask", "--kb", str(directory), question],
        check=True,
        capture_output=True,
        env=environment,
    )
    return {"seconds": time.perf_counter() - start}


def bare_yaml(directory: Path) -> dict[str, Any]:
    """`yaml.load` of every file with the C loader and nothing else: what a load is compared to."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    files = sorted(directory.rglob("*.yaml"))
    start = time.perf_counter()
    data = [yaml.load(f.read_bytes(), Loader=loader) for f in files]  # noqa: S506 - the safe C loader
    return {"seconds": time.perf_counter() - start, "peak_rss_mb": peak_rss_mb(), "files": len(data)}


def load(directory: Path, cache_dir: Path) -> dict[str, Any]:
    from bot.answering.cache import load_engine

    start = time.perf_counter()
    engine, warm = load_engine(directory, cache_dir)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "warm": warm, "peak_rss_mb": peak_rss_mb(), "entries": len(engine.kb.entries)}


def _ask_all(questions: list[Question], answer: Callable[[str], tuple[str | None, float]]) -> dict[str, Any]:
    """Each question's (entry answered or None, score) and the time it took."""
    gc.collect()
    got: list[tuple[str | None, float]] = []
    times: list[float] = []
    for q in questions:
        start = time.perf_counter()
        got.append(answer(q.text))
        times.append((time.perf_counter() - start) * 1000)
    return {"answers": got, **timings(times)}


def answers(directory: Path, questions_file: Path, cache_dir: Path) -> dict[str, Any]:
    """The engine on every question (warm from the cache), then again while a reload runs. The engine is
    warmed up first, as `storybot run` and `console` do at start-up (`warm_up`): the figures are a reader's."""
    from bot.answering.cache import load_engine
    from bot.answering.startup import warm_up

    engine, _ = load_engine(directory, cache_dir)
    warm_up(engine)
    questions = read_questions(questions_file)

    def ask(text: str) -> tuple[str | None, float]:
        result = engine.ask(text)
        answered = result.entry.id if result.entry is not None and result.answered else None
        return answered, result.confidence

    measured = _ask_all(questions, ask)
    peak = peak_rss_mb()  # before the reload, which holds a second engine while it builds
    during = _during_reload(ask, questions, directory)
    return {**measured, "peak_rss_mb": peak, "during_reload": {**during, "peak_rss_mb": peak_rss_mb()}}


def questions(directory: Path, questions_file: Path, cache_dir: Path, rounds: int = 3) -> dict[str, Any]:
    """The engine opened warm and warmed up (`warm_up`) asks every question `rounds` times:
    `python -m bot.benchmark questions DIR QUESTIONS CACHE [ROUNDS]`. Beside the times of every ask, those
    of each question's fastest round (`fastest`), and the processor time of every ask (`cpu`, this thread's):
    on a shared machine a question is now and then a time slice late, which says more of the machine than of
    the engine; an ask whose processor time is long is the engine's own doing. Peak RSS is after answering;
    `entries_read` is how many entries the answers brought into memory (an engine opened warm reads an entry
    when first used)."""
    from bot.answering.cache import load_engine
    from bot.answering.engine_file import LazyEntries
    from bot.answering.startup import warm_up

    engine, _ = load_engine(directory, cache_dir)
    warm_up(engine)
    texts = [q.text for q in read_questions(questions_file)]
    times: list[list[float]] = [[] for _ in texts]
    cpu: list[float] = []
    for _ in range(rounds):
        for i, text in enumerate(texts):
            start, started_cpu = time.perf_counter(), time.thread_time()
            engine.ask(text)
            times[i].append((time.perf_counter() - start) * 1000)
            cpu.append((time.thread_time() - started_cpu) * 1000)
    entries = engine.kb.entries
    read = len(entries._entries) if isinstance(entries, LazyEntries) else len(entries)
    return {
        **timings([t for each in times for t in each]),
        "fastest": timings([min(each) for each in times]),
        "cpu": timings(cpu),
        "asks": rounds * len(texts),
        "peak_rss_mb": peak_rss_mb(),
        "entries_read": read,
        "entries": len(entries),
    }


def during_reload(directory: Path, questions_file: Path, cache_dir: Path) -> dict[str, Any]:
    """`_during_reload` alone, on the engine opened warm, beside the same questions asked with no reload
    running (`before`): `python -m bot.benchmark reload DIR QUESTIONS CACHE`."""
    from bot.answering.cache import load_engine
    from bot.answering.startup import warm_up

    engine, _ = load_engine(directory, cache_dir)
    warm_up(engine)
    questions = read_questions(questions_file)

    def ask(text: str) -> tuple[str | None, float]:
        answer = engine.ask(text)
        return (answer.entry.id if answer.entry is not None else None), answer.confidence

    before = _ask_all(questions, ask)
    during = _during_reload(ask, questions, directory)
    return {**during, "peak_rss_mb": peak_rss_mb(), "before": {k: v for k, v in before.items() if k != "answers"}}


def _during_reload(ask: Callable[[str], Any], questions: list[Question], directory: Path) -> dict[str, Any]:
    """Questions answered by the live engine while the bot's reload path rebuilds it: in a worker process
    for a large base (which writes the engine to a data directory), then opened in a thread, as the bot does.

    Two reloads of a copy of the folder, with one data directory, as a running bot reloads: the first with
    nothing kept from before (every file parsed, every entry indexed), then, after one file is edited (a
    phrasing added to an entry: `_edit`), the next (`after_edit`), which parses only that file
    (`bot/knowledge/parsed.py`) and indexes only that entry (`bot/answering/rebuild.py`)."""
    import shutil
    import tempfile

    from bot.app.live_engine import WORKER_MIN_BYTES, folder_bytes, rebuild

    worker = folder_bytes(directory) >= WORKER_MIN_BYTES
    with tempfile.TemporaryDirectory(prefix="storybot-reload-") as scratch:
        copy = Path(shutil.copytree(directory, Path(scratch) / "knowledge"))
        data_dir = Path(scratch) / "data"
        first = _answering_while(ask, questions, lambda: rebuild(copy, data_dir, worker=worker))
        _edit(sorted(copy.rglob("*.yaml"))[0])
        after_edit = _answering_while(ask, questions, lambda: rebuild(copy, data_dir, worker=worker))
    return {**first, "worker": worker, "after_edit": after_edit}


def _edit(path: Path) -> None:
    """A curator's edit of one file: a phrasing added to its first entry (or, in a file of no entries, a note)."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next((i for i, line in enumerate(lines) if line.strip() == "questions:" and i + 1 < len(lines)), None)
    if at is None:
        lines.append("\n# an edit, for the benchmark's second reload\n")
    else:
        item = lines[at + 1]
        indent = item[: len(item) - len(item.lstrip())]
        lines.insert(at + 1, f"{indent}- what changed in the benchmark's second reload?\n")
    path.write_text("".join(lines), encoding="utf-8")


def _answering_while(ask: Callable[[str], Any], questions: list[Question], work: Callable[[], Any]) -> dict[str, Any]:
    """Questions asked again and again while `work` runs in a thread: its seconds, and their times."""
    done = threading.Event()
    started = time.perf_counter()
    seconds: list[float] = []

    def run() -> None:
        try:
            work()
        finally:
            seconds.append(time.perf_counter() - started)
            done.set()

    thread = threading.Thread(target=run)
    thread.start()
    times: list[float] = []
    i = 0
    while not done.is_set():
        start = time.perf_counter()
        ask(questions[i % len(questions)].text)
        times.append((time.perf_counter() - start) * 1000)
        i += 1
    thread.join()
    return {"reload_seconds": seconds[0], "questions": len(times), **timings(times)}


def anchor(name: str, phrasings_file: Path, questions_file: Path) -> dict[str, Any]:
    """One anchor: built from the phrasings alone, then asked every question."""
    from bot.benchmark.anchors import ANCHORS

    pairs = json.loads(phrasings_file.read_text(encoding="utf-8"))
    owners = [entry for entry, _ in pairs]
    texts = [text for _, text in pairs]
    del pairs
    gc.collect()
    start = time.perf_counter()
    built = ANCHORS[name](texts)
    build_seconds = time.perf_counter() - start

    def ask(text: str) -> tuple[str | None, float]:
        best = built.top(text)
        return (None, 0.0) if best is None else (owners[best[0]], best[1])

    measured = _ask_all(read_questions(questions_file), ask)
    return {"name": built.name, "build_seconds": build_seconds, **measured, "peak_rss_mb": peak_rss_mb()}
