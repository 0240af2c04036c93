"""Serve the play app (sim.play.app) with Solara on this machine only.

Solara is started the way its own command line does (uvicorn serving
``solara.server.starlette:app``), with everything that would reach outside switched off:
no telemetry, no version check, and its front-end served from the solara-assets package
rather than fetched from a CDN. The server binds to the loopback address unless told
otherwise.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from pathlib import Path

LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class AppConfig:
    """What the app serves: a new game, or a saved one resumed, and the explorer's scenario."""

    scenario_path: str
    nation: str
    seed: int
    quarters: int
    plays: Path  # folder of play logs (results/plays)
    resume: Path | None = None  # a play log to resume at start


CONFIG: AppConfig | None = None  # set by serve() before the app is imported


# Where Solara's server would fetch a front-end file solara-assets lacks: a loopback port
# nothing listens on, so a miss fails at once instead of reaching out to a CDN.
NO_CDN = "http://127.0.0.1:9/"


def offline_environment() -> dict[str, str]:
    """Solara settings (read from the environment at import) that keep it offline: no
    telemetry, front-end files served by this server from solara-assets, none fetched."""
    return {"SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False", "SOLARA_ASSETS_PROXY": "True",
            "SOLARA_ASSETS_CDN": NO_CDN, "SOLARA_MODE": "production",
            "SOLARA_APP": "sim.play.app"}


def serve(config: AppConfig, host: str = LOOPBACK, port: int | None = None) -> None:
    """Start the app and block until interrupted. The address is printed once the socket
    listens (port 0 or None: a free port)."""
    global CONFIG
    CONFIG = config
    os.environ.update(offline_environment())
    # Solara warns on every page load that a cookie cannot be SameSite=None over plain
    # http; on 127.0.0.1 that is expected.
    warnings.filterwarnings("ignore", message="Cookies with samesite=none")
    import uvicorn  # solara's server; imported here so the rest of sim needs neither

    settings = uvicorn.Config("solara.server.starlette:app", host=host, port=port or 0,
                              log_level="warning")
    listening = settings.bind_socket()
    listening.listen(settings.backlog)  # connections wait in the queue until the app runs
    port = int(listening.getsockname()[1])
    os.environ["SERVER_NAME"], os.environ["SERVER_PORT"] = host, str(port)
    print(f"play: open http://{host}:{port}/ in a browser (Ctrl-C stops the server)",
          flush=True)
    uvicorn.Server(settings).run(sockets=[listening])
