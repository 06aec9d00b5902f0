"""Bodies followed over the years: report series crafted so that the truth exercises every signal
watchdogs look for (docs/AGENCIES.md).

Each series is one publishing body on one site's 年报 column, with its reports year by year. Between
them they show a missing year; late reports of a department (31 January, 2019 条例) and of a
government (31 March); reports published exactly on their deadline; a department publishing in March
under the 2008 条例 (on time); a report whose prose repeats the year before with new years and numbers
(`copied`); both cross-year inconsistencies; blank mandated cells; a prose number contradicting its
table; a body renamed between years (长春市绿园区民政局 → 绿园区民政局); and two bodies named
朝阳区民政局, of 北京市 and of 长春市. The text of those two names their region; the Beijing one is
listed on the saihan column, whose region hints do not fit it, so only its text can place it.

Every other consecutive pair of a body carries its figures over exactly (上年结转 = last year's
结转下年度继续办理, 现行有效 = last year's + 制发 − 废止). Series documents get ids of their own, so the
column's other reports keep their URLs.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from .agency_truth import IN_FORCE_ROWS
from .attached import PathFor
from .model import KIND_REPORT, Block, Document, Region, ReportFacts
from .prose import legacy_blocks, standard_blocks
from .render_tables import render_tables
from .synthetic_stats import APPLICANTS, report_stats

SERIES_ID_OFFSET = 6000  # document ids of series reports, apart from the column's other ids
SERIES_ID_STEP = 13
NUMBER_SLOT = "#"  # where an own-work sentence takes a number
OWN_WORK_HEADING = "（六）重点领域信息公开。"
IN_FORCE_BREAK = 3  # how far a broken 现行有效件数 is from last year's + 制发 − 废止
CARRIED_BREAK = 2  # how far a broken 上年结转 (自然人) is from last year's 结转下年度继续办理
TABLES_HEADING = "二、主动公开政府信息情况"

BodyKey = tuple[str, str]  # (region code, body)

# 长春市绿园区人力资源和社会保障局: its own work in 2021, repeated in 2022 with new numbers (the copied report).
RENSHE_WORK = (
    "{year}年，我局围绕就业创业、社会保险、劳动关系三个重点领域，在区政府门户网站人社专栏发布政策文件和工作动态#条。",
    "全年发布招聘岗位信息#个，举办线上线下招聘会#场，招聘活动信息均在活动前3个工作日向社会公开。",
    "按季度公开城镇新增就业、失业人员再就业和就业困难人员实现就业情况，全年更新统计数据#次。",
    "在社保经办大厅设置政府信息公开查阅点#处，配备触摸屏查询终端#台，方便群众现场查询社保缴费和待遇发放信息。",
    "企业职工基本养老保险待遇调整、失业保险金标准调整等事项，均在调整文件印发后5个工作日内予以公开。",
    "全年公示技能提升补贴、一次性吸纳就业补贴、社会保险补贴等各类补贴发放名单#批次，涉及#人。",
    "劳动保障监察方面，公开重大劳动保障违法行为社会公布案件#件，公布拖欠农民工工资失信联合惩戒对象名单信息#条。",
    "利用绿园人社微信公众号推送政策解读和办事指南#篇，累计阅读量超过#人次。",
    "在人力资源市场和各街道社区劳动保障服务站张贴政策明白纸，发放宣传折页#份。",
    "围绕根治欠薪冬季专项行动，公开举报投诉电话和受理渠道，主动接受社会监督。",
    "建立政府信息公开工作台账，对主动公开信息实行谁制作、谁审核、谁公开的责任机制。",
    "组织局机关和下属事业单位信息公开工作人员开展业务培训#次，参训#人次。",
    "对依申请公开答复书实行法制审核，答复书中均载明申请人的救济途径和期限。",
    "在人社服务大厅设置意见箱，收集群众对信息公开工作的意见建议#条，均已逐一办理反馈。",
)
RENSHE_WORK_NEW = (
    "推进社会保障卡居民服务一卡通应用，公开社保卡办理网点和服务事项清单。",
    "针对新就业形态劳动者权益保障，集中发布政策问答，回应社会关切。",
)
# Cells of table 三 a report prints empty (nothing to report there, and nothing written either).
BLANK_CELLS = tuple(
    (row, column)
    for row in ("denied_state_secret", "denied_law_prohibited", "denied_three_safety_one_stability")
    for column in ("research", "social_welfare")
)


@dataclass(frozen=True)
class SeriesYear:
    """One report of a series: its year, template, publication day and what it does on purpose."""

    year: int
    fmt: str
    published: date
    own_work: tuple[str, ...] = ()  # sentences on the body's own work ('#' a number, {year} the year)
    copied: bool = False  # its prose repeats last year's report, with new years and numbers
    blank: tuple[tuple[str, str], ...] = ()  # (row, column) cells of table 三 printed empty
    new_received: tuple[int, ...] | None = None  # table 三 一 per applicant column (six), drawn when None
    stated_new_received: int | None = None  # what its prose says came in, against the table
    break_carried: bool = False  # 上年结转 (自然人) is not last year's 结转下年度继续办理
    break_in_force: bool = False  # 行政规范性文件 现行有效 is not last year's + 制发 − 废止


@dataclass(frozen=True)
class Series:
    """A publishing body on a site's column and its reports year by year."""

    site: str
    agency: str
    agency_type: str
    years: tuple[SeriesYear, ...]
    region: Region | None = None  # the body's region, when not the site's
    region_prefix: str = ""  # the region names its text puts before its name (北京市 …)
    body: str | None = None  # what tells it from the region's other bodies, when its agency_type does not
    busy: bool = False

    def body_of(self, site_region: Region) -> BodyKey:
        """Return the body its reports belong to, as ReportFacts.body_of tells it."""
        return (self.region or site_region).code, self.body or self.agency_type


