"""Back-off between failed syncs: full jitter under a doubling ceiling, capped, and never
shorter than the server's Retry-After. Pure: the random source is handed in."""

from __future__ import annotations

import random

import pytest

from sync.client.backoff import Backoff


def test_the_ceiling_doubles_from_the_base_up_to_the_cap():
    backoff = Backoff(base=2.0, cap=60.0)
    assert [backoff.ceiling(n) for n in range(8)] == [0.0, 2.0, 4.0, 8.0, 16.0, 32.0, 60.0,
                                                      60.0]
    assert backoff.ceiling(10_000) == 60.0  # no overflow however long it has failed


@pytest.mark.parametrize("draw", [0.0, 0.25, 0.999])
def test_the_delay_is_the_random_share_of_the_ceiling(draw):
    backoff = Backoff(base=1.0, cap=100.0, random=lambda: draw)
    assert backoff.delay(4) == pytest.approx(draw * 8.0)


def test_full_jitter_spreads_clients_over_the_whole_range():
    backoff = Backoff(base=1.0, cap=300.0, random=random.Random(7).random)
    delays = [backoff.delay(6) for _ in range(2_000)]
    assert 0.0 <= min(delays) < 1.0 and 31.0 < max(delays) <= 32.0
    assert 14.0 < sum(delays) / len(delays) < 18.0  # uniform on [0, 32]: mean 16


def test_retry_after_is_a_floor_not_a_ceiling():
    backoff = Backoff(base=1.0, cap=300.0, random=lambda: 0.5)
    assert backoff.delay(1, retry_after=30.0) == 30.0
    assert backoff.delay(9, retry_after=30.0) == 128.0  # the jittered wait is longer
    assert backoff.delay(1, retry_after=0) == 0.5
    assert backoff.delay(1, retry_after=None) == 0.5


def test_an_absurd_retry_after_is_capped():
    backoff = Backoff(random=lambda: 0.0, max_retry_after=3600.0)
    assert backoff.delay(1, retry_after=10**9) == 3600.0


def test_no_failure_means_no_wait():
    assert Backoff(random=lambda: 0.9).delay(0) == 0.0


def test_a_backoff_without_a_random_source_makes_its_own():
    delays = {Backoff().delay(3) for _ in range(20)}
    assert all(0.0 <= delay <= 8.0 for delay in delays) and len(delays) > 1


@pytest.mark.parametrize("base, cap", [(0.0, 10.0), (-1.0, 10.0), (10.0, 5.0)])
def test_nonsense_settings_are_refused(base, cap):
    with pytest.raises(ValueError):
        Backoff(base=base, cap=cap)
