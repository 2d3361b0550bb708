"""The extractive answerer: no model. It picks sentences from the retrieved items, leads with the
one that answers, and puts a citation marker on every sentence."""

from __future__ import annotations

import math
from dataclasses import dataclass

from assistant.query import QueryPlan
from assistant.text import sentences, tokens
from assistant.types import Source
from index.records import format_date


@dataclass(frozen=True)
class Claim:
    """One answer sentence and the item it comes from (index into the retrieved list)."""

    text: str
    source: int


def event_headline(source: Source) -> str:
    return f"{format_date(source.date)}: {source.title.rstrip('.')}." if source.date else f"{source.title.rstrip('.')}."


def _event_body(source: Source) -> str:
    """An event's text is 'date: title. summary'; the summary alone, for sentence picking."""
    prefix = f"{format_date(source.date)}: {source.title}." if source.date else ""
    return source.text[len(prefix):].strip() if prefix and source.text.startswith(prefix) else source.text


class ExtractiveAnswerer:
    def __init__(self, max_sentences: int = 4):
        self.max_sentences = max_sentences

    def claims(self, question: str, plan: QueryPlan, sources: list[Source],
               semantic: dict[str, list[tuple[str, float]]] | None = None) -> list[Claim]:
        """``semantic`` maps a source's doc id to its sentences with their cosine similarity to the
        question (from the index's sentence vectors); without it, sentences are scored by words only."""
        if not sources:
            return []
        semantic = semantic or {}
        q = set(tokens(question))
        doc_freq: dict[str, int] = {}
        for s in sources:
            for t in set(tokens(s.text)):
                doc_freq[t] = doc_freq.get(t, 0) + 1
        weight = {t: math.log(1 + len(sources) / doc_freq.get(t, 0.5)) for t in q}

        rows: list[tuple[int, int, str, float, float]] = []  # rank, position, sentence, overlap, cosine
        for rank, source in enumerate(sources):
            pairs = semantic.get(source.doc_id) or [(t, 0.0) for t in sentences(_event_body(source) if source.kind == "event" else source.text)]
            for position, (sentence, cosine) in enumerate(pairs):
                rows.append((rank, position, sentence, math.fsum(sorted(weight[t] for t in q & set(tokens(sentence)))), cosine))
        top_overlap = max((r[3] for r in rows), default=0.0) or 1.0
        scored = sorted(
            ((r[4] + 0.5 * r[3] / top_overlap + 0.3 / (r[0] + 1) + (0.05 if r[1] == 0 else 0.0), r[0], r[2], r[3])
             for r in rows),
            key=lambda x: -x[0],
        )
        # Supporting sentences must be nearly as good an answer as the best one.
        floor = 0.7 * scored[0][0] if scored else 0.0

        claims: list[Claim] = []
        lead_source = 0
        if plan.wants_date or plan.wants_first or plan.wants_latest:
            # The question asks for a date: lead with the best event's date and title.
            events = [i for i, s in enumerate(sources) if s.kind == "event" and s.date]
            if events:
                # First/latest questions arrive ordered by date; otherwise the event whose title
                # names what was asked about leads, not merely the nearest one.
                lead_source = events[0] if plan.wants_first or plan.wants_latest else max(
                    events, key=lambda i: (len(q & set(tokens(sources[i].title))) / max(1, len(q))
                                           + sources[i].similarity + 0.3 / (i + 1)))
                claims.append(Claim(event_headline(sources[lead_source]), lead_source))
                own = [x for x in scored if x[1] == lead_source]
                if own:  # the lead event's own detail comes before anything else
                    claims.append(Claim(own[0][2], lead_source))
        per_source: dict[int, int] = {lead_source: len(claims) - 1} if claims else {}
        for total, rank, sentence, _ in scored:
            if len(claims) >= self.max_sentences:
                break
            if claims and total < floor:
                break
            if per_source.get(rank, 0) >= (2 if rank == lead_source else 1):
                continue
            if any(sentence == c.text for c in claims):
                continue
            claims.append(Claim(sentence, rank))
            per_source[rank] = per_source.get(rank, 0) + 1
        return claims


def render(claims: list[Claim], markers: dict[int, str]) -> str:
    """Claims joined into prose, each followed by its marker."""
    out = []
    for claim in claims:
        text = claim.text.rstrip()
        end = text[-1] if text and text[-1] in ".!?" else "."
        body = text[:-1] if text and text[-1] in ".!?" else text
        out.append(f"{body} {markers[claim.source]}{end}")
    return " ".join(out)


def render_list(items: list[Source], markers: dict[int, str], intro: str) -> str:
    lines = [intro]
    for i, s in enumerate(items):
        lines.append(f"- {event_headline(s)[:-1]} {markers[i]}")
    return "\n".join(lines)
