"""Build the whole sample portal (all sites) in memory."""

from __future__ import annotations

from functools import cache
from html import escape

from .evolution import FINAL_STATE, evolved, plan_evolution
from .model import Portal, Request, Response, midday
from .sites import hanweb, hostile, pingtan, ptgov, ptmap, ptsearch, trs
from .sites.chrome import SITE_BUILT

ROBOTS_TXT = "User-agent: *\nDisallow: /private/\nDisallow: /saihan/search/\nAllow: /\n\nSitemap: {base_url}{sitemap}\n"
SITE_HOMES = (
    ("/saihan/index.html", "呼和浩特市赛罕区人民政府", "TRS"),
    ("/lvyuan/index.html", "长春市绿园区人民政府", "Hanweb jcms, GBK"),
    ("/lingwu/index.html", "灵武市人民政府", "TRS, list in an HTML comment"),
    ("/pingtan/index.htm", "平潭综合实验区", "real saved pages + JSON API"),
    (
        "/hostile/index.html",
        "阿荣旗人民政府",
        "hostile on purpose: crawl as http://localhost:PORT, seeds/hostile_portal.yaml",
    ),
    ("/ptgov/index.html", "平潭县人民政府", "Pingtan-built platform: department platforms, bindings, script pager"),
    ("/ptmap/index.html", "闽侯县人民政府", "column linked nowhere, listed in /ptmap/sitemap.xml"),
    ("/ptsearch/index.html", "连江县人民政府", "column linked nowhere, found by the site search"),
)
DIRECTORY_ALIASES = {
    "/saihan/": "/saihan/index.html",
    "/lvyuan/": "/lvyuan/index.html",
    "/lingwu/": "/lingwu/index.html",
    "/pingtan/": "/pingtan/index.htm",
    "/hostile/": "/hostile/index.html",
    "/ptgov/": "/ptgov/index.html",
    "/ptmap/": "/ptmap/index.html",
    "/ptsearch/": "/ptsearch/index.html",
}


def directory_page() -> str:
    """Return the root page linking each played site's home page."""
    items = "".join(
        f'<li><a href="{path}">{escape(name)}</a> <small>{note}</small></li>' for path, name, note in SITE_HOMES
    )
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>Sample portal</title></head>'
        f"<body><h1>Sample government portals</h1><ul>{items}</ul>"
        '<p><a href="/_truth.json">ground truth</a></p></body></html>'
    )


def robots_txt(request: Request) -> Response:
    """Answer /robots.txt: the rules, and the sitemap under the base URL the portal listens on."""
    body = ROBOTS_TXT.format(base_url=request.base_url, sitemap=ptmap.SITEMAP).encode()
    return Response(body, "text/plain; charset=utf-8", last_modified=midday(SITE_BUILT))


def _add_root(portal: Portal) -> None:
    """Register /, /robots.txt and directory aliases."""
    built = midday(SITE_BUILT)
    portal.add("/", Response(directory_page().encode(), last_modified=built))
    portal.dynamic["/robots.txt"] = robots_txt
    for alias, target in DIRECTORY_ALIASES.items():
        portal.routes[alias] = portal.routes[target]


STATES = range(1, FINAL_STATE + 1)


def build_portal(state: int = 1) -> Portal:
    """Build every site of the portal in a state: 1 as first published, 2 after evolution.py's changes.

    Deterministic; cached per process. Raises ValueError for a state the portal does not have.
    """
    if state not in STATES:
        raise ValueError(f"the portal has states {STATES.start}–{STATES.stop - 1}, not {state}")
    return _built(state)


@cache
def _built(state: int) -> Portal:
    """The portal in a state (state 2 is made from state 1, which stays as it is)."""
    if state > 1:
        return evolved(_built(state - 1))
    portal = Portal()
    trs.add_site(portal, trs.saihan())
    hanweb.add_site(portal)
    trs.add_site(portal, trs.lingwu())
    pingtan.add_site(portal)
    hostile.add_site(portal)
    ptgov.add_site(portal)
    ptmap.add_site(portal)
    ptsearch.add_site(portal)
    _add_root(portal)
    portal.evolution = plan_evolution(portal)
    return portal
