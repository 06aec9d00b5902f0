"""ptgov: a county government platform built like the real Pingtan portal, with department platforms below it.

home → 政府信息公开 (/ptgov/zwgk/zfxxgk/, whose menu links the platform's own 年报 column and, as
`地方部门<br>平台链接`, the directory of platforms; nothing else leads to them) → directory (县直部门,
公共企事业单位, 乡镇（街道）) → a department platform, whose menu links its 年报 column only in an attribute
binding (avalon `ms-attr-href="/ptgov/zwgk/zfxxgk/{{paths[6]}}/{{paths[7]}}/{{paths[8]}}/zfxxgknb/"`, as the
real template, `paths` being `location.href.split("/")`; Vue `:href` on one) → the column, whose longer lists
page with a `var countPage` + `document.write` script only. Columns hold genuine reports (legacy, 2019 and 2021
templates; unusual real titles such as 平潭县卫生局2013年度政府信息公开情况总结) and look-alikes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from html import escape

from ..lookalikes import Lookalike, follow_up_letter, self_check, summary_and_plan, work_plan, work_points
from ..model import KIND_REPORT, Document, Portal, Region
from ..series import Series, SeriesYear, series_blocks, series_facts
from .common import SiteInfo
from .ptchrome import (
    Chrome,
    Entry,
    add_page,
    breadcrumb,
    chunks,
    detail_page,
    list_body,
    list_path,
    lookalike_entry,
    page,
    place,
    stub,
)

SITE = "ptgov"
HOME = "/ptgov/index.html"
ZWGK = "/ptgov/zwgk/"
ZFXXGK = "/ptgov/zwgk/zfxxgk/"
DIRECTORY = ZFXXGK + "dfbmptlj/"
OWN_COLUMN = ZFXXGK + "zfxxgknb/"
COLUMN_NAME = "政府信息公开年报"
PTGOV = SiteInfo(
    SITE,
    "平潭县人民政府",
    "平潭县",
    Region("福建省", "福州市", "平潭县", "350128"),
    "平潭县人民政府办公室",
    "福建省平潭县潭城镇西航路1号",
    "0591-24321110",
    "闽ICP备05012345号",
    "闽公网安备 35012802000123号",
    "3501280001",
    "拓尔思信息技术股份有限公司",
)
CHROME = Chrome(
    PTGOV, HOME, ((ZWGK, "政务公开"), ("/ptgov/bsfw/", "办事服务"), ("/ptgov/hdjl/", "互动交流")), "/ptgov/images/"
)
GROUPS = (("xzbm", "县直部门"), ("ggqsydw", "公共企事业单位"), ("xzjd", "乡镇（街道）"))
MENU_ICONS = {
    "zfxxgkzn": "banlizhinan",
    "zfxxgkzd": "gongwenzhidu",
    "zfxxgknb": "iconfont-nianbao",
    "zfxxgksq": "shenqing1",
}
MENU_TEXT = {
    "zfxxgkzn": "政府信息<br>公开指南",
    "zfxxgkzd": "政府信息<br>公开制度",
    "zfxxgknb": "政府信息<br>公开年报",
    "zfxxgksq": "政府信息<br>公开申请",
    "dfbmptlj": "地方部门<br>平台链接",
}
FIRST_ID = 80400
# A platform's folder as its avalon menu writes it: paths = location.href.split("/"), so on
# http://host/ptgov/zwgk/zfxxgk/dfbmptlj/<group>/<dept>/ paths[6..8] are dfbmptlj, <group>, <dept>.
AVALON_FOLDER = "/ptgov/zwgk/zfxxgk/{{paths[6]}}/{{paths[7]}}/{{paths[8]}}/"


@dataclass(frozen=True)
class Filed:
    """One report a body filed: the year it covers, its template, its publication day and, if unusual, its title."""

    year: int
    fmt: str
    published: date
    title: str | None = None


@dataclass(frozen=True)
class Body:
    """A publishing body and the reports it filed (its figures carried over year to year, as a series)."""

    agency: str
    agency_type: str | None  # None where the name does not tell the kind (人防办), as the indexer leaves it
    filed: tuple[Filed, ...]
    body: str | None = None  # what tells a town's government from the county's
    busy: bool = False

    def entries(self) -> list[Entry]:
        """Return the body's reports, each year's tables carried over from the year before (series.py)."""
        series = Series(
            SITE,
            self.agency,
            self.agency_type or self.agency,
            tuple(SeriesYear(f.year, f.fmt, f.published) for f in self.filed),
            body=self.body,
            busy=self.busy,
        )
        made: dict[int, Entry] = {}
        for filed, item in sorted(zip(self.filed, series.years, strict=True), key=lambda pair: pair[0].year):
            before = made.get(item.year - 1)
            facts = series_facts(series, item, before.facts if before else None)
            facts = replace(facts, agency_type=self.agency_type)
            blocks = tuple(series_blocks(series, item, self.agency, facts.stats, half_width=False))
            title = filed.title or f"{self.agency}{item.year}年政府信息公开工作年度报告"
            made[item.year] = Entry(title, KIND_REPORT, item.published, self.agency, blocks, facts)
        return list(made.values())


@dataclass(frozen=True)
class Platform:
    """A department (or town) platform listed on the directory: its menu binding style and its 年报 column."""

    group: str
    slug: str
    name: str
    binding: str  # "avalon" (ms-attr-href with {{paths[N]}}) or "vue" (:href)
    bodies: tuple[Body, ...] = ()
    lookalikes: tuple[Lookalike, ...] = ()

    @property
    def folder(self) -> str:
        """Return the platform's folder, e.g. /ptgov/zwgk/zfxxgk/dfbmptlj/xzbm/czj/."""
        return f"{DIRECTORY}{self.group}/{self.slug}/"

    @property
    def column_dir(self) -> str:
        """Return its 年报 column folder."""
        return self.folder + "zfxxgknb/"

    @property
    def menu_items(self) -> tuple[str, ...]:
        """Return the platform menu's own columns (a platform without reports has no 年报 item)."""
        return ("zfxxgkzn", "zfxxgknb", "zfxxgksq") if self.bodies else ("zfxxgkzn",)


