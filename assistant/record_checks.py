"""Every check of whether what a question asks is on record, registered in one place: a new kind is a
new function added to one of these. Scope refuses a question when a check finds its thing missing from
the best items (``BEST_ITEMS_CHECKS``) or, for what only the record as a whole can show, from all of it
(``WHOLE_RECORD_CHECKS``)."""

from __future__ import annotations

from assistant.asked_date import unrecorded_claimed_year, unrecorded_date
from assistant.asked_measure import unrecorded_measure
from assistant.asked_money import unrecorded_sum
from assistant.asked_value import (unrecorded_building, unrecorded_clock_time, unrecorded_count, unrecorded_duration,
                                   unrecorded_holding, unrecorded_opinion, unrecorded_rate, unrecorded_role_holder,
                                   unrecorded_tally)
from assistant.on_record import (unrecorded_biography, unrecorded_editions, unrecorded_neighbour, unrecorded_ordinal,
                                 unrecorded_other_state, unrecorded_outcome, unrecorded_pairs, unrecorded_statement)

# What a specific thing the question names (on_record) or the value it asks for (asked_value) needs.
BEST_ITEMS_CHECKS = (unrecorded_statement, unrecorded_editions, unrecorded_pairs, unrecorded_outcome,
                     unrecorded_biography, unrecorded_sum, unrecorded_count, unrecorded_duration, unrecorded_clock_time,
                     unrecorded_tally, unrecorded_role_holder, unrecorded_building, unrecorded_rate, unrecorded_opinion,
                     unrecorded_holding, unrecorded_measure)
WHOLE_RECORD_CHECKS = (unrecorded_ordinal, unrecorded_other_state, unrecorded_neighbour, unrecorded_date,
                       unrecorded_claimed_year)
