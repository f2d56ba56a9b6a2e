"""The desktop store's replica is what the engine's LocalReplica protocol describes."""

from __future__ import annotations

import inspect

from desktop.store.sync_replica import SyncReplica
from sync.client.replica import LocalReplica


def test_the_desktop_replica_has_every_method_of_the_protocol_with_its_signature():
    wanted = {name: member for name, member in vars(LocalReplica).items()
              if callable(member) and not name.startswith("_")}
    assert len(wanted) >= 10
    for name, member in wanted.items():
        implemented = getattr(SyncReplica, name, None)
        assert implemented is not None, name
        assert inspect.signature(implemented) == inspect.signature(member), name
