"""A real X display for the app, as a rep's desktop has one: Xvfb, a window manager,
and xdotool to press keys on it (through the X server, as a keyboard does)."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import IO

from .processes import end_process

NEEDED = ("Xvfb", "openbox", "xdotool")


def missing_tools() -> list[str]:
    return [tool for tool in NEEDED if shutil.which(tool) is None]


class XSession:
    """One display (a free number, chosen by Xvfb itself) with openbox on it."""

    def __init__(self, folder: Path, size: str = "1366x900x24"):
        self.folder = folder
        self.size = size
        self.display = ""
        self._processes: list[subprocess.Popen[bytes]] = []
        self._logs: list[IO[bytes]] = []

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
        return env | {"DISPLAY": self.display}

    def start(self) -> XSession:
        missing = missing_tools()
        if missing:
            raise RuntimeError(f"missing {', '.join(missing)}: apt-get install xvfb openbox "
                               "xdotool (the CI script installs them)")
        self.folder.mkdir(parents=True, exist_ok=True)
        read, write = os.pipe()
        xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", self.size,
                                 "-nolisten", "tcp"], pass_fds=(write,),
                                stdout=subprocess.DEVNULL, stderr=self._log("xvfb"))
        os.close(write)
        self._processes.append(xvfb)
        with os.fdopen(read) as displayfd:
            number = displayfd.readline().strip()
        if not number:
            raise RuntimeError(f"Xvfb did not start: {(self.folder / 'xvfb.log').read_text()}")
        self.display = f":{number}"
        self._processes.append(subprocess.Popen(["openbox"], env=self.env,
                                                stdout=subprocess.DEVNULL,
                                                stderr=self._log("openbox")))
        # Ready once it says how many desktops there are (_NET_NUMBER_OF_DESKTOPS): before
        # that, activating a window fails ("does not support _NET_ACTIVE_WINDOW").
        deadline = time.monotonic() + 20
        while subprocess.run(["xdotool", "get_num_desktops"], env=self.env,
                             capture_output=True, check=False).returncode != 0:
            if time.monotonic() > deadline:
                raise RuntimeError(f"openbox did not start: "
                                   f"{(self.folder / 'openbox.log').read_text()}")
            time.sleep(0.05)
        return self

    def _log(self, name: str) -> IO[bytes]:
        log = (self.folder / f"{name}.log").open("wb")
        self._logs.append(log)
        return log

    def xdotool(self, *args: str, timeout: float = 120) -> str:
        result = subprocess.run(["xdotool", *args], env=self.env, capture_output=True,
                                text=True, timeout=timeout, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"xdotool {' '.join(args)}: {result.stderr.strip()}")
        return result.stdout

    def wait_for_window(self, name: str, timeout: float = 60) -> str:
        """The id of a visible window whose title matches `name` (a regular expression)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(RuntimeError):
                found = self.xdotool("search", "--onlyvisible", "--name", name).split()
                if found:
                    return found[0]
            time.sleep(0.1)
        raise TimeoutError(f"no window named {name!r} appeared in {timeout} s")

    def has_window(self, name: str) -> bool:
        try:
            return bool(self.xdotool("search", "--onlyvisible", "--name", name).split())
        except RuntimeError:
            return False

    def activate(self, window: str) -> None:
        self.xdotool("windowactivate", "--sync", window)

    def type(self, text: str, delay_ms: int = 4) -> None:
        """Each character a key press (and release) on the focused window."""
        self.xdotool("type", "--delay", str(delay_ms), "--", text)

    def keys(self, *keys: str, delay_ms: int = 30) -> None:
        """Key combinations such as "ctrl+Return", "alt+r", "F5", one after the other."""
        self.xdotool("key", "--delay", str(delay_ms), *keys)

    def screenshot(self, path: Path) -> Path | None:
        """The whole screen as a PNG, where ImageMagick's `import` is there."""
        if shutil.which("import") is None:
            return None
        subprocess.run(["import", "-window", "root", str(path)], env=self.env, check=False,
                       capture_output=True, timeout=30)
        return path

    def stop(self) -> None:
        for process in reversed(self._processes):
            end_process(process)
        self._processes.clear()
        for log in self._logs:
            log.close()
        self._logs.clear()
