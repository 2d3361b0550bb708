"""The two steps a language model may take, each held to the extractive standard: rewriting a follow-up
as a self-contained question, and phrasing the answer from numbered context (then verified)."""

from __future__ import annotations

from dataclasses import replace

from assistant.llm import LLMBackend, LLMError, answer_messages, complete, condense_messages
from assistant.parse import ParsedQuestion, parse
from assistant.verify import check_answer
from core.model import Answer, AnswerDelta, Citation, Source, Turn
from core.text import MARKER, numbers, tokens

LLM_CONTEXT_ITEMS = 4  # what fits a small model's 2k-token window with room to answer


def parse_with_model(question: str, history: tuple[Turn, ...], llm: LLMBackend | None) -> ParsedQuestion:
    """The rule-based parse; with a model, a follow-up's rewrite may come from the model instead,
    if it keeps the question's words and brings no figures of its own."""
    parsed = parse(question, history)
    if llm is None or not parsed.rewritten:
        return parsed
    try:
        condensed = complete(llm, condense_messages(question, [(t.role, t.content) for t in history])).strip()
    except LLMError:
        return parsed
    condensed = condensed.splitlines()[0].strip() if condensed else ""
    said = " ".join([question] + [t.content for t in history])
    invented = numbers(condensed) - numbers(said)
    if (8 <= len(condensed) <= 300 and not invented and condensed.rstrip().endswith("?")
            and set(tokens(condensed)) >= set(tokens(question))):
        return replace(parse(condensed), original=question, rewritten=True, context=parsed.context,
                       previous_answer=parsed.previous_answer)
    return parsed


def model_answer(llm: LLMBackend, question: str, retrieved: list[Source], fallback: Answer):
    """Let the model phrase the answer from numbered context, then hold it to the extractive
    standard: unsupported sentences are dropped, and if too little survives (or the model is
    down, slow or incoherent) the extractive answer is given with a visible notice."""
    context = retrieved[:LLM_CONTEXT_ITEMS]
    draft = ""
    try:
        for piece in llm.stream(answer_messages(question, context)):
            draft += piece
            yield AnswerDelta(piece)
    except LLMError as exc:
        fallback.notice = f"The {llm.name} model could not answer ({exc}); showing the extractive answer."
        return fallback
    checked = check_answer(draft.strip(), context)
    kept = [c for c in checked if c.supported]
    if not kept or len(kept) * 2 < len(checked):
        fallback.notice = (f"The {llm.name} model's answer could not be verified against its sources "
                           f"({len(kept)} of {len(checked)} sentences supported); showing the extractive answer.")
        return fallback
    numbering: dict[int, int] = {}
    for c in kept:
        for m in c.markers:
            numbering.setdefault(m, len(numbering) + 1)
    text = " ".join(MARKER.sub(lambda m: f"[{numbering[int(m.group(1))]}]", c.text) for c in kept)
    cited = [context[m - 1] for m in numbering]
    answer = Answer(fallback.question, text, retrieved=retrieved, backend=llm.name)
    answer.citations = [Citation(f"[{n}]", s) for n, s in enumerate(cited, start=1)]
    if len(kept) < len(checked):
        answer.notice = f"{len(checked) - len(kept)} unsupported sentence(s) were removed from the model's answer."
    return answer
