"""Entity mentions of one document and the resolution of speaker and claimant mentions:
names to their fullest form ("Aliyev" -> "Ilham Aliyev"), pronouns and nominal mentions
("he", "the ministry", "the Members") to the named person, organisation or group they
refer to, and government mentions to their country ("Azerbaijan's government")."""

from __future__ import annotations

import json
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from weakref import WeakKeyDictionary

from spacy.tokens import Doc, Span, Token

from parallax.extensions import doc_text
from parallax.gazetteer import Gazetteer, Place, get_gazetteer
from parallax.models import Mention

LEXICON = Path(__file__).resolve().parent.parent / "lexicons" / "en" / "speakers.json"
_LEX = json.loads(LEXICON.read_text("utf-8"))
CAPITALS: dict[str, str] = _LEX["capitals"]  # "Kyiv said": the government of the country
COUNTRY_DEMONYMS: dict[str, str] = _LEX["demonyms"]  # Russia -> Russian (its bodies' names)
NON_SPEAKERS = set(_LEX["non_speakers"])  # never a speaker: "statement", "who"
ORGANIZATION_HEADS = set(_LEX["organization_heads"])
RELATIVE_PRONOUNS = {"who", "which", "that"}
DELIVERY_NOUNS = set(_LEX["delivery_nouns"])  # "said in remarks that ..."
CONTRAST_WORDS = set(_LEX["contrast_words"])  # "A claimed X but B blamed Y"
STATEMENT_NOUNS = set(_LEX["statement_nouns"])  # "X's statement said": X speaks
INDEFINITE = {"a", "an", "one", "another", "some", "any", "two", "three", "several", "many"}
# "the country's Health Ministry": the country the report is about
HOME_COUNTRY_WORDS = {"country", "nation"}
DATELINE_MARKS = ("-", "\u2013", "\u2014", ":")  # after a dateline's place
IT_LOOKBACK = 3  # sentences searched back for the body an "it said" stands for

TITLES = {
    "president", "prime", "minister", "secretary", "representative", "representatives", "rep.",
    "sen.", "senator", "mr.", "mrs.", "ms.", "dr.", "gen.", "general", "col.", "lt.", "sgt.",
    "spokesman", "spokeswoman", "spokesperson", "foreign", "defence", "defense", "state",
    "deputy", "chief", "commander", "governor", "mayor", "ambassador", "envoy", "of", "u.s.",
    "pm", "mr", "mrs", "ms", "dr",
}  # fmt: skip
# Titles that only people bear: a name after one is a person's whatever the model says.
PERSON_TITLES = {
    "representative", "representatives", "rep.", "reps.", "sen.", "senator", "senators",
    "mr.", "mrs.", "ms.", "dr.", "gen.", "col.", "lt.", "sgt.", "president", "minister",
    "mayor", "governor", "ambassador",
}  # fmt: skip
PERSON_PRONOUNS = {"he", "she", "him", "her", "his"}
SUBJECT_PRONOUNS = {"he", "she"}
PRONOUN_CHAIN = 3  # sentences of "He ..." followed back to the person they stand for
ROLE_NOUNS = {"minister", "president", "spokesman", "spokeswoman", "spokesperson", "secretary",
              "commander", "governor", "mayor", "ambassador", "envoy", "premier", "chief",
              "general", "senator", "representative", "official"} | set(_LEX["role_nouns"])  # fmt: skip
# Heads of an apposition that make the name before it a person's ("X, the mayor of Y").
ROLE_HEADS = ROLE_NOUNS | {
    "mayor", "head", "director", "leader", "chairman", "chairwoman", "chair", "founder",
    "adviser", "advisor", "aide", "officer", "correspondent", "editor", "professor", "analyst",
    "lawyer", "doctor", "teacher", "schoolteacher", "farmer", "candidate", "nominee",
    "manager", "coordinator", "researcher", "economist", "strategist", "activist",
    "executive", "deputy", "lawmaker", "legislator", "diplomat", "nurse", "surgeon",
}  # fmt: skip
GROUP_PRONOUNS = {"they", "them", "their"}
QUANTITY_HEADS = set(_LEX["quantity_heads"])  # "dozens of protesters": the protesters
THING_PRONOUNS = {"it", "its"}
# (letters cut, letters added) that turn a demonym into its place name
DEMONYM_STEMS = ((1, ""), (1, "a"), (2, ""), (3, "e"), (3, "a"), (3, ""))
# Verbs the model sometimes folds into the name after them ("Said Ana Varga:").
NAME_LEAD_VERBS = {"said", "says", "asked", "added", "told", "wrote"}
DETERMINERS = {"the", "a", "an", "both", "its", "their", "his", "her", "this", "that", "these"}
GOVERNMENT_HEADS = {"government", "authorities", "leadership", "administration", "regime"}
GROUP_NOUNS = {"members", "lawmakers", "representatives", "senators", "legislators",
               "co-chairs", "signatories", "leaders"}  # fmt: skip
ON_BEHALF = {"office", "spokesman", "spokeswoman", "spokesperson", "aide", "aides",
             "press", "secretary", "staff", "team"}  # fmt: skip
PLACE_LABELS = {"GPE", "LOC", "FAC"}


_CHILDREN: WeakKeyDictionary[Doc, list[list[int]]] = WeakKeyDictionary()


