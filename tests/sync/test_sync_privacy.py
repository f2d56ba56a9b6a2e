"""Only structured fields and shared quotes leave the machine: every byte the client
sends is recorded on its way out, and no private note, account name or unshared quote
is in it."""

from __future__ import annotations

from typing import Any

import requests
from requests.adapters import HTTPAdapter

from sync.domain.debrief import Collateral, Readiness


class RecordingAdapter(HTTPAdapter):
    """Keeps every request as it goes onto the wire: URL, headers and body bytes."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[bytes] = []

    def send(self, request: requests.PreparedRequest, *args: Any,
             **kwargs: Any) -> requests.Response:
        body = request.body or b""
        head = f"{request.method} {request.url}\n" + "".join(
            f"{name}: {value}\n" for name, value in request.headers.items())
        self.sent.append(head.encode() + (body if isinstance(body, bytes) else body.encode()))
        return super().send(request, *args, **kwargs)


LEAD_FACTS = {"lead_source": "event", "sales_ready": Readiness.NO,
              "failed_criteria": ("budget",),
              "collateral": (Collateral("roi_calculator", True),)}


def test_no_private_note_account_name_or_unshared_quote_is_ever_sent(machine, rep):
    recorder = RecordingAdapter()
    session = requests.Session()
    session.mount("http://", recorder)
    laptop = machine(session=session)
    laptop.sign_in(rep)
    private = {"private_notes": "PRIVATE-NOTE-7f3a", "account_name": "ACCOUNT-NAME-9c1d"}
    laptop.save(**private, quote="UNSHARED-QUOTE-2b8e", share_quote=False,
                play="UNSHARED-PLAY-4e1a", share_play=False)
    shared = laptop.save(**private, quote="SHARED-QUOTE-5d0c", share_quote=True,
                         **LEAD_FACTS, play="SHARED-PLAY-8a2f", share_play=True)
    kept = laptop.save(**private)
    assert laptop.sync().ok
    laptop.edit(kept.id, quote="UNSHARED-QUOTE-AFTER-EDIT", private_notes="PRIVATE-NOTE-2")
    laptop.store.delete(shared.id)  # a tombstone carries no private field either
    report = laptop.sync(pull_now=True)

    assert report.ok and report.pushed == 2
    wire = b"\n".join(recorder.sent)
    assert b"/api/v1/sync/push" in wire and b"/api/v1/sync/debriefs" in wire
    assert b"SHARED-QUOTE-5d0c" in wire  # the recorder sees bodies: a shared quote is in
    assert b"SHARED-PLAY-8a2f" in wire and b"roi_calculator" in wire  # and the lead facts
    for secret in ("PRIVATE-NOTE", "ACCOUNT-NAME", "UNSHARED-QUOTE", "UNSHARED-PLAY",
                   "private_notes", "account_name"):
        assert secret.encode() not in wire, secret
    # Everything stays on the laptop itself.
    assert laptop.store.get(kept.id).private_notes == "PRIVATE-NOTE-2"
    assert laptop.store.get(kept.id).quote == "UNSHARED-QUOTE-AFTER-EDIT"
