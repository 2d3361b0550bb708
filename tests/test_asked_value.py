"""The value a question asks for must be stated about its subject (``assistant.asked_value``,
``asked_measure``, ``asked_date``): a sum, a count, a duration, a vote's tally, the holder of a role, a
speed or a range, a date; an agreement is reported as speech is; and the
words that name the subject are read as the corpus writes them ('97m', 'TC90s', 'the third batch of …').
Over the real index; the questions are written for these tests, not taken from an evaluation set."""

from __future__ import annotations

import pytest

from assistant.anchors import numbered
from assistant.handlers.how_many import counts
from assistant.on_record import spellings


@pytest.mark.parametrize("question", [
    "How long did Kishida's address to the Philippine Congress last?",  # the address is on record, not its length
    "How long was the Biden-Ishiba-Marcos video call of 13 January 2025?",  # a Marcos call elsewhere is timed
    "What was the margin in the Diet vote approving the RAA?",  # the vote is dated, not counted
    "Who captained JS Yahagi at Balikatan 2025?",  # the ship is on record, not its captain
    "Who commanded the SDF relief units sent after Typhoon Haiyan?",
    "What did the Haiyan relief mission cost Japan?",  # a price asked without 'how much'
    "How big was the Metro Manila subway loan?",  # the loan's notes are on record, not its size
    "What was in the fourth batch of UH-1H parts?",  # the record numbers only the first batch of them
    "How many helicopters did the SDF send after Typhoon Haiyan?",  # it counts the aircraft, not the helicopters
    "How many choppers did the SDF send for Haiyan relief?",  # an everyday word for the same thing
    "How many pilots did the Philippine Navy train on the TC-90s in Japan?",
    "How many American troops helped with the Typhoon Haiyan relief?",  # only the SDF's contingent is counted
    "How many Chinese coast guard vessels were at Second Thomas Shoal in June 2024?",  # counted in 2021 and 2023
    "How many American marines joined KAMANDAG 9?",  # counted at KAMANDAG 3 and 7; 'MRF-D 25.3' is a unit
    "What time of day was the RAA signed?",  # dated by the day
    "How much was the Phase II yen loan in US dollars?",  # given in yen only; Phase I has a dollar figure
    "How many Philippine Navy sailors took part in Sama Sama 2023?",  # only the JMSDF's 169 are counted
    "How many sailors took part in Sama Sama 2023 altogether, all navies combined?",  # one contingent is no total
    "Who headed Japan's team at the first Japan-US-Philippines maritime dialogue?",  # only Manila's lead is named
    "Which hotel did Teodoro and Nakatani meet in at the 2025 Shangri-La Dialogue?",  # a city is no building
    "Was the study funded by the Japanese government?",  # the material does not say who funded it
    "When is the next Phase III ship due to arrive in Manila?",  # the record ends before it
    "How did Seoul respond to the RAA entering into force?",  # met *at* the Seoul Defense Dialogue is not Seoul
    "How much does one 97-metre MRRV cost?",  # the loans are given for five or ten ships, not for one
    "How many JGSDF members took part in KAMANDAG 9?",  # the chapter counts them at KAMANDAG 7, not 9
    "How many seats did the LDP hold after the October 2024 general election?",  # votes for PM are no seats
    "What interest rate did Japan charge on the MRT-3 rehabilitation loan?",  # no percentage is given
    "Is the Reciprocal Access Agreement popular in Japan?",  # no poll or survey is reported
    "How many patrol ships does the Philippine Coast Guard operate?",  # ships delivered are no fleet's size
    "What is the top speed of the TC-90 trainer?",  # its range is given, in km, not its speed
    "How much loan money did JICA lend for the Metro Manila Subway?",  # the subway's notes are dated, not sized
    "What did Gilberto Teodoro do before becoming defense secretary?",  # his earlier career is not in the record
    "Did the authors interview coast guard officers for the study?",  # the material does not describe its method
    "Did the Philippines and Japan hold a third 2+2 in 2026?",  # the record ends in 2025
    "When did the UK and Japan sign their Reciprocal Access Agreement?",  # the UK only as an earlier partner
    "When did Japan sign its RAA with Australia?",  # "after Japan's earlier RAAs with Australia": undated
    "How much did the Philippines spend on its navy in 2016?",  # sums of loans and grants are no spending
    "How much did the Philippines budget for defense as a percentage of GDP in 2024?",  # 2% is Japan's target
    "Which hotel in Manila hosted the first 2+2 in April 2022?",  # it met in Tokyo: no Manila building for it
    "What is the Philippine Navy's annual budget?",  # a sum asked as 'what is', of spending never stated
    "When is Takaichi expected to visit Manila?",  # the record ends before it
    "How many radars did the 600 million yen OSA grant buy?",  # '600 million yen coastal radar grant' is a sum
])
def test_a_value_the_record_does_not_give_is_refused(assistant, question):
    assert assistant.ask(question).refused


