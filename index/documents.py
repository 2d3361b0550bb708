"""Turn corpus records into index documents: passages that keep their chapter and heading path,
and one document per timeline event."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.metadata import event_metadata, passage_metadata
from core.model import CANONICAL_CHAPTERS, Chapter, ChapterSection, Corpus, TimelineEvent
from core.text import event_refs, strip_event_refs


@dataclass(frozen=True)
class IndexDocument:
    id: str
    text: str  # what is shown and cited
    embed_text: str  # what is embedded: text with its title/heading, which anchors short passages
    metadata: dict = field(default_factory=dict)
    body: str = ""  # the citable prose (an event's summary without its date line); default: text

    @property
    def citable(self) -> str:
        return self.body or self.text


def event_document(event: TimelineEvent, study: str) -> IndexDocument:
    return IndexDocument(
        id=f"event:{event.id}",
        text=event.text,
        embed_text=f"{event.display_date} ({event.date}). {event.title}. {event.summary}",
        body=event.summary,
        metadata=event_metadata(event, study),
    )


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def chapter_documents(chapter: Chapter, study: str, passage_words: int) -> list[IndexDocument]:
    return section_documents(chapter.sections, study, passage_words, id_prefix=f"chapter:{chapter.id}")


def section_documents(sections, study: str, passage_words: int, *, id_prefix: str,
                      source_label: str = "") -> list[IndexDocument]:
    """Pack whole paragraphs into passages of about ``passage_words``; a long paragraph stands alone.
    Passages never cross a section (or, for PDFs, a page) boundary, so each keeps one heading and page."""
    documents: list[IndexDocument] = []
    for section in sections:
        section: ChapterSection
        canonical = section.chapter_id in CANONICAL_CHAPTERS
        heading = " › ".join(section.heading_path)
        groups: list[list[str]] = []
        words = 0
        for paragraph in _paragraphs(section.text):
            n = len(strip_event_refs(paragraph).split())
            if groups and words + n <= passage_words:
                groups[-1].append(paragraph)
                words += n
            else:
                groups.append([paragraph])
                words = n
        for raw in ("\n\n".join(g) for g in groups):
            text = "\n\n".join(strip_event_refs(p) for p in _paragraphs(raw))
            refs = event_refs(raw)
            number = f"§{section.chapter_id} " if canonical else ""
            title = f"{number}{section.chapter_title}" + (f" › {section.heading}" if section.heading else "")
            documents.append(
                IndexDocument(
                    id=f"{id_prefix}:{len(documents)}",
                    text=text,
                    embed_text=f"{heading}. {text}",
                    metadata=passage_metadata(section, study, events=refs,
                                              title=title + (f" ({source_label})" if source_label else "")),
                )
            )
    return documents


def corpus_documents(corpus: Corpus, study: str, passage_words: int) -> list[IndexDocument]:
    documents = [d for c in corpus.chapters for d in chapter_documents(c, study, passage_words)]
    documents += [event_document(e, study) for e in corpus.events]
    return documents
