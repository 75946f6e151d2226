"""`storybot bench`: synthetic knowledge bases from one article's size to a newsroom's archive.

Generates deterministic knowledge bases (sources whose text holds the evidence, people, quotes,
about five phrasings an entry), perturbed questions with known answers and off-topic questions,
then measures in one run, on the same data: load + validate + index time (cold, and warm from the
cache), peak memory, engine latency per question, top-1 accuracy and correct declines — and the
same for the naive baseline, one `rapidfuzz.process.extractOne(question, all_phrasings,
scorer=fuzz.WRatio)` per question. Time and memory are measured in fresh child processes, so one
measurement never inherits another's heap.
"""

from __future__ import annotations

import dataclasses
import gc
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.answering.normalize import SYNONYM_GROUPS

SEED = 20200610
QUESTIONS_PER_SIZE = 200
OFF_TOPIC_SHARE = 0.2
ENTRIES_PER_FILE = 2000
ENTRIES_PER_SOURCE = 50
ENTRIES_PER_PERSON = 100

_ONSETS = "b c d f g h j k l m n p r s t v w z br cl dr fl gr pl st tr ch sh th".split()  # noqa: SIM905
_VOWELS = "a e i o u ai ea ou io".split()  # noqa: SIM905
_CODAS = ["", "n", "r", "s", "t", "l", "m", "nd", "st", "rk"]
_OFF_ONSETS = "qu x y kw vr zh".split()  # noqa: SIM905  # off-topic words share no syllable start with the vocabulary

TEMPLATES = (
    "what happened with the {a} {b}?",
    "how did {a} affect {b} and {c}?",
    "why is the {b} {c} important?",
    "who was behind {a} in {c}?",
    "tell me about {c} {a} and {b}",
    "when did {a} {b} start?",
)


def _word(rng: random.Random, onsets: Sequence[str], syllables: int) -> str:
    return "".join(rng.choice(onsets) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(syllables))


def vocabulary(rng: random.Random, size: int, onsets: Sequence[str] = _ONSETS) -> list[str]:
    words: dict[str, None] = {}
    while len(words) < size:
        words[_word(rng, onsets, rng.choice((2, 2, 3)))] = None
    return list(words)


@dataclass(frozen=True, slots=True)
class Question:
    text: str
    entry_id: str | None  # None: off-topic, should be declined
    kind: str


def _topic_words(rng: random.Random, vocab: list[str], synonyms: list[tuple[str, ...]]) -> list[str]:
    # Zipf-like: a few common words, mostly rare ones; one word from a synonym group so that a
    # "synonym" perturbation has something to swap.
    # A dict, not a set: its order does not depend on string hashing, so every run generates the same data.
    picked = dict.fromkeys(vocab[min(int(rng.paretovariate(0.6)) - 1, len(vocab) - 1)] for _ in range(2))
    while len(picked) < 4:
        picked[rng.choice(vocab)] = None
    return [*picked, rng.choice(rng.choice(synonyms))]