def _legacy(agency: str, *years: tuple[int, date, str | None]) -> tuple[Filed, ...]:
    """Filed legacy (pre-2019 template) reports: (year, published, unusual title or None)."""
    return tuple(Filed(year, "legacy", day, title) for year, day, title in years)


def _modern(*years: tuple[int, date]) -> tuple[Filed, ...]:
    """Filed reports in the 2019 template (for 2019–2020) or the 2021 one (from 2021)."""
    return tuple(Filed(year, "2019" if year < 2021 else "2021", day) for year, day in years)


CZJ = "平潭县财政局"
OWN = Body(
    "平潭县人民政府",
    "人民政府",
    _legacy("平潭县人民政府", *((y, date(y + 1, 3, 20 + y % 8), None) for y in range(2014, 2019)))
    + _modern(
        (2019, date(2020, 3, 25)),
        (2020, date(2021, 3, 30)),
        (2021, date(2022, 3, 28)),
        (2022, date(2023, 3, 31)),
        (2023, date(2024, 3, 22)),
        (2024, date(2025, 3, 26)),
    ),
    busy=True,
)
OWN_LOOKALIKES = (work_points("平潭县人民政府", "平潭县", 2023), follow_up_letter("平潭县人民政府", "平潭县", 2022))
PLATFORMS = (
    Platform(
        "xzbm",
        "czj",
        CZJ,
        "avalon",
        (
            Body(
                CZJ,
                "财政局",
                _legacy(
                    CZJ,
                    (2009, date(2010, 5, 12), f"{CZJ}2009年度政府信息公开年度报告"),  # late, like the real one
                    (2010, date(2011, 1, 20), f"{CZJ}2010年度政府信息公开年度报告"),
                    (2011, date(2012, 5, 8), f"{CZJ}2011年度政府信息公开年度报告"),
                    (2012, date(2013, 4, 2), None),
                    (2013, date(2014, 3, 10), f"{CZJ}2013年度政府信息公开工作年度报告"),
                    (2014, date(2015, 1, 22), f"{CZJ}关于2014年度政府信息公开工作年度报告"),
                    (2015, date(2016, 3, 2), f"{CZJ}关于2015年度政府信息公开工作年度报告"),
                    (2016, date(2017, 1, 18), f"{CZJ}2016年政府信息公开年度报告"),
                    (2017, date(2018, 1, 5), f"{CZJ}2017 年政府信息公开工作年度报告"),
                    (2018, date(2019, 1, 9), f"{CZJ}2018 年政府信息公开工作年度报告"),
                )
                + _modern(
                    (2019, date(2020, 1, 6)),
                    (2020, date(2021, 1, 28)),
                    (2021, date(2022, 1, 13)),
                    (2022, date(2023, 1, 5)),
                    (2023, date(2024, 1, 31)),
                    (2024, date(2025, 1, 23)),
                ),
                busy=True,
            ),
        ),
        (
            self_check(CZJ, "财政牵头任务", date(2018, 1, 8)),
            work_plan(CZJ, 2019, date(2019, 3, 12)),
            summary_and_plan(CZJ, 2020, date(2021, 1, 10)),
            follow_up_letter(CZJ, CZJ, 2021),
            work_points(CZJ, CZJ, 2023),
        ),
    ),
    Platform(
        "xzbm",
        "wsj",
        "平潭县卫生局",
        "avalon",
        (
            Body(
                "平潭县卫生局",
                "卫生局",
                _legacy(
                    "平潭县卫生局",
                    (2011, date(2012, 2, 20), "平潭县卫生局2011年度政府信息公开"),
                    (2012, date(2013, 3, 15), None),
                    (2013, date(2014, 2, 25), "平潭县卫生局2013年度政府信息公开情况总结"),
                    (2014, date(2015, 3, 5), "平潭县卫生局2014年度政府信息公开工作年度报告"),
                ),
            ),
        ),
        (summary_and_plan("平潭县卫生局", 2014, date(2015, 1, 15)),),
    ),
    Platform(
        "xzbm",
        "hyyj",
        "平潭县海洋与渔业局",
        "avalon",
        (
            Body(
                "平潭县海洋与渔业局",
                "海洋与渔业局",
                _legacy(
                    "平潭县海洋与渔业局",
                    (2011, date(2012, 3, 20), "平潭县海洋与渔业局2011年工作公开年度报告"),
                    (2012, date(2013, 3, 18), None),
                )
                + _modern((2019, date(2020, 1, 16)), (2021, date(2022, 1, 20)), (2022, date(2023, 1, 12))),
            ),
        ),
        (work_points("平潭县海洋与渔业局", "平潭县海洋与渔业局", 2022),),
    ),
    Platform(
        "xzbm",
        "rfb",
        "平潭县人防办",
        "avalon",
        (
            Body(
                "平潭县人防办",
                None,
                _legacy(
                    "平潭县人防办",
                    (2011, date(2012, 3, 28), "平潭县人防办2011年度政府信息工作公开年度报告"),
                    (2012, date(2013, 3, 26), "平潭县人防办2012年度政府信息公开工作年度报告"),
                ),
            ),
        ),
        (work_plan("平潭县人防办", 2013, date(2013, 2, 20)),),
    ),
    Platform(
        "xzbm",
        "jyj",
        "平潭县教育局",
        "vue",
        (
            Body(
                "平潭县教育局",
                "教育局",
                _modern(
                    (2019, date(2020, 1, 19)),
                    (2020, date(2021, 1, 22)),
                    (2021, date(2022, 1, 25)),
                    (2022, date(2023, 1, 29)),
                    (2023, date(2024, 2, 2)),  # late: a department's deadline is 31 January
                    (2024, date(2025, 1, 20)),
                ),
                busy=True,
            ),
        ),
        (follow_up_letter("平潭县教育局", "平潭县教育局", 2022),),
    ),
    Platform("ggqsydw", "ptxyy", "平潭县医院", "avalon"),
    Platform(
        "xzjd",
        "tcz",
        "平潭县潭城镇人民政府",
        "avalon",
        (
            Body(
                "平潭县潭城镇人民政府",
                "人民政府",
                _modern(
                    (2020, date(2021, 3, 12)),
                    (2021, date(2022, 3, 16)),
                    (2022, date(2023, 3, 20)),
                    (2023, date(2024, 3, 19)),
                ),
                body="潭城镇人民政府",
            ),
        ),
        (work_points("平潭县潭城镇人民政府", "潭城镇", 2023),),
    ),
    Platform(
        "xzjd",
        "saz",
        "平潭县苏澳镇人民政府",
        "avalon",
        (
            Body(
                "平潭县苏澳镇人民政府",
                "人民政府",
                _modern((2021, date(2022, 3, 8)), (2022, date(2023, 3, 14)), (2023, date(2024, 3, 28))),
                body="苏澳镇人民政府",
            ),
        ),
    ),
)


