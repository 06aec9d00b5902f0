"""CLI: python -m sample_portal [--host H] [--port P] [--port-file F] [--state N] (also `reports-portal`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from .portal import STATES
from .server import EVOLVE_PATH, make_server
from .sites.hostile import hostile_base


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse command-line options."""
    parser = argparse.ArgumentParser(prog="python -m sample_portal", description="Serve the sample government portals.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    parser.add_argument("--port-file", type=Path, help="write the base URL to this file once listening")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    parser.add_argument(
        "--state",
        type=int,
        choices=STATES,
        default=1,
        help=f"start in this state (2: after the changes POST {EVOLVE_PATH} makes; see /_truth.json evolution)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Start the server and serve until interrupted."""
    args = parse_args(argv)
    server = make_server(args.host, args.port, quiet=not args.verbose, state=args.state)
    print(server.base_url, flush=True)
    hosts = server.hosts
    print(
        f"hostile site: {hostile_base(hosts)}/hostile/ (robots.txt down on port {hosts.robots_down_port})", flush=True
    )
    if args.port_file:
        args.port_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = args.port_file.with_suffix(args.port_file.suffix + ".tmp")
        tmp.write_text(server.base_url + "\n", encoding="utf-8")
        tmp.replace(args.port_file)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
