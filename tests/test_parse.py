"""Question understanding as a typed parse (no index needed): answer types, compound parts,
follow-up detection, self-contained questions after a history, premises and the scope's focus."""

from __future__ import annotations

import pytest

from assistant.handlers import BUILTINS, HANDLERS, handler_for
from assistant.handlers.compare import sides
from assistant.handlers.range import anchor_phrases
from assistant.parse import ANSWER_TYPES, depends_on_history, parse, split_parts, without_values
from core.model import Turn

HISTORY = (Turn("user", "What is the study's main argument?"),
           Turn("assistant", "The study argues that a quasi-alliance is taking shape [1]."))


@pytest.mark.parametrize("question, kind", [
    ("When was the Reciprocal Access Agreement signed?", "when"),
    ("Who signed the RAA?", "who"),
    ("which ministers did the 2nd 2+2 in manila?", "who"),
    ("Where was the first 2+2 held?", "where"),
    ("How many patrol vessels has Japan financed for the Philippine Coast Guard?", "how-many"),
    ("What was the first exercise under the RAA?", "first-latest"),
    ("What is the most recent four-way defense ministers' meeting?", "first-latest"),
    ("List the 2025 milestones", "list"),
    ("What exercises did Japan join in 2023?", "list"),
    ("Give me a quick recap of 2019 please", "list"),  # a recap of a period lists its events
    ("What defence-related things happened in May 2016?", "list"),  # 'what … happened', with words between
    ("Which defense contacts did Tokyo and Manila have in 2021?", "list"),
    ("What happened between the first and the second 2+2 meeting?", "range"),
    ("Compare the first and the second 2+2.", "compare"),
    ("The RAA was signed in 1999, right?", "premise"),
    ("Tomomi Inada launched Vientiane Vision 2.0, didn't she?", "premise"),
    ("What is the study's main argument?", "argument"),
    ("Why does the study start its review in 2016?", "argument"),
    ("Why was the first 2+2 meeting held in Tokyo?", "reason"),
    ("How long did it take the RAA to go from signature to entry into force?", "duration"),
    ("How many vessels did Japan finance between 2013 and 2024?", "how-many"),
    ("Where does the study place the partnership between alignment and alliance?", "argument"),
    ("Who does the study name as the shared ally?", "argument"),
    ("What is the Vientiane Vision?", "definition"),
    ("Why did Japan relax its arms export rules?", "reason"),
    ("How did the two navies work together between 2015 and 2017?", "range"),  # a span of years is a period
    ("Which PM opened the Manila talks?", "who"),
    ("When did the JGSDF first train in the Philippines?", "first-latest"),  # the earliest occasion
    ("When did the Japanese and Philippine air forces first train together?", "first-latest"),  # a long subject
    ("When was the first 2+2 held?", "when"),  # the date of a named event
    ("What's an OSA grant?", "definition"),
    ("the first 2+2 was held in manila wasn't it", "premise"),  # a tag question without its question mark
    ("the TC-90s came from the JMSDF, yeah?", "premise"),
    ("What four-way firsts happened in June 2023?", "list"),  # events in a period, whatever their kind
    ("What did the 2015 Development Cooperation Charter make possible?", "reason"),  # a year naming a thing
    ("What does the RAA do?", "definition"),
])
def test_answer_types(question, kind):
    assert parse(question).answer_type == kind


def test_every_answer_type_has_a_registered_handler():
    assert set(ANSWER_TYPES) <= set(HANDLERS)
    assert len(BUILTINS) == len(set(BUILTINS))
    assert handler_for("no-such-type") is HANDLERS["fact"]


def test_compound_question_has_its_parts_in_order_with_the_subject_carried():
    parsed = parse("When was the Reciprocal Access Agreement signed and when did it enter into force?")
    assert [p.answer_type for p in parsed.parts] == ["when", "when"]
    assert "enter into force" in parsed.parts[1].text and "Reciprocal Access Agreement" in parsed.parts[1].text
    assert split_parts("Who signed it and where?") == ["Who signed it?", "where?"]
    assert split_parts("When and where was the first 2+2 held?") == ["When was the first 2+2 held?",
                                                                     "where was the first 2+2 held?"]
    assert len(parse("What happened between the first and the second 2+2?").parts) == 1  # a span, not two parts


def test_a_self_contained_question_is_never_rewritten_after_a_history():
    question = "When was the RAA signed and when did it enter into force?"
    parsed = parse(question, HISTORY)
    assert parsed.text == question and not parsed.rewritten
    assert not depends_on_history("What is FOIP?")


@pytest.mark.parametrize("question", ["And when did it enter into force?", "Who signed it?",
                                      "How did China react to it?", "What about the second one?", "Why?",
                                      "How did the 2024 version differ from it?",  # a year names no referent
                                      "Which earlier Japanese PM did he quote?"])  # nor does a role
def test_follow_ups_are_read_with_the_history(question):
    history = (Turn("user", "When was the Reciprocal Access Agreement signed?"), Turn("assistant", "8 July 2024 [1]."))
    parsed = parse(question, history)
    assert parsed.rewritten and "Reciprocal Access Agreement" in parsed.text and parsed.context


