"""Composition without a model: which sentences may answer, and how support is chosen."""

from __future__ import annotations

from assistant.compose import Claim, Relevance, candidates, in_full, select
from core.model import Source


def chapter(text: str, ref: str = "3") -> Source:
    return Source(kind="chapter", ref=ref, chapter=ref, date=None, title=f"Chapter {ref}", text=text, doc_id=ref,
                  similarity=0.5)


def test_signposts_of_the_digest_are_never_answer_sentences():
    source = chapter("The record below shows how the partners handled transitions. The concluding chapter draws "
                     "the findings together. Two points in the record matter here. Tokyo and Manila held their "
                     "first 2+2 in April 2022. Three points stand out: the RAA, OSA and the 2+2.")
    assert [c.text for c in candidates([source])] == ["Tokyo and Manila held their first 2+2 in April 2022.",
                                                      "Three points stand out: the RAA, OSA and the 2+2."]


def test_breadth_prefers_a_new_fact_to_a_restatement_of_the_lead():
    lead_text = "The RAA lets Japanese and Philippine forces train in each other's territory."
    restated = ("Japanese and Philippine forces, under the RAA in force since September 2025, can now train and hold "
                "exercises in each other's territory.")
    new_fact = "The RAA was signed in Manila on 8 July 2024 by Kamikawa and Teodoro."
    pool = candidates([chapter(f"{lead_text} {restated} {new_fact}")],
                      {"3": [(lead_text, 0.9), (restated, 0.85), (new_fact, 0.6)]})
    relevance = Relevance(["raa", "train"], pool)
    by_relevance = select(pool, relevance, budget=2)
    by_breadth = select(pool, relevance, budget=2, breadth=True)
    assert by_relevance[1].text == restated  # the plain order keeps the closer restatement ...
    assert by_breadth[1].text == new_fact  # ... breadth states what the lead did not


def test_the_sentence_carrying_the_lead_on_comes_with_it_however_few_question_words_it_has():
    lead_text = "The study expects the relationship to keep deepening while present conditions hold."
    carried = "Its forecast rests on structural conditions, a shared ally and a shared threat."
    other = "Japan and the Philippines signed the RAA in 2024."
    pool = candidates([chapter(f"{lead_text} {carried}"), chapter(other, ref="5")],
                      {"3": [(lead_text, 0.9), (carried, 0.2)], "5": [(other, 0.3)]})
    chosen = select(pool, Relevance(["study", "expect", "deepen"], pool), budget=3)
    assert [c.text for c in chosen][:2] == [lead_text, carried]


def test_a_topic_sentence_comes_with_what_it_announces_or_not_at_all():
    topic = "The study ends with a recommendation."
    announced = "It argues that Japan should apply the Philippine experience to other like-minded partners."
    claim = "According to the study, Japan and the Philippines now form a quasi-alliance."
    last_topic = "Disaster relief has been a constant thread."
    pool = candidates([chapter(f"{claim} {topic} {announced}"), chapter(last_topic, ref="4.4")],
                      {"3": [(claim, 0.9), (topic, 0.8), (announced, 0.3)], "4.4": [(last_topic, 0.85)]})
    chosen = [c.text for c in select(pool, Relevance(["study", "recommend"], pool), budget=4, any_likeness=True)]
    assert chosen.index(announced) == chosen.index(topic) + 1
    assert claim in chosen and last_topic not in chosen  # the last announces nothing that follows it
    chosen = [c.text for c in select(pool, Relevance(["quasi", "allianc"], pool), budget=2, any_likeness=True)]
    assert chosen == [claim]  # no room for the topic sentence with what it announces


def test_a_person_is_named_in_full_the_first_time():
    event = Source(kind="event", ref="e", chapter="4.2", date="2023-11-04", title="Kishida addresses Congress",
                   text="Kishida spoke.", actors=["Fumio Kishida", "Teodoro Locsin Jr.", "Gilberto Teodoro",
                                                  "Philippine Coast Guard"])
    claims = in_full([Claim("Kishida addressed Congress with Teodoro Locsin present.", (event,)),
                      Claim("Kishida returned to Tokyo.", (event,))])
    assert [c.text for c in claims] == ["Fumio Kishida addressed Congress with Teodoro Locsin present.",
                                        "Kishida returned to Tokyo."]  # once; not 'Gilberto Teodoro Locsin'


def test_a_span_is_verified_from_the_dates_the_sentence_states():
    from assistant.verify import check_sentence

    signed = Source(kind="event", ref="a", chapter=None, date="2024-07-08", title="RAA signed", text="Signed.")
    in_force = Source(kind="event", ref="b", chapter=None, date="2025-09-11", title="RAA in force", text="In force.")
    assert check_sentence("8 July 2024 → 11 September 2025 = 14 months [1][2].", [signed, in_force]).supported
    assert not check_sentence("8 July 2024 → 11 September 2025 = 15 months [1][2].", [signed, in_force]).supported