SERIES = (
    Series(
        "saihan",
        "赛罕区应急管理局",
        "应急管理局",
        (
            SeriesYear(2018, "legacy", date(2019, 3, 29)),  # a department in March: on time under the 2008 条例
            SeriesYear(2019, "2019", date(2020, 2, 3)),  # late: 3 days after a department's 31 January
            SeriesYear(2020, "2019", date(2021, 1, 31)),  # on its deadline
            SeriesYear(2021, "2021", date(2022, 1, 28)),
            SeriesYear(2023, "2021", date(2024, 1, 22)),  # 2022 is missing
        ),
    ),
    Series(
        "saihan",
        "赛罕区住房和城乡建设局",
        "住房和城乡建设局",
        (
            SeriesYear(2021, "2021", date(2022, 1, 19)),
            SeriesYear(2022, "2021", date(2023, 1, 17), blank=BLANK_CELLS),
            SeriesYear(2023, "2021", date(2024, 1, 16)),
        ),
        busy=True,
    ),
    Series(
        "saihan",
        "朝阳区民政局",
        "民政局",
        (SeriesYear(2022, "2021", date(2023, 1, 12)), SeriesYear(2023, "2021", date(2024, 1, 10))),
        region=Region("北京市", "北京市", "朝阳区", "110105"),
        region_prefix="北京市",
    ),
    Series(
        "lvyuan",
        "绿园区民政局",  # the column's 长春市绿园区民政局 (2017, 2019, 2020), renamed
        "民政局",
        (SeriesYear(2021, "2021", date(2022, 1, 19)), SeriesYear(2022, "2021", date(2023, 1, 18))),
    ),
    Series(
        "lvyuan",
        "朝阳区民政局",
        "民政局",
        (
            SeriesYear(2021, "2021", date(2022, 1, 13)),
            SeriesYear(2022, "2021", date(2023, 1, 11)),
            SeriesYear(2023, "2021", date(2024, 1, 15)),
        ),
        region=Region("吉林省", "长春市", "朝阳区", "220104"),
        region_prefix="吉林省长春市",
    ),
    Series(
        "lvyuan",
        "长春市绿园区人力资源和社会保障局",
        "人力资源和社会保障局",
        (
            SeriesYear(2021, "2021", date(2022, 1, 25), own_work=RENSHE_WORK),
            SeriesYear(2022, "2021", date(2023, 1, 20), own_work=RENSHE_WORK[:12] + RENSHE_WORK_NEW, copied=True),
            SeriesYear(2023, "2021", date(2024, 1, 23)),
        ),
    ),
    Series(
        "lingwu",
        "灵武市宁东镇人民政府",
        "人民政府",
        (
            SeriesYear(2021, "2021", date(2022, 3, 31)),  # a government on its deadline, 31 March
            SeriesYear(2022, "2021", date(2023, 4, 18)),  # late: 18 days after a government's 31 March
            SeriesYear(2023, "2021", date(2024, 3, 12)),
        ),
        body="宁东镇人民政府",
    ),
    Series(
        "lingwu",
        "灵武市水务局",
        "水务局",
        (
            SeriesYear(2021, "2021", date(2022, 1, 14)),
            SeriesYear(2022, "2021", date(2023, 1, 13), break_carried=True),
            SeriesYear(2023, "2021", date(2024, 1, 12), break_in_force=True),
        ),
        busy=True,
    ),
    Series(
        "lingwu",
        "灵武市医疗保障局",
        "医疗保障局",
        (
            SeriesYear(2022, "2021", date(2023, 1, 10)),
            # its prose says 26 applications came in, table 三 says 28
            SeriesYear(2023, "2021", date(2024, 1, 9), new_received=(25, 2, 0, 0, 1, 0), stated_new_received=26),
        ),
    ),
)


