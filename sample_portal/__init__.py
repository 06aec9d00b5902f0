"""Local web server playing several government sites, with its own ground truth (/_truth.json)."""

from .portal import build_portal
from .server import make_server, start_server
from .truth import portal_truth

__all__ = ["build_portal", "make_server", "portal_truth", "start_server"]