def generate(directory: Path, entries: int, seed: int = SEED) -> list[Question]:
    """Write a knowledge directory of `entries` entries; return perturbed and off-topic questions."""
    rng = random.Random(seed + entries)
    vocab = vocabulary(rng, max(2000, entries // 2))
    synonyms = [group for group in SYNONYM_GROUPS if len(group) >= 3]
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "sources").mkdir(exist_ok=True)
    n_sources = max(1, entries // ENTRIES_PER_SOURCE)
    n_people = max(1, entries // ENTRIES_PER_PERSON)
    people_names = [f"{_word(rng, _ONSETS, 2).title()} {_word(rng, _ONSETS, 3).title()}" for _ in range(n_people)]

    topics = [_topic_words(rng, vocab, synonyms) for _ in range(entries)]
    sentences = [f"The {t[0]} {t[1]} was linked to {t[2]} and {t[3]} by {t[4]} reports." for t in topics]
    quotes_text = [f"We never expected the {t[1]} to {t[3]} like that" for t in topics[:n_people]]

    source_docs = []
    for s in range(n_sources):
        body = sentences[s * ENTRIES_PER_SOURCE : (s + 1) * ENTRIES_PER_SOURCE]
        if s < n_people:
            body = [*body, f'"{quotes_text[s]}," said {people_names[s]}.']
        (directory / "sources" / f"source-{s}.txt").write_text(" ".join(body) + "\n", encoding="utf-8")
        source_docs.append(
            {"id": f"source-{s}", "title": f"Synthetic report {s}", "text_file": f"sources/source-{s}.txt"}
        )
    people = [
        {"id": f"person-{p}", "name": name, "kind": "person", "aliases": [name.split()[1]], "role": "spokesperson"}
        for p, name in enumerate(people_names)
    ]
    quotes = [
        {"id": f"quote-{p}", "speaker": f"person-{p}", "source": f"source-{p}", "text": quotes_text[p]}
        for p in range(min(n_people, n_sources))
    ]
    _dump(directory / "sources.yaml", {"sources": source_docs})
    _dump(directory / "people.yaml", {"people": people, "quotes": quotes})

    questions: list[Question] = []
    seen_phrasings: set[str] = set()
    (directory / "entries").mkdir(exist_ok=True)
    for start in range(0, entries, ENTRIES_PER_FILE):
        items = []
        for i in range(start, min(start + ENTRIES_PER_FILE, entries)):
            a, b, c, d, e = topics[i]
            phrasings = []
            for template in rng.sample(TEMPLATES, 5):
                text = template.format(a=a, b=b, c=rng.choice((c, d, e)))
                if text not in seen_phrasings:
                    seen_phrasings.add(text)
                    phrasings.append(text)
            if not phrasings:
                continue
            items.append(
                {
                    "id": f"entry-{i}",
                    "questions": phrasings,
                    "answer": f"Reports linked the {a} {b} to {c} and {d}.",
                    "evidence": [{"source": f"source-{i // ENTRIES_PER_SOURCE}", "excerpt": sentences[i]}],
                }
            )
            if len(questions) < QUESTIONS_PER_SIZE * (1 - OFF_TOPIC_SHARE) and rng.random() < 0.5:
                questions.append(_perturb(rng, f"entry-{i}", rng.choice(phrasings), synonyms, vocab))
        _dump(directory / "entries" / f"entries-{start // ENTRIES_PER_FILE:03d}.yaml", {"entries": items})
    off_vocab = vocabulary(random.Random(seed - 1), 300, _OFF_ONSETS)
    while len(questions) < QUESTIONS_PER_SIZE:
        words = rng.sample(off_vocab, 3)
        questions.append(Question(rng.choice(TEMPLATES).format(a=words[0], b=words[1], c=words[2]), None, "off-topic"))
    return questions


def _perturb(
    rng: random.Random, entry_id: str, phrasing: str, synonyms: list[tuple[str, ...]], vocab: list[str]
) -> Question:
    words = phrasing.rstrip("?").split()
    kind = rng.choice(("drop", "typo", "reorder", "synonym"))
    if kind == "drop" and len(words) > 3:
        del words[rng.randrange(len(words))]
    elif kind == "typo":
        long_words = [i for i, w in enumerate(words) if len(w) > 4]
        if long_words:
            i = rng.choice(long_words)
            w = words[i]
            j = rng.randrange(1, len(w) - 1)
            words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]  # swap two letters
    elif kind == "reorder":
        rng.shuffle(words)
    else:
        for i, w in enumerate(words):
            group = next((g for g in synonyms if w in g), None)
            if group:
                words[i] = rng.choice([x for x in group if x != w] or [w])
                break
    return Question(" ".join(words) + "?", entry_id, kind)


def _dump(path: Path, data: Any) -> None:
    with path.open("w", encoding="utf-8") as handle:
        yaml.dump(data, handle, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), sort_keys=False, width=1000)


# ----------------------------------------------------------------------------------- measurements


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return peak / 1024 if sys.platform != "darwin" else peak / 2**20


def _measure_bare_yaml(directory: Path) -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    files = sorted(directory.rglob("*.yaml"))
    start = time.perf_counter()
    data = [yaml.load(f.read_bytes(), Loader=loader) for f in files]  # noqa: S506 - the safe C loader
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "peak_rss_mb": _peak_rss_mb(), "files": len(files), "items": len(data)}