def column_entries(bodies: tuple[Body, ...], lookalikes: tuple[Lookalike, ...]) -> list[Entry]:
    """Return a column's reports and look-alikes."""
    reports = [entry for body in bodies for entry in body.entries()]
    return reports + [lookalike_entry(item) for item in lookalikes]


def menu_item(key: str, href: str, attribute: str = "href") -> str:
    """Return one item of the 政府信息公开 menu (icon, two-line text), linked by `attribute`."""
    return (
        f'<li ms-class="on:paths[9]==\'{key}\'">\n<h3><a {attribute}="{href}"><i class="trt-iconfont '
        f'trt-icon-{MENU_ICONS.get(key, "lianjie")}"></i><span>{MENU_TEXT[key]}</span>'
        '<em class="trt-iconfont trt-icon-jiahao1"></em></a></h3>\n</li>\n'
    )


def statutory_item() -> str:
    """Return the 法定主动公开内容 item: no link, its sub-columns filled in by avalon (ms-repeat)."""
    return (
        '<li class="parentNode" ms-class="on:paths[9]==\'fdzdgknr\'">\n<h3><a href="javascript:;" '
        'ms-click="$togs(\'flags\', 0 ,false)"><i class="trt-iconfont trt-icon-yijin06-jifenzhengce"></i>'
        '<span>法定主动<br>公开内容</span></a></h3>\n<ul><li ms-repeat="ext3.chnllist"><p><a ms-attr-href="el.url" '
        'ms-text="el.chnlname"><i class="trt-iconfont trt-icon-arrow"></i></a></p></li></ul>\n</li>\n'
    )