@pytest.mark.parametrize("question", [
    "How long were Nakatani's talks with Teodorro in Makati?",  # two hours, though the name is misspelt
    "How long was the Suga-Duterte phone call in May 2021?",  # a 20-minute call
    "How long did the first trilateral coast guard exercise run?",  # from 1 to 7 June: a span of days
    "How long are the Abukuma-class destroyer escorts?",  # a length, not a duration
    "Who led the Philippine side at the first Japan-US-Philippines maritime dialogue?",
    "What was the Senate's vote on the RAA?",  # 19-0, in the event's title
    "How large was the Phase I yen loan for the Philippine Coast Guard's ten vessels?",  # the PCG, written out
    "What did Kishida and Marcos agree at Malacanang in November 2023?",  # to begin RAA negotiations
    "Which PRC spokesperson criticised the RAA?",  # the PRC is China
    "When did the first two TC90s arrive in the Philippines?",  # 'TC90' is the corpus's 'TC-90'
    "Which envoy signed the defense equipment transfer agreement for Japan in 2016?",  # any name answers 'envoy'
    "How big was the loan for the third batch of 97m coast guard boats?",  # not the UH-1H parts' batches
    "How many US personnel took part in KAMANDAG 7?",  # '902 US personnel', in the clause of the count
    "How many South Korean troops were in KAMANDAG 7?",  # '57 South Koreans': counted by their people
    "How many engineers of the 525th Engineer Combat Battalion went to Japan in March 2024?",  # '12 members of'
    "How many 2+2 meetings have Japan and the Philippines held?",  # counted from the events
    "How many GIs took part in KAMANDAG 3?",  # 'about 1,400 US troops'
    "How many Filipino personnel were injured at Second Thomas Shoal in June 2024?",  # eight, that June
    "How much was the Mitsubishi radar contract in US dollars?",  # USD 103.5 million
    "What was the first OSA grant worth in pesos?",  # about PHP 235 million
    "What time of year is Balikatan held?",  # a season, not a time of day
    "How many JMSDF personnel took part in Sama Sama 2023?",  # about 169, in the clause of the count
    "How many Japanese personnel went to the Philippines after Typhoon Haiyan?",  # 'Japan decided … 1,180 personnel'
    "In which building did Kishida address the Philippine Congress?",  # the Batasang Pambansa
    "Which officials swapped the diplomatic notes bringing the RAA into force?",  # 'swapped': the asker's verb
    "How many planes flew relief for Japan after Typhoon Haiyan?",  # planes are the record's aircraft
    "How many JGSDF members joined KAMANDAG 7?",  # 50, in the sentence about that edition
    "What defense spending target as a share of GDP did Japan set in December 2022?",  # 2% of GDP
    "How far can the TC-90s fly?",  # about 1,900-2,000 km
    "How heavy are the Abukuma-class destroyer escorts?",  # about 2,000 t standard
    "How much grant money went into the first OSA package for the Philippines?",  # JPY 600 million
    "The RAA entered into force in 2026, right?",  # a claim to correct, not a question about 2026
    "When did the Philippines become Japan's third RAA partner?",  # 8 July 2024, though Australia is compared
    "How big was the second OSA grant?",  # 1.6 billion yen, in the title of an event about the grant
    "In which building in Quezon City was the equipment transfer agreement signed?",  # Camp Aguinaldo
    "When did the MOD hold its diesel-engine maintenance seminar for Philippine Navy crews?",  # written out there
    "When did the DND and Japan's MOD sign their memorandum on defense cooperation?",  # 29 January 2015
    "Which maritime cooperative activities did the JMSDF hold with the Aussies and the Americans?",  # Australians
    "Who was PCG commandant at the launch of the first 97-metre MRRV?",  # George Ursabia
    "Which Chinese newspaper called the Japan-Philippines relationship a quasi-alliance?",  # any name answers
    "How much did Japan plan to spend on defense as a share of GDP under the 2022 strategy?",  # 2%: spending
])
def test_a_value_the_record_gives_is_answered(assistant, question):
    assert not assistant.ask(question).refused


def test_a_name_written_out_is_also_named_by_its_acronym():
    assert [frozenset({"pcg"}), frozenset({"philippin", "coast", "guard"})] in spellings(
        "How many ships did Japan give the Philippine Coast Guard?")


def test_figures_with_units_and_codes_without_hyphens_are_corpus_words(assistant):
    assert assistant.scope.known("97m") == "97"
    assert assistant.scope.known("tc90s") in ("tc-90", "tc-90s")


def test_a_batch_or_a_round_is_numbered_with_what_it_is_of():
    assert numbered("the third batch of coast guard boats")[0].words == {"batch", "coast", "guard", "boat"}
    assert numbered("the 8th Political-Military meeting")[0].words == {"political", "militari", "meet"}


def test_a_sum_before_a_noun_counts_nothing():
    assert counts("after the 600 million yen coastal radar grant of November 2023", "radar") == []
    assert counts("Japan sold four radars for USD 103.5 million", "radar") == [4.0]