def _measure_load(directory: Path, cache_dir: Path | None) -> dict[str, Any]:
    from bot.answering.cache import load_engine

    start = time.perf_counter()
    engine, warm = load_engine(directory, cache_dir)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "warm": warm, "peak_rss_mb": _peak_rss_mb(), "entries": len(engine.kb.entries)}


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _measure_answers(directory: Path, questions_file: Path, cache_dir: Path | None) -> dict[str, Any]:
    from rapidfuzz import fuzz, process

    from bot.answering.cache import load_engine

    engine, _ = load_engine(directory, cache_dir)
    questions = [Question(**q) for q in json.loads(questions_file.read_text(encoding="utf-8"))]
    phrasings = [q for e in engine.kb.entries.values() for q in e.questions]
    owner = [e.id for e in engine.kb.entries.values() for _ in e.questions]

    def run(answer: Any) -> dict[str, Any]:
        times, right, answerable, declined_right, off_topic = [], 0, 0, 0, 0
        gc.collect()
        for q in questions:
            start = time.perf_counter()
            got = answer(q.text)
            times.append((time.perf_counter() - start) * 1000)
            if q.entry_id is None:
                off_topic += 1
                declined_right += got is None
            else:
                answerable += 1
                right += got == q.entry_id
        return {
            "median_ms": statistics.median(times),
            "p99_ms": _percentile(times, 0.99),
            "top1": right / answerable if answerable else 0.0,
            "declines": declined_right / off_topic if off_topic else 0.0,
        }

    def ours(text: str) -> str | None:
        result = engine.ask(text)
        return result.entry.id if result.entry is not None and result.answered else None

    def naive(text: str) -> str | None:
        best = process.extractOne(text, phrasings, scorer=fuzz.WRatio)
        # The baseline has no notion of doubt beyond a score cut-off; 80 is a common choice.
        return owner[best[2]] if best is not None and best[1] >= 80 else None

    return {"engine": run(ours), "baseline": run(naive), "during_reload": _answers_during_reload(engine, directory)}


def _answers_during_reload(engine: Any, directory: Path) -> dict[str, Any]:
    """Questions answered by the live engine while the bot's reload path rebuilds it in a worker thread."""
    import threading

    from bot.app.live_engine import build_engine

    questions = [q for e in list(engine.kb.entries.values())[:500] for q in e.questions[:1]]
    done = threading.Event()
    started = time.perf_counter()
    reload_seconds: list[float] = []

    def reload() -> None:
        try:
            build_engine(directory)
        finally:
            reload_seconds.append(time.perf_counter() - started)
            done.set()

    worker = threading.Thread(target=reload)
    worker.start()
    times: list[float] = []
    i = 0
    while not done.is_set():
        question = questions[i % len(questions)]
        i += 1
        start = time.perf_counter()
        engine.ask(question)
        times.append((time.perf_counter() - start) * 1000)
    worker.join()
    return {
        "reload_seconds": reload_seconds[0],
        "questions": len(times),
        "median_ms": statistics.median(times) if times else 0.0,
        "p99_ms": _percentile(times, 0.99) if times else 0.0,
        "max_ms": max(times, default=0.0),
    }