def info_menu(items: str, attributes: str = "") -> str:
    """Wrap menu items in the left 政府信息公开 navigation."""
    return (
        '<div class="trt-col-5 trt-col-sm-24 slb-trt-col-24">\n'
        f'<div class="info_menu_list" role="navigation" des="政府信息公开"{attributes}>\n<ul>\n{items}</ul>\n</div>\n'
        "</div>\n"
    )


def zfxxgk_menu() -> str:
    """Return the government's own menu: plain links, the platform directory as 地方部门<br>平台链接."""
    items = menu_item("zfxxgkzn", ZFXXGK + "zfxxgkzn/") + menu_item("zfxxgkzd", ZFXXGK + "zfxxgkzd/")
    items += statutory_item() + menu_item("zfxxgknb", OWN_COLUMN) + menu_item("zfxxgksq", ZFXXGK + "zfxxgksq/")
    return info_menu(items + menu_item("dfbmptlj", DIRECTORY))


def platform_menu(platform: Platform) -> str:
    """Return a platform's menu: its own columns only in bindings (avalon {{paths[N]}} or a Vue :href)."""
    items = ""
    for key in platform.menu_items:
        if platform.binding == "vue":
            items += menu_item(key, f"'{platform.folder}{key}/'", ":href")
        else:
            items += menu_item(key, f"{AVALON_FOLDER}{key}/", "ms-attr-href")
        if key == "zfxxgkzn":
            items += menu_item("zfxxgkzd", ZFXXGK + "zfxxgkzd/") + statutory_item()
    if platform.binding == "vue":
        return info_menu(items, ' id="xxgkMenu"') + "<script>new Vue({ el: '#xxgkMenu', data: { on: '' } });</script>\n"
    return info_menu(items)


def two_columns(menu: str, inner: str) -> str:
    """Return the disclosure layout: banner, then the menu beside the content."""
    return (
        '<div class="row"><div class="info_public_tit info_public_tit_01"><span class="text_align_center" '
        'ms-text="ext3[\'orgname\']"></span><img src="/images/20200907-wz-banner.png" alt="政府信息公开" /></div>'
        '</div>\n<div class="row content_bg_02 pad_xl pad_base_sm mar_t_200">\n<div class="trt-row">\n'
        f'{menu}<div class="trt-col-19 trt-col-sm-24 slb-trt-col-24">\n{inner}</div>\n</div>\n</div>\n'
    )