def children(tok: Token) -> list[Token]:
    """A token's children in order. Token.children scans the token's whole subtree, the
    whole sentence for the root of a run-on paragraph: this index is built once a doc."""
    doc = tok.doc
    kids = _CHILDREN.get(doc)
    if kids is None or len(kids) != len(doc):
        kids = [[] for _ in range(len(doc))]
        for t in doc:
            if t.head.i != t.i:
                kids[t.head.i].append(t.i)
        _CHILDREN[doc] = kids
    return [doc[i] for i in kids[tok.i]]


@dataclass
class Resolved:
    name: str
    kind: str  # person | organization | country | place | group | unresolved
    members: tuple[str, ...] = ()


def strip_possessive(text: str) -> str:
    return re.sub(r"[’']s?\b", "", text) if re.search(r"\w[’']s?$", text) else text


def clean_np(text: str) -> str:
    """'both Russia's foreign ministry' -> 'Russia foreign ministry'; a possessive after
    'of' stays ('the office of Valdoria's prosecutor' names whose office it is)."""
    words = text.replace("\u2019", "'").split()
    while words and words[0].lower() in DETERMINERS:
        words = words[1:]
    words = [
        w if 0 < i < len(words) - 1 and words[i - 1].lower() == "of" else re.sub(r"'s$|'$", "", w)
        for i, w in enumerate(words)
    ]
    out = " ".join(words)
    return out.strip(' ,.;:"“”')


