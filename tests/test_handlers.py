"""One test per question type over the real index: each handler answers in its type first, compound
questions answer every part in order, follow-ups are read with the history and self-contained
questions are not, spans keep both bounds, 'first X' finds the earliest X, premises are corrected,
phases are added up, long lists open with their summary, and near-misses are refused."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from assistant.handlers.where import names_place
from assistant.parse import parse
from core.text import sentences
from core.model import Turn

RAA_SIGNED, RAA_IN_FORCE = "2024-07-08-raa-signed", "2025-09-11-raa-in-force"


def first_sentence(answer) -> str:
    return sentences(answer.answer)[0]


def test_when_leads_with_the_date(assistant):
    answer = assistant.ask("When was the Reciprocal Access Agreement signed?")
    assert answer.answer_type == "when" and first_sentence(answer).startswith("8 July 2024")
    assert len(sentences(answer.answer)) <= 2


def test_who_names_the_people_first(assistant):
    answer = assistant.ask("Who signed the RAA?")
    assert "Kamikawa" in first_sentence(answer) and "Teodoro" in first_sentence(answer)


def test_compound_question_answers_both_parts_in_order(assistant):
    answer = assistant.ask("When was the Reciprocal Access Agreement signed and when did it enter into force?")
    text = answer.answer
    assert "8 July 2024" in text and "11 September 2025" in text
    assert text.index("8 July 2024") < text.index("11 September 2025")
    assert {RAA_SIGNED, RAA_IN_FORCE} <= {c.source.ref for c in answer.citations}


def test_the_two_ends_of_a_range_are_two_events(assistant):
    answer = assistant.ask("What happened between the RAA being signed and it taking effect?")
    assert answer.answer.startswith("The timeline records") and "6 June 2025" in answer.answer  # the Diet's approval, between the two


def test_an_acronym_names_its_event(assistant):
    assert assistant.resolve_event("the first 2+2 meetings").ref == "2022-04-09-first-2plus2"  # not the first four-way


def test_an_acronym_in_the_phrase_matches_its_long_form_in_a_title(assistant):
    taking_effect = assistant.resolve_event("the RAA taking effect", exclude=frozenset({RAA_SIGNED}))
    assert taking_effect.ref == RAA_IN_FORCE  # not the exchange of notes that set its date


def test_a_phase_numeral_names_its_phase(assistant):
    phase_one = assistant.resolve_event("Phase I of the PCG patrol vessel project")  # 'I' is not a stopword here
    assert phase_one.ref == "2013-12-13-mrrv-yen-loan-signed"
    assert assistant.resolve_event("Phase III of the coast guard ships").ref.startswith("2024-")


def test_two_dates_asked_in_one_question_are_two_moments(assistant):
    answer = assistant.ask("When did Manila start its UNCLOS case against China, and when did the tribunal rule?")
    assert "22 January 2013" in answer.answer and "12 July 2016" in answer.answer


def test_a_self_contained_question_after_a_history_is_answered_as_asked(assistant):
    history = [Turn("user", "What is the study's main argument?"), Turn("assistant", "A quasi-alliance [1].")]
    answer = assistant.ask("When was the RAA signed and when did it enter into force?", history)
    assert answer.standalone_question is None
    assert "8 July 2024" in answer.answer and "11 September 2025" in answer.answer


def test_follow_up_is_understood_with_the_history_and_says_so(assistant):
    history = [Turn("user", "When was the Reciprocal Access Agreement signed?"), Turn("assistant", "8 July 2024 [1].")]
    answer = assistant.ask("How did China react to it?", history)
    assert answer.standalone_question and "Reciprocal Access Agreement" in answer.standalone_question
    assert "Lin Jian" in answer.answer  # the timeline's own record of China's reaction
    assert answer.to_dict()["standalone_question"] == answer.standalone_question


@pytest.mark.parametrize("asked, told, follow_up, expected", [
    ("When did the first TC-90 aircraft arrive?", "The first two arrived at Sangley Point on 27 March 2017.",
     "And the other three?", "26 March 2018"),
    ("When was the RAA signed?", "In Manila on 8 July 2024.", "And when did it enter into force?", "11 September 2025"),
])
def test_a_follow_up_asking_when_leads_with_a_date_it_was_not_told(assistant, asked, told, follow_up, expected):
    answer = assistant.ask(follow_up, [Turn("user", asked), Turn("assistant", told)])
    assert first_sentence(answer).startswith(expected)


@pytest.mark.parametrize("question, state", [
    ("Which patrol vessels did Japan grant to Malaysia?", "Malaysia"),
    ("How many patrol vessels has Japan given to Vietnam?", "Vietnam"),  # not the sum of the PCG's phases
])
def test_a_question_about_another_state_leads_with_what_the_record_says_of_it(assistant, question, state):
    assert state in first_sentence(assistant.ask(question))


def test_how_many_adds_up_the_phases(assistant):
    answer = assistant.ask("How many patrol vessels has Japan financed for the Philippine Coast Guard?")
    lead = first_sentence(answer)
    assert "= 17" in lead and re.search(r"10 \+ 2 \+ 5", lead) and "Phase" in lead
    assert all(c.verified for c in answer.citations)  # the total is checked as a sum of cited figures


def test_between_two_anchors_keeps_both_bounds(assistant):
    answer = assistant.ask("What happened between the first and the second 2+2 meeting?")
    dates = [c.source.date for c in answer.citations]
    assert dates and all("2022-04-09" < d < "2024-07-08" for d in dates) and dates == sorted(dates)


def test_the_second_end_of_a_range_is_the_event_of_that_name_after_the_first(assistant):
    answer = assistant.ask("What happened between Russia's invasion of Ukraine and Japan's new National Security Strategy?")
    dates = [c.source.date for c in answer.citations]
    assert dates and all("2022-02-24" < d < "2022-12-16" for d in dates)  # the 2022 strategy, not the 2013 one


def test_a_month_inside_an_end_names_the_end_not_the_period(assistant):
    answer = assistant.ask("What happened between the Hague arbitration ruling in July 2016 and the Vientiane Vision "
                           "that November?")
    dates = [c.source.date for c in answer.citations]
    assert "2016-10-26" in dates and all("2016-07-12" < d < "2016-11-16" for d in dates)


def test_a_follow_up_range_from_that_starts_at_the_previous_subject(assistant):
    history = [Turn("user", "When was the Vientiane Vision announced?"),
               Turn("assistant", "Defense Minister Tomomi Inada announced it in Vientiane on 16 November 2016.")]
    answer = assistant.ask("what happened between that and the 2.0 version?", history)
    dates = [c.source.date for c in answer.citations]
    assert dates and all("2016-11-16" < d < "2019-11-17" for d in dates)


def test_where_an_exercise_between_three_parties_took_place_is_not_a_period(assistant):
    answer = assistant.ask("Where did the first trilateral coast guard exercise between the PCG, JCG and US Coast Guard "
                           "take place?")
    assert answer.answer_type == "where" and "Mariveles" in first_sentence(answer)


def test_a_numbered_occasion_is_that_occasion_in_any_words(assistant):
    answer = assistant.ask("Where was the inaugural 2+2 held?")  # the record's 'first 2+2'
    assert "Tokyo" in first_sentence(answer) and answer.citations[0].source.ref == "2022-04-09-first-2plus2"
    assert "2024-07-08-second-2plus2-manila" not in {c.source.ref for c in answer.citations}


def test_first_x_is_the_earliest_event_that_is_an_x(assistant):
    answer = assistant.ask("What was the first exercise under the RAA?")
    assert answer.citations[0].source.ref == "2025-10-07-doshin-bayanihan-first-raa-exercise"
    assert assistant.ask("What's the earliest event in the timeline?").citations[0].source.date == \
        assistant.table.events()[0].date


def test_latest_and_first_x(assistant):
    kamandag = sorted(e.date for e in assistant.table.events() if "KAMANDAG" in e.title)
    assert assistant.ask("What was the most recent KAMANDAG exercise Japan joined?").citations[0].source.date == kamandag[-1]
    assert assistant.ask("What was the first KAMANDAG exercise Japan joined?").citations[0].source.date == kamandag[0]


def test_false_premise_is_corrected_not_refused(assistant):
    answer = assistant.ask("The RAA was signed in 1999, right?")
    assert not answer.refused and answer.answer.startswith("No:") and "8 July 2024" in first_sentence(answer)
    assert assistant.ask("The RAA was signed in 2024, right?").answer.startswith("Yes:")


def test_compare_puts_both_sides(assistant):
    answer = assistant.ask("Compare the first and the second 2+2.")
    refs = [c.source.ref for c in answer.citations]
    assert "2022-04-09-first-2plus2" in refs and "2024-07-08-second-2plus2-manila" in refs


def test_argument_is_attributed_to_the_study(assistant):
    answer = assistant.ask("What is the study's main argument?")
    assert answer.answer_type == "argument" and "quasi-alliance" in answer.answer
    assert re.search(r"\b(study|study's)\b", first_sentence(answer))
    assert all(c.source.kind == "chapter" for c in answer.citations[:1])


def test_long_list_opens_with_its_summary(assistant):
    answer = assistant.ask("What happened between 2016 and 2019?")
    heading, *items = answer.answer.splitlines()
    assert re.match(r"The timeline records \d+ matching events \(2016–2019\); by year 2016: \d+", heading)
    assert len(items) == len(answer.citations) > 15 and int(heading.split()[3]) == len(items)


@pytest.mark.parametrize("question", [
    "How many Japanese tourists visited the Philippines in 2019?",
    "What was the GDP of Vietnam in 2020?",
    "Which Japanese shipyard will build Japan's next aircraft carrier?",
    "Which tourism fairs took place in Manila in 2019?",  # a period's list of a kind the record never has
])
def test_near_misses_are_refused(assistant, question):
    assert assistant.ask(question).refused


def test_answerable_questions_phrased_oddly_are_not_refused(assistant):
    for question in ("which ministers did the 2nd 2+2 in manila? names pls", "raa signed when??",
                     "Tomomi Inada announced the Vientiane Vision, didn't she?",
                     # 'front' lists nothing; '44m' is no edition of a series named before it
                     "what happened on the defence front between Tokyo and Manila in March 2024?",
                     "BRP Teresa Magbanua was one of the Japan-built 44m boats, right?"):
        assert not assistant.ask(question).refused, question


def test_a_low_confidence_event_is_reported_not_settled(assistant):
    answer = assistant.ask("When did the Scarborough Shoal standoff begin?")
    low = [c for c in answer.citations if c.source.confidence == "low"]
    assert low and "as reported" in answer.answer and all(c.verified for c in answer.citations)
    from assistant.verify import check_sentence

    assert not check_sentence("The standoff began on 8 April 2012 [1].", [low[0].source]).supported


def test_an_explanatory_answer_adds_new_facts_rather_than_restating_its_lead(assistant):
    answer = assistant.ask("What is FOIP?")
    assert "Abe" in answer.answer and "Nairobi" in answer.answer  # who launched it, and where


def test_a_compared_event_is_described_by_its_own_facts(assistant):
    answer = assistant.ask("How does Vientiane Vision 2.0 differ from the 2016 original?")
    per_side = {}
    for c in answer.citations:
        per_side.setdefault(c.source.ref, []).append(c)
    assert len(per_side) == 2
    said = sentences(answer.answer)
    assert all(sum(side[0].marker in s for s in said) >= 2 for side in per_side.values())


def test_a_premise_with_the_wrong_month_is_corrected(assistant):
    answer = assistant.ask("The RAA entered into force in June 2025, right?")  # June 2025: the Diet's approval
    assert answer.answer.startswith("No:") and "11 September 2025" in answer.answer


@pytest.mark.parametrize("question", [
    "In his Congress speech Kishida pledged to send 12 new ships to the coast guard, right?",  # 12 supplied, not pledged
    "The first Japan-Philippines 2+2 was in Manila in 2024, wasn't it?",  # Tokyo, 2022
    "The RAA was signed in Tokyo back in 2023, right?",  # Manila, 2024
    "The RAA was signed in Tokyo, wasn't it?",  # a place is checked as a place: Manila
    "Vientiane Vision 2.0 was launched in Vientiane in 2019, yes?",  # Bangkok; 'Vientiane' names the vision
])
def test_a_premise_is_judged_on_the_sentence_about_its_subject(assistant, question):
    assert assistant.ask(question).answer.startswith("No:")  # not on other values elsewhere in the same item


def test_a_place_asserted_and_on_record_is_confirmed(assistant):
    assert assistant.ask("Was the RAA signed in Manila?").answer.startswith("Yes:")


def test_a_value_the_record_denies_is_not_stated():
    from assistant.compose import Claim
    from assistant.handlers.premise import verdict
    from core.model import Source

    chapter = Source(kind="chapter", ref="4.3", chapter="4.3", date=None, title="Ships", text="")
    denied = Claim("Phase III was agreed in 2024 (not in 2023, as is sometimes assumed).", (chapter,))
    assert verdict(denied, {"2023"}, set()) is False and verdict(denied, {"2024"}, set()) is True


@pytest.mark.parametrize("question", [
    "Did Japan amend its constitution in 2014 to allow collective self-defense?",  # 2014, but no amendment
    "Didn't Kishida say at Shangri-La in 2022 that 'Taiwan today may be Japan tomorrow'?",  # he is quoted otherwise
])
def test_a_claim_whose_action_or_quotation_the_lead_does_not_state_gets_no_yes(assistant, question):
    assert not assistant.ask(question).answer.startswith("Yes")


def test_a_claim_s_action_is_read_through_its_past_form():
    from assistant.compose import Claim
    from assistant.handlers.premise import asserted_actions, verdict
    from core.model import Source

    event = Source(kind="event", ref="e", chapter="4.2", date="2025-10-26", title="ACSA", text="")
    agreed = Claim("The ACSA was agreed in principle on 26 October 2025.", (event,))
    assert asserted_actions("The ACSA was signed in 2025, wasn't it?") == {"sign"}
    assert verdict(agreed, {"2025"}, set(), actions=frozenset({"sign"})) is None  # the year, not the signing
    assert verdict(Claim("Teodoro said it targets no one.", (event,)), {"2025"}, set(),
                   actions=frozenset(asserted_actions("Did Teodoro say so in 2025?"))) is True  # 'said' is 'say'


def test_the_thing_asked_for_ends_at_its_verb(assistant):
    assert not assistant.ask("Which company won the Horizon 2 radar contract?").refused
    assert assistant.ask("Which Japanese shipyard will build the Philippine Navy's submarines?").refused


@pytest.mark.parametrize("question, asked", [
    ("What's BRP Teresa Magbanua's pennant number?", ["pennant"]),  # after the possessor; 'number' is a measure
    ("How old is Shinjiro Koizumi?", ["age"]),
    ("What's the latest defence-minister-level meeting?", ["meet"]),  # a hyphenated modifier describes
    ("What call sign did the C-130H use?", ["call", "sign"]),
    ("In which room of Malacanang was the RAA signed?", ["room"]),  # after a leading preposition
])
def test_the_thing_asked_for(assistant, question, asked):
    assert assistant.scope.asked_for(parse(question)) == asked


@pytest.mark.parametrize("question", [
    "What's BRP Teresa Magbanua's pennant number?",
    "How old is Shinjiro Koizumi?",
])
def test_an_attribute_the_record_never_gives_is_refused(assistant, question):
    assert assistant.ask(question).refused


@pytest.mark.parametrize("question", [
    "What did Beijing say about the TC-90 aircraft?",  # speaker and subject are never recorded together
    "How did Japan react to the 2012 Scarborough standoff?",  # a host speaks too: not on record for this one
    "Did Beijing protest the handover of the TC-90 aircraft?",  # a reaction asked yes or no is checked alike
    "What did Emperor Akihito say at the state banquet in Manila?",  # he is named there, but not as saying anything
    "Which Japanese units took part in KAMANDAG 8?",  # the series is on record, this edition is not
    "When did Japan and Indonesia hold their first 2+2?",  # Indonesia is named only as a comparison
    "How did Taiwan respond to the first Japan-US-Philippines leaders' summit in April 2024?",  # 'first' names the summit
    "How much money has Japan committed to the Luzon Economic Corridor?",  # the corridor is on record, no sum for it
    "Where did Sanae Takaichi go to university?",  # a life outside the record's events
    "Is Imee Marcos, who sponsored the RAA resolution, the president's sister?",
    "Do you have the exact coordinates of the first bilateral MCA?",  # a request names what it asks for
    "Who wrote this report?",  # the material never names its author
    "How many pages long is the report?",  # nor its length
    "Who won the Philippine Senate elections in 2025?",  # a contest the record names without its result
    "When will the Philippines take delivery of its first Abukuma-class destroyer?",  # after the record
    "What did the 7th Political-Military and Military-to-Military meeting agree?",  # the record numbers its 8th only
    "Who led the Philippine side at the second Japan-US-Philippines maritime dialogue?",  # only the first is on record
    "How many Filipinos live in Japan?",  # 'live-fire' drills say nothing of where anyone lives
    "What radar did Japan give Malaysia?",  # Malaysia is on record with patrol vessels, not radars
    "What did Bangladesh get under its OSA grant?",  # named only in a list of candidate states
    "In which room of Malacanang was the RAA signed?",  # the thing asked for, after a preposition
    "What did ASEAN say about the RAA?",  # 'ASEAN' is in a clause before another speaker's verb, not the speaker
    "What did the Japanese ambassador say at the turnover of the TC-90s?",  # a role speaks as a name does
    "Was the study peer reviewed?",  # how the study is reviewed, which the material never says
    "How much money did Japan give Vietnam for patrol vessels?",  # Vietnam's sentence gives no sum; others do
    "When and where was the Doshin-Bayanihan exercise held before the 5-25 edition?",  # the record has only 5-25
    "Who won Japan's 2025 upper house election?",  # the record has the lower house's vote for prime minister
    "When is the next Japan-Philippines 2+2?",  # after the record
])
def test_unrecorded_statements_and_the_future_are_refused(assistant, question):
    assert assistant.ask(question).refused


@pytest.mark.parametrize("question", [
    "How did China react to the RAA signing?",
    "What did Tokyo say about the June 2024 Second Thomas Shoal clash?",  # its ambassador's words, that June
    "Did China criticise the Reciprocal Access Agreement?",  # Lin Jian, on 8 July 2024
    "Which Japanese units took part in KAMANDAG 7?",
    "What did Japan and Vietnam agree in January 2017?",  # Japan would provide Vietnam with patrol vessels
    "What does the author argue about the relationship?",  # the author's argument is the study's
    "How many lower-house votes did Ishiba get when he was elected PM?",  # a result the record gives
    "Who won the LDP leadership run-off in September 2024?",  # Ishiba, against Takaichi
    "Didn't Kishida say at Shangri-La in 2022 that 'Taiwan today may be Japan tomorrow'?",  # the quote is the claim
    "Once the Phase III ships arrive, how many MRRVs will the PCG have?",  # a sum over what is recorded
    "What does the study expect the relationship will become?",  # the study's own view of the future
    "Which company makes the Philippine Air Force's Japanese radars?",  # 'company': a kind any name answers
    "When was the RAA signed? I'm not sure of the year.",  # a remark after the question asks for nothing
    "Which PM went to Davao in January 2017?",  # 'PM' is read as 'prime minister'
    "Are Japan-PH defence ties mostly symbolic, according to the study?",  # 'PH': the Philippines
    "Which warships took part in the first bilateral MCA?",  # any hull name answers 'which warships'
    "At which JMSDF school did Philippine Navy sailors train in ship maintenance?",  # 'school' on record with it
    "How many JGSDF troops joined KAMANDAG in 2018?",  # 'about 80 soldiers': a count of soldiers counts troops
    "How many Japan-built MRRVs will the PCG have once the Phase III ships arrive?",  # counted as 'vessels'
    "About how many personnel took part in the closing drill of the June 2025 Japan-US-Philippines coast guard "
    "exercise?",  # 'US' is a stopword to the index: the compound's other parts name it
    "How much weight does the study put on the Vientiane Vision?",  # a degree, which the study's view answers
    "What are the study's research questions?",  # the study's concepts in the asker's words: no similarity floor
    "How did the second OSA grant to the Philippines compare in size with the first?",  # 'the second OSA package'
    "Where was the 8th Political-Military and Military-to-Military meeting held?",  # the Nth the record names
    "Which patrol vessels did Japan grant to Malaysia?",  # said of Malaysia, though not among the best items
    "What did the Vietnamese government receive from Japan in 2017?",  # an adjective names the state
    "What did the Chinese spokesperson say about the RAA?",  # Lin Jian, on record
    "How much was the second OSA grant worth?",  # 1.6 billion yen, in the sentence naming it
    "Where was the Balikatan held after the 2023 one?",  # the record has Balikatan 2024 and 2025
])
def test_statements_on_record_the_study_s_future_and_plain_words_are_answered(assistant, question):
    assert not assistant.ask(question).refused


def test_the_latest_x_is_found_when_the_record_names_it_in_other_words(assistant):
    answer = assistant.ask("What is the most recent four-way meeting of the defense ministers of Australia, Japan, "
                           "the Philippines and the US?")
    assert answer.answer_type == "first-latest" and first_sentence(answer).startswith("1 November 2025")


def test_how_long_between_two_events_is_computed_from_their_dates_and_checked(assistant):
    answer = assistant.ask("How many months passed between signing the RAA and it entering into force?")
    assert answer.answer_type == "duration"
    assert first_sentence(answer).startswith("8 July 2024 → 11 September 2025 = 14 months")
    assert {RAA_SIGNED, RAA_IN_FORCE} <= {c.source.ref for c in answer.citations}
    assert all(c.verified for c in answer.citations)


def test_several_people_asked_for_are_all_named(assistant):
    answer = assistant.ask("Who were the ministers at the second 2+2?")
    assert all(name in answer.answer for name in ("Kamikawa", "Kihara", "Manalo", "Teodoro"))


@pytest.mark.parametrize("sentence, place", [
    ("The radar was delivered to the Philippine Air Force in October 2023.", False),  # a body, not a place
    ("The turnover was held at Wallace Air Station, La Union.", True),
    ("The ships called at Subic Bay.", True),
])
def test_a_where_answer_names_a_place_not_a_body(sentence, place):
    assert names_place(SimpleNamespace(text=sentence)) is place  # a candidate is read by its text alone


def test_a_number_inside_a_name_is_not_a_claim(assistant):
    answer = assistant.ask("Japan sold the TC-90 planes to the Philippine Navy, didn't it?")
    assert not answer.answer.startswith("Yes")  # '90' in 'TC-90' asserts nothing the record could confirm