def home_page() -> str:
    """Return the government's home page: news, and the 政府信息公开 entry (no platform, no column)."""
    inner = (
        '<div class="row">\n<div class="tabs"><div class="tabs_header"><ul><li class="on"><a href="/ptgov/zwgk/yw/">'
        '要闻动态</a></li></ul></div>\n<div class="list_base"><ul>\n'
        '<li><a href="/ptgov/zwgk/yw/">平潭县召开重点项目建设推进会</a></li>\n'
        '<li><a href="/ptgov/zwgk/yw/">平潭县开展安全生产大检查</a></li>\n</ul></div></div>\n'
        f'<div class="zwgk_entry"><a href="{ZFXXGK}" title="政府信息公开">政府信息公开</a> '
        f'<a href="{ZWGK}" title="政务公开">政务公开</a> <a href="/ptgov/bsfw/">办事服务</a></div>\n</div>\n'
    )
    return page(CHROME, PTGOV.name, "首页", inner)


def zwgk_page() -> str:
    """Return the 政务公开 hub: 政府信息公开 and unrelated columns."""
    links = ((ZFXXGK, "政府信息公开"), ("/ptgov/zwgk/yw/", "要闻"), ("/ptgov/zwgk/zcwj/", "政策文件"))
    items = "".join(f'<a href="{href}" target="_blank" title="{text}">{text}</a>\n' for href, text in links)
    inner = f'<div class="row content_bg_02">\n{breadcrumb([(HOME, "首页"), (None, "政务公开")])}<div>{items}</div>\n</div>\n'
    return page(CHROME, "政务公开", "政务公开", inner)


def zfxxgk_page() -> str:
    """Return the 政府信息公开 page: the menu (own 年报 column, 地方部门平台链接) and an introduction."""
    crumbs = breadcrumb([(HOME, "首页"), (ZWGK, "政务公开"), (None, "政府信息公开")])
    inner = f"{crumbs}<p>平潭县人民政府政府信息公开专栏，发布本级政府及所属部门、乡镇依法主动公开的政府信息。</p>\n"
    return page(CHROME, "政府信息公开", "政府信息公开", two_columns(zfxxgk_menu(), inner))


def platform_list(platforms: list[Platform]) -> str:
    """Return the inc_list_li entries linking platform homes."""
    return "".join(
        f'<li class="inc_list_li list_no_{i}">\n<a href="{p.folder}" target="_blank" title="{p.name}">\n{p.name}\n</a>\n'
        f'<span class="longdate">\n2023-11-08\n</span>\n</li>\n'
        for i, p in enumerate(platforms, 1)
    )


def group_tabs(key: str, name: str) -> str:
    """Return one group's tab on the directory page: its name (linking its page), its platforms, 更多."""
    listed = [p for p in PLATFORMS if p.group == key]
    more = f"{DIRECTORY}{key}/"
    return (
        f'<div class="tabs" role="viewlist" des=\'{name}\'>\n<div class="tabs_header"><ul><li class="on">'
        f'<a href="./{key}/" target="_blank" title="{name}">{name}</a></li></ul>\n<span class="more">'
        f'<a href="{more}" Target="_blank" title="更多">更多&gt;</a></span></div>\n'
        f'<div class="tabs_content"><div class="list_base"><ul>\n{platform_list(listed)}</ul></div></div>\n</div>\n'
    )


def directory_page() -> str:
    """Return the 地方部门平台链接 directory: one tab per group listing its platforms."""
    crumbs = breadcrumb([(HOME, "首页"), (ZWGK, "政务公开"), (ZFXXGK, "政府信息公开"), (None, "地方部门平台链接")])
    tabs = "".join(group_tabs(key, name) for key, name in GROUPS)
    inner = f'<div class="row content_bg_02 pad_large">\n{crumbs}<div class="pad_l_base">\n{tabs}</div>\n</div>\n'
    return page(CHROME, "地方部门平台链接", "地方部门平台链接", inner)


def group_page(key: str, name: str) -> str:
    """Return a group's own page listing its platforms."""
    crumbs = breadcrumb([(HOME, "首页"), (ZFXXGK, "政府信息公开"), ("../", "地方部门平台链接"), (None, name)])
    listed = [p for p in PLATFORMS if p.group == key]
    inner = f'<div class="row content_bg_02">\n{crumbs}<div class="list_base"><ul>\n{platform_list(listed)}</ul></div>\n</div>\n'
    return page(CHROME, name, name, inner)


def platform_crumbs(platform: Platform, *more: tuple[str | None, str]) -> list[tuple[str | None, str]]:
    """Return the trail down to a platform (and further)."""
    group = dict(GROUPS)[platform.group]
    return [(HOME, "首页"), (ZFXXGK, "政府信息公开"), (f"{DIRECTORY}{platform.group}/", group), *more]


