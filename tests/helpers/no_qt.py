"""Python source that makes Qt unimportable, for tests that run code in a child process
as it would run where PySide6 is not installed (the central store's servers).

(A module of its own, not conftest.py, so that tests in several folders import it.)
"""

# A meta path finder that refuses Qt, put first so that nothing can find it.
NO_QT = """
import importlib.abc, sys

class _NoQt(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in ("PySide6", "shiboken6"):
            raise ImportError(f"{name} is unimportable in this test")
        return None

sys.meta_path.insert(0, _NoQt())
"""
