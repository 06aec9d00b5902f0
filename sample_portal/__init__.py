"""Local web server playing several government sites, with its own ground truth (/_truth.json)."""

from .portal import build_portal, truth
from .server import make_server, start_server

__all__ = ["build_portal", "make_server", "start_server", "truth"]
