"""Speakers across reports: every statement of one person or organisation, wherever it
was reported.

Runs after linking, when surname-only speakers have taken the full name other reports
give ("Lukic" -> "Petar Lukic"). A speaker is keyed by kind and folded name, the same key
the linked entities use, so a speaker points at the entity of the same name when the
reports also mention it as one.
"""

from __future__ import annotations

import hashlib

from parallax.crossdoc.record import Speaker
from parallax.gazetteer import fold
from parallax.link import Entity
from parallax.models import DocumentRecord


def speaker_id(kind: str | None, name: str) -> str:
    """A speaker's id from what it is (kind and folded name): the same whatever reports
    are added, and whatever other speakers say more."""
    return "spk-" + hashlib.sha1(f"{kind or ''}|{fold(name)}".encode()).hexdigest()[:10]


def _add_unique(values: list[str], value: str | None) -> None:
    if value and value not in values:
        values.append(value)


def speaker_index(docs: list[DocumentRecord], entities: list[Entity]) -> list[Speaker]:
    """Speakers with their statements across `docs`, most statements first."""
    entity_of = {(e.kind, fold(e.canonical)): e.id for e in entities}
    by_name = {fold(e.canonical): e.id for e in entities}
    speakers: dict[tuple[str, str], Speaker] = {}
    for d in docs:
        for q in d.quotes:
            if not q.speaker:
                continue
            key = (q.speaker_type or "", fold(q.speaker))
            sp = speakers.get(key)
            if sp is None:
                entity = entity_of.get(key) or by_name.get(key[1])
                sp = speakers[key] = Speaker(
                    speaker_id(q.speaker_type, q.speaker), q.speaker, q.speaker_type, entity
                )
            _add_unique(sp.roles, q.speaker_role)
            _add_unique(sp.affiliations, q.speaker_affiliation)
            _add_unique(sp.documents, d.name)
            sp.statements.append(
                {
                    "document": d.name,
                    "start": q.start,
                    "end": q.end,
                    "text": q.text,
                    "kind": q.kind,
                    "cue": q.cue,
                    "speaker_text": q.speaker_text,
                    "via": q.via,
                }
            )
    return sorted(speakers.values(), key=lambda s: (-len(s.statements), s.name))