def platform_home(platform: Platform) -> str:
    """Return a platform's home: its menu (bindings only) and its 机构概况."""
    crumbs = breadcrumb(platform_crumbs(platform, (None, platform.name)))
    inner = f"{crumbs}<h2>机构概况</h2>\n<p>{escape(platform.name)}是平潭县人民政府的组成部门（单位），负责本行业本领域相关工作。</p>\n"
    return page(CHROME, platform.name, "政府信息公开", two_columns(platform_menu(platform), inner))


def platform_stub(platform: Platform, title: str) -> str:
    """Return a platform's 指南 / 申请 page."""
    crumbs = breadcrumb(platform_crumbs(platform, (platform.folder, platform.name), (None, title)))
    inner = f"{crumbs}<p>{escape(platform.name)}{title}。</p>\n"
    return page(CHROME, title, title, two_columns(platform_menu(platform), inner))


def add_column(
    portal: Portal, documents: list[Document], column_dir: str, menu: str, crumbs: list[tuple[str | None, str]]
) -> None:
    """Register a column's list pages (countPage pager) and its detail pages."""
    pages = chunks(documents)
    newest = documents[0].sort_date if documents else date(2025, 6, 1)
    for index, listed in enumerate(pages):
        inner = breadcrumb(crumbs) + list_body(COLUMN_NAME, listed, column_dir, index, len(pages))
        html = page(CHROME, COLUMN_NAME, COLUMN_NAME, two_columns(menu, inner))
        add_page(portal, list_path(column_dir, index), html, newest)
    detail_crumbs = [*crumbs[:-1], ("../", COLUMN_NAME)]
    for doc in documents:
        add_page(portal, doc.path, detail_page(CHROME, doc, COLUMN_NAME, detail_crumbs), doc.sort_date)


def add_site(portal: Portal) -> None:
    """Register every page of ptgov and its documents."""
    add_page(portal, HOME, home_page())
    add_page(portal, ZWGK + "index.html", zwgk_page())
    add_page(portal, ZFXXGK + "index.html", zfxxgk_page())
    add_page(portal, DIRECTORY + "index.html", directory_page())
    stubs = (("yw", "要闻"), ("zcwj", "政策文件"))
    for folder, title in stubs:
        add_page(portal, f"{ZWGK}{folder}/index.html", stub(CHROME, title, [(HOME, "首页"), (None, title)]))
    for folder, title in (("bsfw", "办事服务"), ("hdjl", "互动交流")):
        add_page(portal, f"/ptgov/{folder}/index.html", stub(CHROME, title, [(HOME, "首页"), (None, title)]))
    for folder, title in (
        ("zfxxgkzn", "政府信息公开指南"),
        ("zfxxgkzd", "政府信息公开制度"),
        ("zfxxgksq", "政府信息公开申请"),
    ):
        add_page(portal, f"{ZFXXGK}{folder}/index.html", stub(CHROME, title, [(ZFXXGK, "政府信息公开"), (None, title)]))
    for key, name in GROUPS:
        add_page(portal, f"{DIRECTORY}{key}/index.html", group_page(key, name))
    own = place(SITE, OWN_COLUMN, column_entries((OWN,), OWN_LOOKALIKES), FIRST_ID)
    add_column(portal, own, OWN_COLUMN, zfxxgk_menu(), [(HOME, "首页"), (ZFXXGK, "政府信息公开"), (None, COLUMN_NAME)])
    portal.documents.extend(own)
    for number, platform in enumerate(PLATFORMS, 1):
        add_page(portal, platform.folder + "index.html", platform_home(platform))
        add_page(portal, platform.folder + "zfxxgkzn/index.html", platform_stub(platform, "政府信息公开指南"))
        if not platform.bodies:
            continue
        add_page(portal, platform.folder + "zfxxgksq/index.html", platform_stub(platform, "政府信息公开申请"))
        entries = column_entries(platform.bodies, platform.lookalikes)
        documents = place(SITE, platform.column_dir, entries, FIRST_ID + 1000 * number)
        crumbs = platform_crumbs(platform, (platform.folder, platform.name), (None, COLUMN_NAME))
        add_column(portal, documents, platform.column_dir, platform_menu(platform), crumbs)
        portal.documents.extend(documents)
    portal.regions[SITE] = PTGOV.region
