"""The debrief on the wire: only what may leave the machine travels, and it comes back
as it left."""

import json

import pytest
from helpers.domain_strategies import debriefs, left_the_machine
from hypothesis import given, settings

from sync.domain.debrief import LEAD_FIELDS, LOCAL_ONLY_FIELDS, NOT_ON_WIRE_FIELDS
from sync.domain.wire import WIRE_FIELDS, from_wire, to_wire


@settings(max_examples=50)
@given(debriefs())
def test_a_debrief_comes_back_from_the_wire_as_it_left_the_machine(debrief):
    sent = json.loads(json.dumps(to_wire(debrief)))
    assert tuple(sent) == tuple(name for name in WIRE_FIELDS if name in sent)
    # Every field goes but the lead facts not given (protocol 3: sent only when given).
    assert set(WIRE_FIELDS) - set(sent) <= set(LEAD_FIELDS)
    # The rep comes from who signed in, on the server and in the app alike.
    assert from_wire(sent, debrief.rep) == left_the_machine(debrief)


@pytest.mark.parametrize("name", sorted(LOCAL_ONLY_FIELDS | NOT_ON_WIRE_FIELDS))
@settings(max_examples=5)
@given(debrief=debriefs())
def test_a_field_that_never_travels_is_refused_when_it_comes(name, debrief):
    with pytest.raises(ValueError, match=name):
        from_wire({**to_wire(debrief), name: "sent by mistake"}, "ana")


@settings(max_examples=20)
@given(debriefs())
def test_a_debrief_without_lead_facts_reads_as_before_to_an_older_server(debrief):
    plain = debrief.with_changes(lead_source=None, sales_ready=None, failed_criteria=(),
                                 collateral=(), play=None, share_play=False)
    assert set(to_wire(plain)) == set(WIRE_FIELDS) - set(LEAD_FIELDS)
    unshared = debrief.with_changes(play="Brought their CFO in early.", share_play=False)
    assert "play" not in to_wire(unshared)  # a play leaves only when shared
