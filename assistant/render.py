"""Claims into answer text: citation markers numbered by first use, one per cited item."""

from __future__ import annotations

from assistant.compose import Claim
from core.model import Source
from assistant.verify import HEDGE
from core.text import marker


def hedged(text: str, sources: tuple[Source, ...]) -> str:
    """A sentence resting only on events whose sources conflict says so in words."""
    if not sources or any(s.confidence != "low" for s in sources) or HEDGE.search(text):
        return text
    body, end = (text[:-1], text[-1]) if text[-1:] in ".!?" else (text, "")
    return f"{body} (as reported; the sources disagree){end}"


def render(claims: list[Claim], *, heading: str | None = None, as_list: bool = False) -> tuple[str, list[Source]]:
    """(text, the cited items in marker order). Prose puts each sentence's markers before its final
    stop; a list puts one item a line under its heading."""
    numbers: dict[Source, int] = {}
    out = []
    for claim in claims:
        for source in claim.sources:
            numbers.setdefault(source, len(numbers) + 1)
        markers = "".join(marker(numbers[s]) for s in claim.sources)
        text = hedged(claim.text.rstrip(), claim.sources)
        if as_list:
            out.append(f"- {text.rstrip('.')} {markers}")
            continue
        end = text[-1] if text and text[-1] in ".!?" else "."
        body = text[:-1] if text and text[-1] in ".!?" else text
        out.append(f"{body} {markers}{end}")
    body = "\n".join(out) if as_list else " ".join(out)
    return (f"{heading}\n{body}" if heading else body), list(numbers)