def _child(kind: str, *args: str) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter and return what it printed."""
    out = subprocess.run(
        [sys.executable, "-m", "bot.benchmark", kind, *args], check=True, capture_output=True, text=True
    ).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
    }


def bench(sizes: Sequence[int], keep: Path | None = None) -> dict[str, Any]:
    results: dict[str, Any] = {"machine": machine(), "sizes": {}}
    with tempfile.TemporaryDirectory(prefix="storybot-bench-") as scratch:
        root = keep or Path(scratch)
        for size in sizes:
            directory = root / str(size)
            cache_dir = Path(scratch) / f"cache-{size}"
            start = time.perf_counter()
            questions = generate(directory, size)
            generated = time.perf_counter() - start
            questions_file = root / f"{size}-questions.json"
            questions_file.write_text(json.dumps([dataclasses.asdict(q) for q in questions]), encoding="utf-8")
            (root / f"{size}-questions.txt").write_text("\n".join(q.text for q in questions) + "\n", encoding="utf-8")
            size_bytes = sum(f.stat().st_size for f in directory.rglob("*") if f.is_file())
            bare = _child("_bare", str(directory))
            cold = _child("_load", str(directory), str(cache_dir))
            warm = _child("_load", str(directory), str(cache_dir))
            answers = _child("_answers", str(directory), str(questions_file), str(cache_dir))
            results["sizes"][str(size)] = {
                "entries": size,
                "megabytes": size_bytes / 2**20,
                "generate_seconds": generated,
                "bare_yaml": bare,
                "cold_load": cold,
                "warm_load": warm,
                **answers,
                "ratios": {
                    "cold_load_vs_bare_yaml": cold["seconds"] / bare["seconds"],
                    "peak_rss_vs_bare_yaml": cold["peak_rss_mb"] / bare["peak_rss_mb"],
                    "median_latency_vs_baseline": answers["engine"]["median_ms"] / answers["baseline"]["median_ms"],
                },
            }
    return results


def format_table(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [
        f"Machine: {m['processor']}, {m['cpus']} CPUs, Python {m['python']}, {m['platform']}",
        "",
        "| entries | MB | bare YAML s | cold load s (×bare) | warm load s | peak RSS MB (×bare) "
        "| median ms (÷baseline) | p99 ms | top-1 | declines "
        "| baseline median ms | baseline top-1 | baseline declines | reload s | p99 ms during reload |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size, r in results["sizes"].items():
        e, b, ratios = r["engine"], r["baseline"], r["ratios"]
        lines.append(
            f"| {int(size):,} | {r['megabytes']:.1f} | {r['bare_yaml']['seconds']:.2f} "
            f"| {r['cold_load']['seconds']:.2f} (×{ratios['cold_load_vs_bare_yaml']:.2f}) "
            f"| {r['warm_load']['seconds']:.2f} "
            f"| {r['cold_load']['peak_rss_mb']:.0f} (×{ratios['peak_rss_vs_bare_yaml']:.2f}) "
            f"| {e['median_ms']:.2f} (1/{1 / ratios['median_latency_vs_baseline']:.0f}) | {e['p99_ms']:.2f} "
            f"| {e['top1']:.1%} | {e['declines']:.1%} | {b['median_ms']:.2f} | {b['top1']:.1%} | {b['declines']:.1%} "
            f"| {r['during_reload']['reload_seconds']:.1f} | {r['during_reload']['p99_ms']:.1f} |"
        )
    return "\n".join(lines)


def _main_child(argv: list[str]) -> None:
    kind, *args = argv
    if kind == "_bare":
        result = _measure_bare_yaml(Path(args[0]))
    elif kind == "_load":
        result = _measure_load(Path(args[0]), Path(args[1]))
    elif kind == "_answers":
        result = _measure_answers(Path(args[0]), Path(args[1]), Path(args[2]))
    else:
        raise SystemExit(f"unknown measurement {kind!r}")
    print(json.dumps(result))  # noqa: T201 - the parent reads this line


if __name__ == "__main__":
    _main_child(sys.argv[1:])
