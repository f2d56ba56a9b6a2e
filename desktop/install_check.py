"""Does this install have what syncing needs? Checked by `debrief --smoke-test`.

A frozen bundle can start, show its window and save, and still be unable to sync: the
HTTPS certificates or the keychain's backends are found at run time (a data file, a
package's entry points), which a bundler can leave behind without any error at build
time. This looks for each the way the app will when a rep connects, without a network.
"""

from __future__ import annotations

import sys
from importlib.metadata import entry_points
from pathlib import Path

# The keyring backend each OS's keychain is reached through (an entry point of keyring).
NATIVE_KEYCHAIN = {"linux": "SecretService", "darwin": "macOS", "win32": "Windows"}


def sync_stack_problem() -> str | None:
    """What is missing for syncing, in a sentence, or None when all is there."""
    try:
        import requests.certs

        from desktop.keychain import TokenVault
        from desktop.store.sync_replica import SyncReplica  # noqa: F401
        from sync.client.central_store import CentralStore  # noqa: F401
        from sync.client.engine import SyncEngine  # noqa: F401
    except ImportError as exc:
        return f"a module syncing needs cannot be loaded: {exc}"
    certificates = Path(requests.certs.where())
    if not certificates.is_file():
        return f"the HTTPS certificate bundle is missing: {certificates}"
    native = NATIVE_KEYCHAIN.get(sys.platform)
    if native is not None:
        found = {point.name: point for point in entry_points(group="keyring.backends")}
        if native not in found:
            return (f"the keychain backend {native!r} is missing (keyring finds "
                    f"{sorted(found) or 'none'})")
        try:
            found[native].load()
        except Exception as exc:  # any failure here means no keychain for the rep
            return f"the keychain backend {native!r} cannot be loaded: {exc!r}"
    TokenVault()  # builds without touching the keychain
    return None
