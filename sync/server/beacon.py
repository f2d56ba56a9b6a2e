"""A public randomness beacon (drand, https://drand.love), mixed into a contest's draw
where the server can reach one (docs/draw.md, "With a beacon").

An admin names the beacon's chain with `$DEBRIEF_DRAND_URL` (for example
https://api.drand.sh/<chain hash>). A contest made while it can be reached names the
first round given out at or after the contest's end; the draw fetches that round's
randomness and draws with the seed mixed with it (sync.domain.draw.with_beacon). A
contest made while the beacon cannot be reached is drawn from its seed alone, as every
contest is without a beacon.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import requests

from sync.domain import draw

log = logging.getLogger(__name__)

TIMEOUT_S = 5.0
URL_MAX = 300  # as contests keep it
_HEX = re.compile(r"[0-9a-f]{2,1024}")


class BeaconError(Exception):
    """The beacon could not be reached, or said something that is not a beacon's."""


@dataclass(frozen=True)
class Chain:
    """A beacon's chain as its /info says: where rounds are, and when each comes."""

    url: str
    genesis_time: float  # seconds since 1970 of round 1
    period: float  # seconds between rounds

    def round_after(self, moment: datetime) -> int:
        """The first round given out at or after `moment`."""
        return draw.round_after(moment.timestamp(), self.genesis_time, self.period)


@dataclass(frozen=True)
class Beacon:
    url: str  # the chain's base URL: {url}/info, {url}/public/{round}

    def chain(self) -> Chain:
        body = self._get("/info")
        try:
            chain = Chain(self.url, float(body["genesis_time"]), float(body["period"]))
        except (KeyError, TypeError, ValueError) as error:
            raise BeaconError(f"the beacon's /info is not readable: {error}") from None
        if not (math.isfinite(chain.genesis_time) and math.isfinite(chain.period)
                and 0 <= chain.genesis_time < 2**40 and 0 < chain.period < 2**31):
            raise BeaconError("the beacon's genesis time or period is out of range")
        return chain

    def randomness(self, beacon_round: int) -> bytes | None:
        """The round's randomness; None if the beacon has not given it out yet."""
        body = self._get(f"/public/{int(beacon_round)}", not_yet=(404, 425))
        if body is None:
            return None
        if not isinstance(body, dict):
            raise BeaconError(f"the beacon's round {beacon_round} is not readable")
        text = body.get("randomness")
        if body.get("round") != beacon_round or not isinstance(text, str) \
                or not _HEX.fullmatch(text) or len(text) % 2:
            raise BeaconError(f"the beacon's round {beacon_round} is not readable")
        return bytes.fromhex(text)

    def _get(self, path: str, not_yet: tuple[int, ...] = ()) -> Any:
        try:
            response = requests.get(self.url.rstrip("/") + path, timeout=TIMEOUT_S,
                                    allow_redirects=False)
        except requests.RequestException as error:
            raise BeaconError(f"the beacon at {self.url} cannot be reached: "
                              f"{type(error).__name__}") from None
        if response.status_code in not_yet:
            return None
        if response.status_code != 200:
            raise BeaconError(f"the beacon at {self.url} answered HTTP "
                              f"{response.status_code}")
        try:
            return response.json()
        except ValueError:
            raise BeaconError(f"the beacon at {self.url} did not answer JSON") from None
