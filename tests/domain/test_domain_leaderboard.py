"""Tests for the leaderboard a rep sees: the leaders by name, everyone their own band."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.domain.leaderboard import MAX_NAMED, Band, band, named, places, ranks, rep_view

KEEP, HALF, QUARTER, TENTH = Band.KEEP_GOING, Band.TOP_HALF, Band.TOP_25, Band.TOP_10


def distinct(field_size: int) -> list[int]:
    """The ranks of a field where nobody ties: 1, 2, 3..."""
    return ranks(list(range(field_size, 0, -1)))


def bands(field_ranks: list[int]) -> list[Band]:
    return [rep_view(field_ranks, index).band for index in range(len(field_ranks))]


def test_equal_entries_share_a_rank_and_the_next_rank_skips():
    assert ranks([9, 7, 7, 3, 3, 3, 0]) == [1, 2, 2, 4, 4, 4, 7]
    assert ranks([0, 0, 0]) == [1, 1, 1]
    assert ranks([]) == []


def test_a_tie_is_placed_at_the_last_position_it_reaches():
    assert places([1, 2, 2, 4, 4, 4, 7]) == [1, 3, 3, 6, 6, 6, 7]
    assert places([1, 1, 1]) == [3, 3, 3]
    assert places([1]) == [1]


def test_a_rep_alone_sees_no_names_and_is_told_to_keep_going():
    assert named([1]) == 0
    assert bands([1]) == [KEEP]


def test_a_field_of_two_names_nobody():
    assert named(distinct(2)) == 0
    assert bands(distinct(2)) == [HALF, KEEP]


def test_a_field_of_three_names_nobody():
    assert named(distinct(3)) == 0
    assert bands(distinct(3)) == [HALF, KEEP, KEEP]


def test_a_field_of_five_names_only_the_leader():
    assert named(distinct(5)) == 1
    assert bands(distinct(5)) == [QUARTER, HALF, KEEP, KEEP, KEEP]


def test_a_field_of_ten_names_the_first_two():
    assert named(distinct(10)) == 2
    assert bands(distinct(10)) == [TENTH, QUARTER, HALF, HALF, HALF] + [KEEP] * 5


def test_a_field_of_eleven_names_the_first_two():
    assert named(distinct(11)) == 2
    assert bands(distinct(11)) == [TENTH, QUARTER, HALF, HALF, HALF] + [KEEP] * 6


def test_a_field_of_a_thousand_names_ten():
    field = distinct(1000)
    assert named(field) == MAX_NAMED == 10
    assert [band(place, 1000) for place in (1, 100, 101, 250, 251, 500, 501, 1000)] == [
        TENTH, TENTH, QUARTER, QUARTER, HALF, HALF, KEEP, KEEP]


def test_a_tie_reaching_the_lower_half_is_never_named():
    # Seven reps share rank 2 of 8: rank 2 is near the top, but the tie reaches place 8.
    field = ranks([9, 5, 5, 5, 5, 5, 5, 5])
    assert named(field) == 1
    assert bands(field) == [QUARTER] + [KEEP] * 7


def test_a_tie_that_does_not_fit_whole_is_not_named_in_part():
    field = ranks([9, 8, 7, 7] + [0] * 8)  # room for three names; the tie reaches place 4
    assert named(field) == 2
    field = ranks([5] * 11 + [0] * 989)  # eleven share the lead of a thousand
    assert named(field) == 0
    assert bands(field)[:11] == [TENTH] * 11


def test_on_the_first_day_nobody_is_named_and_everyone_keeps_going():
    field = ranks([0] * 40)
    assert named(field) == 0
    assert set(bands(field)) == {KEEP}


def test_no_band_reads_as_shame():
    assert [b.value for b in Band] == ["top_10", "top_25", "top_half", "keep_going"]
    assert [b.text for b in Band] == ["top 10%", "top 25%", "top half", "keep going"]
    for each in Band:
        assert "bottom" not in each.text and "last" not in each.text


@pytest.mark.parametrize(("place", "field_size"), [(0, 5), (6, 5), (1, 0)])
def test_a_place_outside_the_field_is_a_mistake(place, field_size):
    with pytest.raises(ValueError, match="outside a field"):
        band(place, field_size)


def test_a_rep_outside_the_field_has_no_band():
    assert rep_view(distinct(12), None).band is None
    assert rep_view(distinct(12), None).named == 3


# Entries best first: few distinct values, so that ties are common and long.
FIELDS = st.one_of(
    st.lists(st.integers(0, 3), min_size=1, max_size=60),
    st.lists(st.integers(0, 40), min_size=1, max_size=1100),
).map(lambda entries: sorted(entries, reverse=True))


@given(FIELDS)
def test_nobody_in_the_lower_half_is_ever_named(entries):
    field = ranks(entries)
    size, shown = len(field), named(field)
    assert shown <= min(size // 4, MAX_NAMED)
    assert shown < size  # never the whole field
    for index in range(shown):
        assert places(field)[index] <= size // 4
        assert field[index] <= size / 2
    # a tie is named whole or not at all
    assert all(rank not in field[shown:] for rank in field[:shown])


@given(FIELDS)
def test_every_rep_has_a_band_and_bands_keep_their_share(entries):
    field = ranks(entries)
    size = len(field)
    got = bands(field)
    assert all(isinstance(each, Band) for each in got)
    assert got.count(TENTH) <= size * 0.10
    assert got.count(TENTH) + got.count(QUARTER) <= size * 0.25
    assert got.count(KEEP) >= size / 2
    order = list(Band)
    assert [order.index(b) for b in got] == sorted(order.index(b) for b in got)
    for place, each in zip(places(field), got, strict=True):
        if place > size / 2:
            assert each is KEEP


def test_band_sizes_count_everyone_once_in_their_own_band():
    from sync.domain.leaderboard import band_sizes

    assert band_sizes(distinct(20)) == {TENTH: 2, QUARTER: 3, HALF: 5, KEEP: 10}
    assert band_sizes([]) == dict.fromkeys(Band, 0)


@given(st.lists(st.integers(0, 30), max_size=60))
def test_band_sizes_agree_with_each_reps_own_band(entries):
    from sync.domain.leaderboard import band_sizes

    field_ranks = ranks(sorted(entries, reverse=True))
    sizes = band_sizes(field_ranks)
    assert sum(sizes.values()) == len(field_ranks)
    for level in Band:
        assert sizes[level] == bands(field_ranks).count(level)