class DocEntities:
    """Per-document index of entity mentions used to resolve speakers and claimants."""

    def __init__(self, doc: Doc, body_start: int = 0, gazetteer: Gazetteer | None = None) -> None:
        self.doc = doc
        self.gaz = gazetteer or get_gazetteer()
        self.ents = [e for e in doc.ents if e.start_char >= body_start]
        self.body_start = body_start
        self.sents = list(doc.sents)  # once: spaCy rebuilds doc.sents on every access
        self.persons: dict[str, str] = {}  # surname or name -> fullest name
        for ent in self.ents:
            if self._is_person(ent):
                self._add_person(ent)
        self.groups = self._find_groups(body_start)
        self.ent_starts = [e.start_char for e in self.ents]
        self.ent_ends = [e.end_char for e in self.ents]
        self.sent_ends = [s.end_char for s in self.sents]
        self._chunks: dict[str, list[Span]] | None = None
        self._full_chunks: dict[str, list[Span]] = {}
        self._full_chunk_ends: dict[str, list[int]] = {}
        self._body_starts: dict[tuple[str, frozenset[str]], list[int]] = {}
        self._titled_ends: dict[str, list[int]] = {}
        self._bodies: dict[tuple[str, frozenset[str]], list[tuple[int, str]]] = {}
        self._holders: dict[str, str | None] = {}
        self._titled: dict[str, list[tuple[int, str]]] = {}
        self._home: str | None = None
        self._roles: dict[str, tuple[str | None, str | None]] | None = None

    # -- persons ------------------------------------------------------------
    @staticmethod
    def _is_person(ent: Span) -> bool:
        """A PERSON entity, or a name the model took for something else that an apposition
        gives a person's role ("Ivo Brandt, the mayor of Lisk")."""
        if ent.label_ == "PERSON":
            return True
        if ent.label_ == "ORG" and len(ent) >= 3 and ent[0].lower_ in PERSON_TITLES:
            return all(t.is_title for t in ent[1:])  # "Representatives Mira Tessik"
        return ent.label_ in ("ORG", "GPE", "NORP") and any(
            c.dep_ == "appos" and c.lemma_.lower() in ROLE_HEADS and c.i > ent.root.i
            for c in children(ent.root)
        )

    def _person_name(self, ent: Span) -> str:
        toks = [t for t in ent if t.lower_ not in TITLES or t.i > ent.start + 2]
        while toks and (toks[0].lower_ in TITLES or toks[0].lower_ in NAME_LEAD_VERBS):
            toks = toks[1:]
        # spaced as written: "Mai al-Kaila", not "Mai al - Kaila"
        name = "".join(t.text_with_ws for t in toks)
        return strip_possessive(" ".join(name.split())).strip()

    def _add_person(self, ent: Span) -> None:
        name = self._person_name(ent)
        if not name or self._is_place(name):
            return
        surname = name.split()[-1]
        if surname in ("Jr.", "Sr.", "II", "III") and len(name.split()) > 1:
            surname = name.split()[-2]
        for key in (name, surname):
            old = self.persons.get(key)
            if old is None or len(name) > len(old):
                self.persons[key] = name

    def _is_place(self, name: str) -> bool:
        """A one-word 'person' that the gazetteer knows as a place (Stepanakert)."""
        return len(name.split()) == 1 and (
            name in CAPITALS or self.gaz.lookup(name, fuzzy=False, cities=False) is not None
        )

    def full_name(self, name: str) -> str:
        name = strip_possessive(name)
        return self.persons.get(name) or self.persons.get(name.split()[-1], name) if name else name

    def person_in(self, span: Span) -> str | None:
        """Fullest known name of a person named inside the span."""
        lo = bisect_left(self.ent_starts, span.start_char)
        hi = bisect_left(self.ent_starts, span.end_char)
        for ent in self.ents[lo:hi]:
            if self._is_person(ent):
                name = self._person_name(ent)
                if name and not self._is_place(name):
                    return self.full_name(name)
        for tok in span:
            key = strip_possessive(tok.text)
            if tok.is_title and key in self.persons:
                return self.persons[key]
        return None

    # -- groups ----------------------------------------------------------------
    def _find_groups(self, body_start: int) -> list[tuple[int, Resolved]]:
        """Subjects that name two or more people: (offset, group)."""
        out = []
        persons = {e.start: e for e in self.ents if self._is_person(e)}
        for sent in self.sents:
            if sent.start_char < body_start:
                continue
            for tok in sent:
                if tok.dep_ not in ("nsubj", "nsubjpass"):
                    continue
                found = [self._person_name(persons[t.i]) for t in tok.subtree if t.i in persons]
                names = [n for n in dict.fromkeys(found) if n]
                if len(names) >= 2:
                    out.append((tok.idx, Resolved(join_names(names), "group", tuple(names))))
        return out

    # -- resolution ----------------------------------------------------------
    def antecedent(self, before: int, kinds: set[str]) -> Resolved | None:
        """Nearest preceding mention of the given kinds (person, group, organization)."""
        best: tuple[int, Resolved] | None = None
        n_before = bisect_right(self.ent_ends, before)  # entities are sorted and disjoint
        if "person" in kinds:
            for i in reversed(range(n_before)):  # the nearest one that resolves
                ent = self.ents[i]
                if self._is_person(ent) and not self._credit(ent):
                    name = self._person_name(ent)
                    if name and not self._is_place(name):
                        best = (ent.start_char, Resolved(self.full_name(name), "person"))
                        break
        if "group" in kinds:
            for offset, group in self.groups:
                if offset <= before and (best is None or offset > best[0]):
                    best = (offset, group)
        if "organization" in kinds:
            for i in reversed(range(n_before)):
                ent = self.ents[i]
                if ent.label_ in ("ORG", "GPE", "NORP"):
                    if best is None or ent.start_char > best[0]:
                        best = (ent.start_char, self.resolve_name(ent.text, ent.label_))
                    break
        return best[1] if best else None

    def is_dateline(self, span: Span) -> bool:
        """A place in capitals opening a paragraph ("VELGRAD (Wire) -", "VELGRAD:"): where
        the report was filed, never who speaks."""
        text = span.text.strip()
        if len(text) < 3 or not (text.isupper() or self._before_dash(span)):
            return False
        line_start = doc_text(self.doc).rfind("\n", 0, span.start_char) + 1
        if doc_text(self.doc)[line_start : span.start_char].strip():
            return False
        name = text.title()
        return name in CAPITALS or self.gaz.lookup(name, fuzzy=False) is not None

    def _before_dash(self, span: Span) -> bool:
        """A place a dash or a colon follows, as datelines are set ("Velgrad - Valdoria
        urged ...", "Velgrad, Valdoria: The ministry said ...")."""
        doc, nxt = self.doc, span.end
        while nxt < len(doc) and (doc[nxt].is_space or doc[nxt].text == ","):
            if "\n" in doc[nxt].text:  # the line ends: no dateline mark after the place
                return False
            nxt += 1
            if doc[nxt - 1].text == ",":  # "Velgrad, Valdoria:": its region or country
                while nxt < len(doc) and doc[nxt].pos_ == "PROPN":
                    nxt += 1
        if nxt >= len(doc):
            return False
        return doc[nxt].text in DATELINE_MARKS

    def _issuer(self, noun: Token, before: int) -> Resolved | None:
        """Who issued 'the statement': 'a statement from X', else the subject of 'X issued
        a statement' in the last few sentences."""
        for child in children(noun):
            if child.dep_ == "prep" and child.lower_ in ("from", "by"):
                pobj = next((c for c in children(child) if c.dep_ == "pobj"), None)
                if pobj is not None:
                    return self.resolve_np(self.doc[pobj.left_edge.i : pobj.i + 1], before)
        n_prev = bisect_right(self.sent_ends, before)
        for k in range(n_prev - 1, max(-1, n_prev - 1 - IT_LOOKBACK), -1):
            for tok in self.sents[k]:
                if tok.lemma_ != noun.lemma_ or tok.dep_ != "dobj":
                    continue
                subj = next((c for c in children(tok.head) if c.dep_ == "nsubj"), None)
                if subj is not None and subj.lower_ not in NON_SPEAKERS:
                    return self.resolve_np(self.doc[subj.left_edge.i : subj.i + 1], before)
        return None

    def _person_subject(self, before: int, pronoun: str = "") -> Resolved | None:
        """'He said' after a sentence whose subject is a person: that person, before a
        person the sentence only mentions ("Brandt met Lukic. He said ..." -> Brandt). The
        sentence just before, else the one before it; a sentence whose subject is the same
        pronoun ("He told Lukic ...") carries the chain back to the one it stands for."""
        n_prev = bisect_right(self.sent_ends, before)
        k, left, chained = n_prev - 1, 2, 0
        while k >= 0 and left > 0:
            sent = self.sents[k]
            lo = bisect_left(self.ent_starts, sent.start_char)
            hi = bisect_left(self.ent_starts, sent.end_char)
            for ent in self.ents[lo:hi]:
                if not self._is_person(ent) or self._credit(ent):
                    continue
                if ent.root.dep_ in ("nsubj", "nsubjpass") and ent.root.head.dep_ == "ROOT":
                    name = self._person_name(ent)
                    if name and not self._is_place(name):
                        return Resolved(self.full_name(name), "person")
            if (
                pronoun in SUBJECT_PRONOUNS
                and chained < PRONOUN_CHAIN
                and any(
                    t.dep_ == "nsubj" and t.lower_ == pronoun and t.head.dep_ == "ROOT"
                    for t in sent
                )
            ):
                k, left, chained = k - 1, 1, chained + 1  # "He told Lukic ...": still him
                continue
            if any(self._is_person(e) for e in self.ents[lo:hi]):
                return None  # a person named but not as the subject: the nearest mention
            k, left = k - 1, left - 1
        return None

    def _plural_subject(self, before: int) -> Resolved | None:
        """'They' after a plural subject of its own sentence or the one before ("Dozens of
        protesters stormed the ministry, which they say ..." -> protesters): the nearest."""
        n_prev = bisect_right(self.sent_ends, before)
        for k in range(min(n_prev, len(self.sents) - 1), max(-1, n_prev - 2), -1):
            found = None
            for tok in self.sents[k]:
                if tok.idx >= before:
                    break
                if tok.dep_ not in ("nsubj", "nsubjpass") or tok.tag_ not in ("NNS", "NNPS"):
                    continue
                of = next((c for c in children(tok) if c.dep_ == "prep" and c.lower_ == "of"), None)
                noun = tok
                if tok.lower_ in QUANTITY_HEADS and of is not None:  # "dozens of protesters"
                    noun = next((c for c in children(of) if c.dep_ == "pobj"), tok)
                lemma = noun.lemma_.lower()
                if (
                    noun.tag_ in ("NNS", "NNPS")
                    and lemma not in NON_SPEAKERS
                    and noun.lower_ not in NON_SPEAKERS
                ):
                    found = noun
            if found is not None:
                span = self.doc[found.left_edge.i : found.i + 1]
                if found.head.dep_ == "pobj" or found.dep_ == "pobj":
                    span = self.doc[found.i : found.i + 1]
                return Resolved(clean_np(span.text), "group")
        return None

    def _credit(self, ent: Span) -> bool:
        """A photographer's credit ("Ana Varga / Meridian Wire"): a name no "he" refers to."""
        return "/" in ent.text or ent.end < len(self.doc) and self.doc[ent.end].text in ("/", "|")

    def _previous_subject(self, before: int) -> Resolved | None:
        """'It' after a sentence whose subject is an organisation: that organisation (the
        nearest of the last few sentences; subjects that cannot speak are passed over)."""
        n_prev = bisect_right(self.sent_ends, before)
        for k in range(n_prev - 1, max(-1, n_prev - 1 - IT_LOOKBACK), -1):
            for tok in self.sents[k]:
                if tok.dep_ != "nsubj" or tok.pos_ not in ("NOUN", "PROPN"):
                    continue
                if tok.ent_type_ == "PERSON" or not self._can_speak(tok):
                    continue
                span = self.doc[tok.left_edge.i : tok.i + 1]
                if span.start_char >= before:
                    return None
                return self.resolve_np(span, before=span.start_char)
        return None

    @staticmethod
    def _can_speak(tok: Token) -> bool:
        """A body that makes statements: a named organisation, country or people, or a
        common noun for a body ("the ministry", "the army")."""
        lemma = tok.lemma_.lower()
        if lemma in NON_SPEAKERS or tok.lower_ in NON_SPEAKERS:
            return False
        return tok.ent_type_ in ("ORG", "GPE", "NORP") or lemma in ORGANIZATION_HEADS

    def nominal_antecedent(self, head: Token, before: int) -> Resolved | None:
        """'the ministry' -> the last fuller noun phrase with the same head noun."""
        self._index_chunks()
        fuller = self._full_chunks.get(head.lemma_.lower(), [])
        ends = self._full_chunk_ends.get(head.lemma_.lower(), [])
        i = bisect_right(ends, before)  # chunks are disjoint: their ends are sorted
        return self.resolve_np(fuller[i - 1], before=fuller[i - 1].start_char) if i else None

    def _index_chunks(self) -> None:
        """Noun chunks by head lemma (noun_chunks is rebuilt on every access), and those
        of two or more content words apart, the ones a bare "the ministry" refers to."""
        if self._chunks is not None:
            return
        self._chunks, self._full_chunks = {}, {}
        for chunk in self.doc.noun_chunks:
            lemma = chunk.root.lemma_.lower()
            self._chunks.setdefault(lemma, []).append(chunk)
            if len([t for t in chunk if not t.is_stop]) >= 2:
                self._full_chunks.setdefault(lemma, []).append(chunk)
                self._full_chunk_ends.setdefault(lemma, []).append(chunk.end_char)

    def resolve_name(self, text: str, label: str = "") -> Resolved:
        people = clean_np(text)
        if label == "NORP" and self._plural_demonym(people):
            return Resolved(people, "group")  # "Palestinians said": the people, not a state
        country = self.gaz.actor_name(strip_possessive(text))
        if label == "NORP":
            country = country or self.gaz.country_of_demonym(clean_np(text))
        if country:
            return Resolved(country, "country")
        name = clean_np(text)
        kind = (
            "person" if label == "PERSON" else "place" if label in PLACE_LABELS else "organization"
        )
        if kind == "person":
            name = self.full_name(name)
        return Resolved(name, kind)

    def _plural_demonym(self, word: str) -> bool:
        """A people named in the plural ("Valdorians", "Ostravians"): one word ending in -s
        whose singular is a country's demonym."""
        if " " in word or len(word) < 5 or not word.endswith("s") or not word[:1].isupper():
            return False
        return self.demonym_country(word[:-1]) is not None

    def resolve_np(self, span: Span, before: int | None = None) -> Resolved | None:
        """Resolve a speaker or claimant noun phrase to a name."""
        before = span.start_char if before is None else before
        head = span.root
        low = head.text.lower()
        if len(span) == 1 and low in RELATIVE_PRONOUNS and head.head.dep_ == "relcl":
            noun = head.head.head  # "Ivo Brandt, who said ...": the noun the clause describes
            return self.resolve_np(self.doc[noun.left_edge.i : noun.i + 1], before=before)
        if clean_np(span.text) in CAPITALS:  # "Kyiv said": the government of Ukraine
            return Resolved(CAPITALS[clean_np(span.text)], "country")
        if len(span) == 1 and low in PERSON_PRONOUNS:
            return self._person_subject(before, low) or self.antecedent(before, {"person"})
        if len(span) == 1 and low in GROUP_PRONOUNS:
            return self._plural_subject(span.start_char) or self.antecedent(
                before, {"group", "organization"}
            )
        if len(span) == 1 and low in THING_PRONOUNS:
            return self._previous_subject(before) or self.antecedent(before, {"organization"})
        if head.lemma_.lower() in ON_BEHALF or head.lower_ in ON_BEHALF:
            person = self.person_in(span)
            if person:
                return Resolved(person, "person")
        titled = self._after_person_title(span)
        if titled:
            return Resolved(self.full_name(titled), "person")  # "Rep. Tom Lisk", not a town
        person = self.person_in(span)
        if person and head.ent_type_ == "PERSON" or person and head.pos_ == "PROPN":
            return Resolved(person, "person")
        if person and head.lower_ in ROLE_NOUNS and span[-1].ent_type_ == "PERSON":
            return Resolved(person, "person")  # "the head of the region's office Ivo Brandt"
        if person and any(c.dep_ == "appos" and c.ent_type_ == "PERSON" for c in children(head)):
            return Resolved(person, "person")  # "Valdoria's president, Ivo Brandt"
        if head.lower_ in GOVERNMENT_HEADS:
            country = self._country_modifier(span)
            if country:
                return Resolved(country, "country")
        if self._is_role_description(span):  # "the minister", "Valdoria's president"
            titled = self._titled_person(head.lower_, before) or self._role_holder(head.lower_)
            if titled:
                return Resolved(titled, "person")
        if head.lower_ in GROUP_NOUNS and span[0].lower_ == "the":
            group = self.antecedent(before, {"group"})
            if group:
                return group
        if span[0].lower_ in ("the", "this", "that") and len(span) <= 2 and head.pos_ == "NOUN":
            found = self.nominal_antecedent(head, before)
            if found:
                return found
        if head.lemma_.lower() in ORGANIZATION_HEADS and head.ent_type_ != "PERSON":
            body = self.organization(span, before)
            if body:
                return Resolved(body, "organization")
        holder = next((c for c in children(head) if c.dep_ == "poss"), None)
        if holder is not None and head.lemma_.lower() in STATEMENT_NOUNS and holder.i >= span.start:
            # "the ministry's statement said": the ministry
            return self.resolve_np(self.doc[holder.left_edge.i : holder.i + 1], before=before)
        if head.lemma_.lower() in STATEMENT_NOUNS:
            issuer = self._issuer(head, before)
            if issuer is not None:
                return issuer
        junk = head.lower_ in NON_SPEAKERS or head.lemma_.lower() in NON_SPEAKERS
        if junk and (not head.ent_type_ or head.pos_ == "PRON"):
            return Resolved(span.text, "unresolved")  # kept as written, not a speaker
        label = head.ent_type_ or ""
        found = self.resolve_name(span.text, label)
        return found if found.name else None

    # -- organisations -----------------------------------------------------------
    def home_country(self) -> str | None:
        """The country the report names most often (by name, demonym or capital)."""
        if self._home is None:
            counts: dict[str, int] = {}
            for ent in self.ents:
                if ent.label_ not in ("GPE", "NORP"):
                    continue
                text = strip_possessive(ent.text)
                country = self.gaz.actor_name(text) or CAPITALS.get(text)
                if ent.label_ == "NORP":
                    country = country or self.demonym_country(text)
                if country:
                    counts[country] = counts.get(country, 0) + 1
            self._home = max(counts, key=lambda c: counts[c]) if counts else ""
        return self._home or None

    def adjective(self, country: str) -> str:
        """The adjective a country's bodies are named with: the lexicon's, else the
        demonym the report itself uses for it ("Valdorian"), else the country's name."""
        if country in COUNTRY_DEMONYMS:
            return COUNTRY_DEMONYMS[country]
        for ent in self.ents:
            if ent.label_ == "NORP" and len(ent) == 1:
                word = strip_possessive(ent.text)
                if self._plural_demonym(word):  # "Valdorians": the adjective is singular
                    continue
                if word != country and self.demonym_country(word) == country:
                    return word
        return country

    def _country_word(self, tok: Token) -> str | None:
        """The country a modifier names: "Russia's", "Russian", "the country's"."""
        word = strip_possessive(tok.text)
        if word.lower() in HOME_COUNTRY_WORDS:
            return self.home_country() if tok.dep_ == "poss" else None
        if not word[:1].isupper():
            return None
        return (
            self.gaz.actor_name(word)
            or CAPITALS.get(word)
            or self.gaz.country_of_demonym(word)
            or _from_demonym(word, self.gaz.actor_name)
        )

    def organization(self, span: Span, before: int) -> str | None:
        """One name for a body however a report writes it: a country's body named with the
        country's adjective ("Russia's defence ministry", "Russian defense ministry" ->
        "Russian defence ministry"), a bare "the defence ministry" or "the ministry" as the
        body of that kind the report names (when it names one)."""
        toks = [t for t in span if not t.is_punct and t.lower_ not in DETERMINERS]
        toks = [t for t in toks if t.text not in ("'s", "\u2019s", "'", "\u2019")]
        if not toks:
            return None
        country = self._country_word(toks[0]) if len(toks) > 1 else None
        possessive = (
            toks[0].dep_ == "poss"
            or toks[0].i + 1 < len(self.doc)
            and (self.doc[toks[0].i + 1].dep_ == "case")
        )
        if country and not possessive and all(t.is_title or t.is_upper for t in toks):
            return None  # a proper name as written: "Israel Defense Forces"
        if country:
            rest = [_spelling(t.text) for t in toks[1:]]
            return " ".join([self.adjective(country), *rest])
        if span[0].lower_ in INDEFINITE or any(t.ent_type_ for t in toks):
            return None
        if span[0].lower_ not in ("the", "its") and not all(
            t.pos_ in ("NOUN", "ADJ") for t in toks
        ):
            return None
        words = {_spelling(t.lower_) for t in toks if t.i != span.root.i}
        return self._named_body(span.root, words, before)

    def _named_body(self, head: Token, words: set[str], before: int) -> str | None:
        """The body of the report with this head noun and these words that a country's
        name qualifies, when the report names just one such body (else the nearest before)."""
        key = (head.lemma_.lower(), frozenset(words))
        found = self._bodies.get(key)
        if found is None:
            found = self._bodies[key] = self._bodies_named(head, words)
            self._body_starts[key] = [at for at, _ in found]
        names = {n for _, n in found}
        if len(names) == 1:
            return names.pop()
        i = bisect_left(self._body_starts[key], before)
        return found[i - 1][1] if i else None

    def _bodies_named(self, head: Token, words: set[str]) -> list[tuple[int, str]]:
        """(offset, name) of the bodies with this head noun and these words that a
        country's name qualifies, in the order of the text."""
        self._index_chunks()
        found: list[tuple[int, str]] = []
        for chunk in (self._chunks or {}).get(head.lemma_.lower(), []):
            toks = [t for t in chunk if not t.is_punct and t.lower_ not in DETERMINERS]
            if len(toks) < 2 or chunk.start <= head.i < chunk.end:
                continue
            if not words <= {_spelling(t.lower_) for t in toks}:
                continue
            if self._country_word(toks[0]) and toks[0].lower_ not in HOME_COUNTRY_WORDS:
                name = self.organization(chunk, chunk.start_char)
                if name:
                    found.append((chunk.start_char, name))
        return found

    def _is_role_description(self, span: Span) -> bool:
        """A definite role with no name: "the minister", "Valdoria's president",
        "the country's health minister" (not "a minister", not "Minister Ivo Brandt")."""
        head = span.root
        if head.lower_ not in ROLE_NOUNS or span[0].lower_ in INDEFINITE:
            return False
        if any(
            t.ent_type_ == "PERSON" or t.pos_ == "PROPN" and t.ent_type_ in ("", "ORG")
            for t in span
            if t.i != head.i
        ):
            return False
        if span[0].lower_ == "the" or any(t.dep_ == "poss" for t in span if t.i != head.i):
            return True
        # a bare role, as headlines write it: "..., says governor", "health minister says"
        return all(t.is_lower and t.pos_ in ("NOUN", "ADJ", "PROPN") for t in span)

    def role_holder(self, role: str, words: set[str] | None = None) -> str | None:
        """The one person the report gives this role (None when none or several); with
        `words`, the one whose title holds them all ("Minister of Health": the health
        minister, not the prime minister)."""
        if not words or words <= {role}:
            return self._role_holder(role)
        if self._roles is None:
            self._roles = self.roles()
        people = set()
        for ent in self.ents:
            if not self._is_person(ent):
                continue
            name = self.full_name(self._person_name(ent))
            near = self.doc[max(0, ent.start - 8) : ent.start].text.lower()
            found_role = (self._roles.get(name, (None, None))[0] or "").lower()
            if name and all(w in near or w in found_role for w in words):
                people.add(name)
        return people.pop() if len(people) == 1 else None

    def _role_holder(self, role: str) -> str | None:
        """The one person the report gives this role, wherever it names them (a headline's
        "says governor" comes before "Governor Ivo Brandt")."""
        if role not in self._holders:
            self._holders[role] = self._find_role_holder(role)
        return self._holders[role]

    def _find_role_holder(self, role: str) -> str | None:
        people = {
            self.full_name(self._person_name(ent))
            for ent in self.ents
            if self._is_person(ent)
            and role in self.doc[max(0, ent.start - 3) : ent.start + 1].text.lower().split()
        }
        if self._roles is None:
            self._roles = self.roles()
        for name, (found_role, _) in self._roles.items():
            if found_role and role in found_role.lower().split():
                people.add(name)
        people.discard("")
        return people.pop() if len(people) == 1 else None

    @staticmethod
    def _after_person_title(span: Span) -> str | None:
        """The proper name after a title only people bear ("Rep. Tom Lisk" -> "Tom Lisk")."""
        toks = list(span)
        for i, tok in enumerate(toks[:-1]):
            if tok.lower_ in PERSON_TITLES:
                rest = toks[i + 1 :]
                if rest and all(t.pos_ == "PROPN" or t.text == "-" for t in rest):
                    return "".join(t.text_with_ws for t in rest).strip()
        return None

    def _titled_person(self, role: str, before: int) -> str | None:
        """'the minister' -> the last person named with that title ("Defence Minister X")."""
        titled = self._titled.get(role)
        if titled is None:  # (end offset, name) of every person named with the title
            titled = self._titled[role] = [
                (ent.end_char, self.full_name(self._person_name(ent)))
                for ent in self.ents
                if self._is_person(ent)
                and role in self.doc[max(0, ent.start - 3) : ent.start + 1].text.lower()
            ]
            self._titled_ends[role] = [end for end, _ in titled]
        i = bisect_right(self._titled_ends[role], before)
        return titled[i - 1][1] if i else None

    def _country_modifier(self, span: Span) -> str | None:
        for tok in span:
            if tok.i == span.root.i:
                continue
            country = self.gaz.actor_name(
                strip_possessive(tok.text)
            ) or self.gaz.country_of_demonym(tok.text)
            if country:
                return country
        return None

    # -- roles -----------------------------------------------------------------
    def roles(self) -> dict[str, tuple[str | None, str | None]]:
        """Role and affiliation of each person named with a title or an apposition:
        "U.S. Secretary of State Antony Blinken" -> ("Secretary of State", "United States"),
        "Petar Lukic, the mayor of Lisk" -> ("mayor", "Lisk"). The first one found wins."""
        out: dict[str, tuple[str | None, str | None]] = {}
        for ent in self.ents:
            if not self._is_person(ent):
                continue
            name = self._person_name(ent)
            if not name or self._is_place(name) or self.full_name(name) in out:
                continue
            found = self._role_tokens(ent)
            if found:
                role, affiliation = self._role_text(found)
                if role or affiliation:
                    out[self.full_name(name)] = (role, affiliation)
        return out

    def _role_tokens(self, ent: Span) -> list[Token]:
        root = ent.root
        before = [t for t in root.subtree if t.i < ent.start and not t.is_punct]
        for child in children(root):  # "Petar Lukic, the mayor of Lisk"
            if child.dep_ == "appos" and child.ent_type_ != "PERSON" and child.i > root.i:
                before += _without_clauses(child)
        if root.dep_ == "appos" and root.head.i < ent.start:  # "Valdoria's president, Ivo Brandt"
            head = root.head
            before = [t for t in head.subtree if t.i <= head.i and not t.is_punct] + before
        while before and before[0].lower_ in DETERMINERS:
            before = before[1:]
        return before

    def demonym_country(self, word: str) -> str | None:
        """'Valdorian' -> 'Valdoria' for a country the gazetteer knows but whose demonym it
        does not list (Armenian, Azerbaijani, Ukrainian follow the same endings)."""
        word = clean_np(word)
        return self.gaz.country_of_demonym(word) or _from_demonym(word, self.gaz.actor_name)

    def demonym_place(self, word: str, kinds: tuple[str, ...]) -> str | None:
        """'Ostravian' -> 'Ostravia': a place of one of `kinds` named by its demonym."""

        def place(name: str) -> str | None:
            found = self.gaz.lookup(name, fuzzy=False, cities=False)
            return found.canonical if found is not None and found.kind in kinds else None

        return _from_demonym(clean_np(word), place)

    def _demonym_as_place(self, word: str) -> Place | None:
        """The curated place or country a one-word demonym tagged as a place stands for
        ("Gazan" -> Gaza Strip)."""
        if " " in word or not word.endswith(("an", "i")):
            return None
        name = _from_demonym(word, lambda n: n if self.gaz.lookup(n, False, False) else None)
        return self.gaz.lookup(name, False, False) if name else None

    def _role_text(self, tokens: list[Token]) -> tuple[str | None, str | None]:
        affiliation = None
        for label in ("GPE", "NORP", "ORG"):
            tok = next((t for t in tokens if t.ent_type_ == label), None)
            if tok is not None:
                ent = next(e for e in self.doc.ents if e.start <= tok.i < e.end)
                affiliation = self.resolve_name(ent.text, label).name
                if label == "NORP":
                    affiliation = self.demonym_country(ent.text) or affiliation
                drop = {t.i for t in ent} if label != "ORG" or len(tokens) > len(ent) else set()
                tokens = [t for t in tokens if t.i not in drop]
                break
        words = [t for t in tokens if t.dep_ not in ("poss", "case") and t.text not in ("'s", "’s")]
        while words and words[-1].lower_ in ("of", "for", "in", "at", "and"):
            words = words[:-1]
        while words and words[0].lower_ in ("of", "for", "in", "at", "and"):
            words = words[1:]
        role = " ".join(t.text for t in words) or None
        return role, affiliation

    # -- mentions for linking ------------------------------------------------
    def mentions(self) -> list[Mention]:
        out = []
        for ent in self.ents:
            m = self._mention(ent)
            if m:
                out.append(m)
        regions = self._region_mentions(out)
        return sorted([*out, *regions], key=lambda m: m.start) if regions else out

    def _region_mentions(self, found: list[Mention]) -> list[Mention]:
        """Regions named after a place that NER left untagged: a proper noun the
        gazetteer knows before a region word ("in the Donetsk region", "Kherson oblast"),
        read at the link stage as context for the report's other places only (`context`):
        an event's place comes from what NER tagged."""
        out: list[Mention] = []
        covered = [(m.start, m.end) for m in found]
        for tok in self.doc:
            if tok.lower_ not in self.gaz.region_words or tok.i == 0:
                continue
            words: list[Token] = []
            i = tok.i - 1
            while i >= 0 and len(words) < 3:
                prev = self.doc[i]
                if prev.pos_ != "PROPN" or not prev.text[:1].isupper() or not prev.is_alpha:
                    break
                words.insert(0, prev)
                i -= 1
            if not words or words[0].idx < self.body_start:
                continue
            start, end = words[0].idx, tok.idx + len(tok.text)
            if any(a < end and start < b for a, b in covered):
                continue
            name = " ".join(w.text for w in words)
            if self.gaz.lookup(name, fuzzy=False) is None:
                continue  # "the Southern Military District": no place of that name
            text, canonical = doc_text(self.doc)[start:end], f"{name} {tok.lower_}"
            out.append(Mention(text, start, end, "LOC", canonical, "place", context=True))
        return out

    def _mention(self, ent: Span) -> Mention | None:
        label = ent.label_
        if label not in ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC"):
            return None
        text = strip_possessive(ent.text)
        place = self.gaz.lookup(text, cities=False) if label != "NORP" and len(text) > 2 else None
        if place is not None and (label != "PERSON" or text not in self.persons):
            return self._place_mention(ent, label, place)
        if label == "NORP":
            country = self.demonym_country(text)
            return Mention(ent.text, ent.start_char, ent.end_char, label, country or text, "group")
        if label == "PERSON":
            name = self._person_name(ent)
            return (
                Mention(
                    ent.text, ent.start_char, ent.end_char, label, self.full_name(name), "person"
                )
                if name
                else None
            )
        if label in PLACE_LABELS:  # geocoded against GeoNames cities at the link stage
            known = self._demonym_as_place(text)
            if known is not None:  # "a Gazan hospital": Gaza, not a town called Gazan
                return self._place_mention(ent, label, known)
            after = ent.doc[ent.end] if ent.end < len(ent.doc) else None
            if after is not None and after.lower_ in self.gaz.region_words:
                # "the Donetsk region": the region, not its town (resolved at the link stage)
                end = after.idx + len(after.text)
                return Mention(
                    doc_text(self.doc)[ent.start_char : end],
                    ent.start_char,
                    end,
                    label,
                    f"{text} {after.lower_}",
                    "place",
                )
            return Mention(ent.text, ent.start_char, ent.end_char, label, text, "place")
        head, _, last = text.rpartition(" ")
        if head and last.lower() in self.gaz.region_words and self.gaz.lookup(head, False):
            # "Donetsk Oblast" tagged ORG: a region named after a place the gazetteer
            # knows, read as context for the report's other places (see `_region_mentions`)
            canonical = f"{head} {last.lower()}"
            return Mention(
                ent.text, ent.start_char, ent.end_char, label, canonical, "place", context=True
            )
        return Mention(
            ent.text, ent.start_char, ent.end_char, label, clean_np(text), "organization"
        )

    def _place_mention(self, ent: Span, label: str, place: Place) -> Mention:
        """A mention of a place the gazetteer knows, with where it lies."""
        areas = self.gaz.admin(place)
        return Mention(
            ent.text,
            ent.start_char,
            ent.end_char,
            label,
            place.canonical,
            "country" if place.kind == "country" else "place",
            place.lat,
            place.lon,
            place.kind,
            areas.country,
            areas.country_code,
            areas.admin1,
            areas.admin2,
        )


def _spelling(word: str) -> str:
    """One spelling for words US and British English write apart (defense/defence)."""
    if word.lower() == "defense":
        return word[:-2] + ("CE" if word.isupper() else "ce")
    return word


def _from_demonym(word: str, lookup: Callable[[str], str | None]) -> str | None:
    """The first name `lookup` knows among the stems of a demonym (Valdorian -> Valdoria,
    Azerbaijani -> Azerbaijan, Ukrainian -> Ukraine)."""
    for cut, add in DEMONYM_STEMS:
        if len(word) > cut + 3:
            found = lookup(word[:-cut] + add)
            if found:
                return found
    return None


def _without_clauses(token: Token) -> list[Token]:
    """A noun phrase's tokens without its relative clauses and punctuation."""
    cut = {t.i for c in children(token) if c.dep_ in ("relcl", "acl") for t in c.subtree}
    return [t for t in token.subtree if t.i not in cut and not t.is_punct]


def join_names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