def site_series(site: str) -> tuple[Series, ...]:
    """Return the series listed on a site's column."""
    return tuple(s for s in SERIES if s.site == site)


def _carried_over(previous: ReportFacts | None, broken: bool) -> dict | None:
    """This year's 上年结转: last year's 结转下年度继续办理 (off by CARRIED_BREAK when broken), drawn without one."""
    forward = ((previous.stats or {}).get("applications") or {}).get("carried_forward") if previous else None
    if not forward:
        return None
    carried = {column: forward.get(column) or 0 for column in APPLICANTS}
    if broken:
        carried["natural_person"] += CARRIED_BREAK
    return carried


def _carry_in_force(before: dict, stats: dict, broken: bool) -> None:
    """Make 现行有效件数 last year's + 本年制发 − 本年废止 (off by IN_FORCE_BREAK for 行政规范性文件 when broken)."""
    for row in IN_FORCE_ROWS:
        prior, now = before["proactive"][row]["in_force"], stats["proactive"][row]
        now["repealed"] = min(now["repealed"], prior + now["issued"])
        now["in_force"] = prior + now["issued"] - now["repealed"]
        if broken and row == "normative_documents":
            now["in_force"] += IN_FORCE_BREAK


def _leave_blank(stats: dict, cells: Iterable[tuple[str, str]]) -> None:
    """Print the cells empty (None in the truth); each must hold 0, so every sum still holds."""
    for row, column in cells:
        if stats["applications"][row][column] != 0:
            raise ValueError(f"blank cell {row}.{column} would hide {stats['applications'][row][column]}")
        stats["applications"][row][column] = None


def series_stats(series: Series, item: SeriesYear, previous: ReportFacts | None) -> dict | None:
    """Draw the report's tables, carried over from last year's report of the body (None for a legacy report)."""
    if item.fmt == "legacy":
        return None
    rng = random.Random(f"sample-portal/series/{series.site}/{series.agency}/{item.year}/stats")
    new = dict(zip(APPLICANTS, item.new_received, strict=True)) if item.new_received else None
    stats = report_stats(rng, item.fmt, series.busy, new, _carried_over(previous, item.break_carried))
    if previous is not None and previous.stats and previous.format == item.fmt == "2021":
        _carry_in_force(previous.stats, stats, item.break_in_force)
    _leave_blank(stats, item.blank)
    return stats


