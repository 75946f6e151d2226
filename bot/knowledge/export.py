"""The knowledge base as normalised JSON, for tools and backups (`storybot export`)."""

from __future__ import annotations

from typing import Any

from bot.knowledge.model import KnowledgeBase


def export_knowledge(kb: KnowledgeBase) -> dict[str, Any]:
    return {
        "sources": [
            {
                "id": s.id,
                "title": s.title,
                "outlet": s.outlet,
                "author": s.author,
                "date": s.date,
                "url": s.url,
                "note": s.note,
                "text": s.text,
            }
            for s in kb.sources.values()
        ],
        "people": [
            {
                "id": p.id,
                "name": p.name,
                "kind": p.kind.value,
                "aliases": list(p.aliases),
                "role": p.role,
                "affiliation": p.affiliation,
                "description": p.description,
            }
            for p in kb.speakers.values()
        ],
        "quotes": [
            {
                "id": q.id,
                "speaker": q.speaker,
                "speaker_name": kb.speaker_label(q.speaker),
                "text": q.text,
                "source": q.source,
                "attribution_note": q.attribution_note,
            }
            for q in kb.quotes.values()
        ],
        "entries": [
            {
                "id": e.id,
                "questions": list(e.questions),
                "answer": e.answer,
                "evidence": [{"source": ev.source, "excerpt": ev.excerpt} for ev in e.evidence],
                "keywords": list(e.keywords),
                "quotes": list(e.quotes),
                "about": list(e.about),
            }
            for e in kb.entries.values()
        ],
    }
