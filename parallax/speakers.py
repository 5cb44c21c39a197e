"""Speakers across reports: every statement of one person or organisation, wherever it
was reported.

Runs after linking, when surname-only speakers have taken the full name other reports
give ("Lukic" -> "Petar Lukic"). A speaker is keyed by kind and folded name, the same key
the linked entities use, so a speaker points at the entity of the same name when the
reports also mention it as one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from parallax.gazetteer import fold
from parallax.link import Entity
from parallax.models import DocumentRecord


@dataclass
class Speaker:
    """One speaker with all their statements (document, offsets, kind, cue)."""

    id: str
    name: str
    kind: str | None
    entity: str | None = None
    roles: list[str] = field(default_factory=list)
    affiliations: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    statements: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "entity": self.entity,
            "roles": self.roles,
            "affiliations": self.affiliations,
            "documents": self.documents,
            "statements": self.statements,
        }


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
                sp = speakers[key] = Speaker("", q.speaker, q.speaker_type, entity)
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
    ranked = sorted(speakers.values(), key=lambda s: (-len(s.statements), s.name))
    for i, sp in enumerate(ranked, 1):
        sp.id = f"spk{i}"
    return ranked