def test_a_follow_up_keeps_its_own_shape_whatever_its_context_says():
    history = (Turn("user", "When was the first Japan-Philippines 2+2 held?"), Turn("assistant", "9 April 2022 [1]."))
    parsed = parse("What did they agree on at that meeting?", history)
    assert parsed.rewritten and "first" in parsed.text and parsed.answer_type != "first-latest"


def test_each_part_of_a_compound_follow_up_is_about_what_it_follows_up():
    history = (Turn("user", "What was Doshin-Bayanihan 5-25?"), Turn("assistant", "An exercise in Cebu [1]."))
    parsed = parse("How many Japanese personnel took part, and what aircraft did they bring?", history)
    assert len(parsed.parts) == 2 and all("Doshin-Bayanihan 5-25" in p.text for p in parsed.parts)


def test_a_bare_follow_up_is_asked_the_way_the_question_before_it_was():
    history = (Turn("user", "When did Japan agree to finance the third batch of coast guard ships?"),
               Turn("assistant", "On 17 May 2024 [1]."))
    assert parse("And the JICA loan agreement itself?", history).answer_type == "when"
    assert parse("And who signed it?", history).answer_type == "who"  # its own question word


def test_that_year_is_the_year_the_last_answer_gave():
    history = (Turn("user", "When did the Izumo visit Subic Bay?"), Turn("assistant", "On 4 June 2017 [1]."))
    parsed = parse("What else happened that year?", history)
    assert parsed.text == "What else happened in 2017?" and parsed.plan.year_from == 2017
    assert parsed.answer_type == "list" and parsed.rewritten


def test_premise_values_are_claims_not_a_period():
    parsed = parse("The RAA was signed in 1999, right?")
    assert parsed.claimed == ("1999",)
    assert parsed.plan.year_from is None and "1999" not in without_values(parsed.text)


def test_between_anchors_share_their_noun():
    assert anchor_phrases("What happened between the first and the second 2+2 meeting?") == (
        "the first 2+2 meeting", "the second 2+2 meeting")
    assert sides("Compare the first and the second 2+2.") == ("the first 2+2", "the second 2+2")
    assert sides("How did Beijing's reaction to the award differ from Tokyo's?")[1] == "Tokyo's reaction to the award"
    assert anchor_phrases("What happened between the RAA being signed and it taking effect?") == (
        "the RAA being signed", "RAA taking effect")
    assert anchor_phrases("What ships called at Subic between 2016 and 2019?") == ("2016", "2019")
    assert sides("Compare the first and second 2+2: where were they held?") == ("the first 2+2", "second 2+2")
    assert sides("Compare the two OSA grants.") == ("the first OSA grants", "the second OSA grants")
    assert sides("How was the first bilateral MCA different from the first four-nation MCA?") == (
        "the first bilateral MCA", "the first four-nation MCA")
    assert sides("Phase I vs Phase II vs Phase III of the ship project - how do they compare?") == (
        "Phase I of the ship project", "Phase II of the ship project", "Phase III of the ship project")


def test_an_ordinal_ellipsis_takes_the_previous_question_with_the_new_ordinal():
    history = (Turn("user", "When was the first 2+2 held?"), Turn("assistant", "On 9 April 2022 [1]."))
    for follow_up in ("And the second one?", "the second?"):
        assert parse(follow_up, history).text == "When was the second 2+2 held?"


def test_the_counted_thing_ends_at_the_verb_and_counts_in_its_kind():
    from assistant.handlers.how_many import counted_as, counted_noun

    assert counted_noun("How many JGSDF troops joined KAMANDAG in 2018?") == "troop"
    assert counted_noun("How many radars did the contract cover?") == "radar"
    assert "soldier" in counted_as("troop") and "vessel" in counted_as("mrrvs")


def test_a_period_set_before_the_question_is_a_range():
    from assistant.parse import answer_type

    question = ("Between the 2011 strategic partnership and the 2016 equipment agreement, what were the main "
                "building blocks of the defence relationship?")  # the second end stops at its comma
    assert answer_type(question) == "range"
    assert anchor_phrases(question) == ("the 2011 strategic partnership", "the 2016 equipment agreement")


def test_a_life_word_is_read_as_a_word():
    from assistant.on_record import _life_words

    assert _life_words("His son studied at a university in Tokyo.") == {"son", "studied", "university"}
    assert _life_words("Each person on the Johnson ship.") == set()  # not 'son' inside other words


def test_an_ordinal_names_its_number():
    from core.text import ORDINAL, ordinal_number

    assert [ordinal_number(m) for m in ORDINAL.findall("the second 2+2, the 8th meeting, the 21st century")] == [2, 8, 21]


def test_states_are_named_by_name_or_adjective_each_once():
    from core.countries import states_named

    assert states_named("Did the Vietnamese navy train with South Korea, Vietnam and the US?") == (
        "Vietnam", "South Korea", "United States")