def own_work_block(rng: random.Random, sentences: tuple[str, ...], year: int) -> Block:
    """Return the paragraph on the body's own work, with this year's year and numbers."""
    filled = [re.sub(NUMBER_SLOT, lambda _: str(rng.randint(3, 480)), s.format(year=year)) for s in sentences]
    return Block("p", OWN_WORK_HEADING + "".join(filled))


def series_blocks(series: Series, item: SeriesYear, agency: str, stats: dict | None, half_width: bool) -> list[Block]:
    """Return the report's body; a copied report's prose is drawn exactly as last year's was."""
    prose_year = item.year - 1 if item.copied else item.year
    rng = random.Random(f"sample-portal/series/{series.site}/{series.agency}/{prose_year}/prose")
    if stats is None:
        return legacy_blocks(rng, agency, item.year, item.published, mention_review=True)
    tables = render_tables(stats, item.fmt, half_width=half_width)
    blocks = standard_blocks(
        rng, agency, item.year, item.fmt, stats, tables, item.published, stated_received=item.stated_new_received
    )
    if item.own_work:
        numbers = random.Random(f"sample-portal/series/{series.site}/{series.agency}/{item.year}/numbers")
        at = next(i for i, block in enumerate(blocks) if block.text == TABLES_HEADING)
        blocks.insert(at, own_work_block(numbers, item.own_work, item.year))
    if series.region_prefix:
        intro = (
            f"根据《中华人民共和国政府信息公开条例》第五十条规定，{series.region_prefix}{agency}"
            f"编制本机关{item.year}年度政府信息公开工作年度报告。"
        )
        blocks.insert(0, Block("p", intro))
    return blocks


def series_facts(series: Series, item: SeriesYear, previous: ReportFacts | None) -> ReportFacts:
    """Return the truth of one report of a series (its tables carried over from `previous`)."""
    return ReportFacts(
        series.agency,
        series.agency_type,
        item.year,
        item.fmt,
        series_stats(series, item, previous),
        body=series.body,
        region=series.region,
        stated_new_received=item.stated_new_received,
        copied=item.copied,
    )


def series_document(series: Series, item: SeriesYear, facts: ReportFacts, half_width: bool, path: str) -> Document:
    """Return one report of a series as a column entry."""
    return Document(
        series.site,
        path,
        f"{facts.agency}{item.year}年政府信息公开工作年度报告",
        KIND_REPORT,
        item.published,
        item.published,
        facts.agency,
        tuple(series_blocks(series, item, facts.agency, facts.stats, half_width)),
        facts,
        list_date=item.published,
    )


def series_documents(
    series: tuple[Series, ...],
    site_region: Region,
    half_width: bool,
    path_for: PathFor,
    first_id: int,
    column: list[Document],
) -> list[Document]:
    """Return the column entries of a site's series, each carried over from its body's report on the year before.

    Raises ValueError when a series would give a body a second report for a year.
    """
    reports: dict[tuple[BodyKey, int], ReportFacts] = {
        (d.facts.body_of(site_region), d.facts.report_year): d.facts for d in column if d.facts
    }
    made: list[Document] = []
    for s in series:
        for item in sorted(s.years, key=lambda y: y.year):
            doc_id = first_id + SERIES_ID_OFFSET + len(made) * SERIES_ID_STEP
            body = s.body_of(site_region)
            if (body, item.year) in reports:
                raise ValueError(f"{s.agency}: a second report for {item.year}")
            facts = series_facts(s, item, reports.get((body, item.year - 1)))
            reports[(body, item.year)] = facts
            made.append(series_document(s, item, facts, half_width, path_for(item.published, doc_id)))
    return made
