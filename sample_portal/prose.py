"""Seeded, realistic prose for synthetic reports (legacy free-form and 2019/2021 templates)."""

from __future__ import annotations

import random
from datetime import date

from .model import Block

LEGACY_SECTIONS_WITH_REVIEW = "五、因政府信息公开申请提起行政复议、提起行政诉讼的情况"
LEGACY_SECTIONS_PLAIN = "五、复议、诉讼和申诉情况"
CHANNELS = ("政府门户网站", "政务新媒体", "政务公开专栏", "公示栏", "新闻发布会", "政务服务大厅电子屏")
FOCUS = (
    "财政预决算",
    "重大建设项目",
    "公共资源配置",
    "社会公益事业建设",
    "乡村振兴",
    "教育服务",
    "医疗卫生",
    "安全生产",
    "生态环境保护",
    "就业创业",
    "社会救助",
)


def self_word(agency: str) -> str:
    """Return how the agency calls itself (我局 / 我委 / 我镇 / 我区 / 我市)."""
    if agency.endswith("委员会"):
        return "我委"
    if agency.endswith("镇人民政府"):
        return "我镇"
    if agency.endswith("人民政府"):
        return "我市" if "市人民政府" in agency and "区" not in agency else "我区"
    return "我局"


def chinese_date(day: date) -> str:
    """Format a date as it is signed at the end of a report."""
    return f"{day.year}年{day.month}月{day.day}日"


def legacy_blocks(rng: random.Random, agency: str, year: int, signed: date, mention_review: bool) -> list[Block]:
    """Return a pre-2019 free-form report without the standard tables."""
    me = self_word(agency)
    parts = [rng.randint(3, 20), rng.randint(5, 60), rng.randint(20, 300), rng.randint(5, 80)]
    requests = rng.randint(0, 12)
    channels = "、".join(rng.sample(CHANNELS, 3))
    blocks = [
        Block(
            "p",
            f"根据《中华人民共和国政府信息公开条例》（以下简称《条例》）的规定，现公布{agency}{year}年度政府信息公开工作年度报告。"
            f"本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。",
        ),
        Block("heading", "一、概述"),
        Block(
            "p",
            f"{year}年，{me}认真贯彻落实《条例》和上级关于政府信息公开工作的部署，"
            f"进一步健全工作机制，明确专人负责，通过{channels}等渠道及时公开政府信息，保障人民群众的知情权和监督权。",
        ),
        Block("heading", "二、主动公开政府信息情况"),
        Block(
            "p",
            f"全年共主动公开政府信息{sum(parts)}条，其中机构职能类{parts[0]}条，"
            f"政策法规类{parts[1]}条，工作动态类{parts[2]}条，"
            f"{rng.choice(FOCUS)}等重点领域信息{parts[3]}条。",
        ),
        Block("heading", rng.choice(("三、依申请公开政府信息情况", "三、政府信息公开申请的办理情况"))),
        Block(
            "p",
            f"全年共受理政府信息公开申请{requests}件，均已在规定时限内答复。"
            if requests
            else "本年度未收到公民、法人或其他组织提出的政府信息公开申请。",
        ),
        Block("heading", "四、政府信息公开的收费及减免情况"),
        Block("p", "本年度未收取任何与政府信息公开有关的费用，也未发生减免费用的情况。"),
    ]
    if mention_review:
        blocks += [
            Block("heading", LEGACY_SECTIONS_WITH_REVIEW),
            Block("p", "本年度未发生因政府信息公开申请提起行政复议、提起行政诉讼的情况。"),
        ]
    else:
        blocks += [
            Block("heading", LEGACY_SECTIONS_PLAIN),
            Block("p", "本年度未发生针对本单位政府信息公开事项的复议、诉讼及申诉案件。"),
        ]
    blocks += [
        Block("heading", "六、存在的主要问题及改进措施"),
        Block(
            "p",
            f"{me}政府信息公开工作虽然取得了一定成效，但仍存在公开内容不够全面、更新不够及时等问题。"
            f"下一步，{me}将进一步加强队伍建设，规范公开程序，不断提高政府信息公开工作水平。",
        ),
        Block("sign", agency),
        Block("sign", chinese_date(signed)),
    ]
    return blocks


def received_phrase(stats: dict, stated: int | None) -> str:
    """Say how many applications came in: the table's 本年新收, or another number the report states."""
    if stated is None:
        return f"全年新收政府信息公开申请{stats['applications']['new_received']['total']}件"
    return f"全年共收到政府信息公开申请{stated}件"


def _overview(
    rng: random.Random, agency: str, year: int, stats: dict, topics: set[str], stated: int | None
) -> list[Block]:
    """Return section 一 (总体情况) of a 2019/2021-format report (`stated`: a received count other than the table's)."""
    me = self_word(agency)
    received = received_phrase(stats, stated)
    items = [
        Block(
            "p",
            f"（一）主动公开。{year}年，{me}坚持“以公开为常态、不公开为例外”原则，"
            f"通过{'、'.join(rng.sample(CHANNELS, 3))}等渠道主动公开政府信息{rng.randint(40, 900)}条，"
            f"重点做好{'、'.join(rng.sample(FOCUS, 2))}等领域信息公开。",
        )
    ]
    if "依申请公开" in topics:
        items.append(
            Block(
                "p",
                f"（二）依申请公开。{me}严格按照受理、审查、办理、答复等程序规范办理依申请公开工作，"
                f"{received}，均在法定期限内答复。",
            )
        )
    else:
        items.append(Block("p", f"（二）申请办理。{received}，均在法定期限内作出答复。"))
    items.append(
        Block(
            "p",
            "（三）政府信息管理。严格落实公开前保密审查制度，坚持“先审查、后公开”和“一事一审”，全年未发生泄密事件。",
        )
    )
    if "政策解读" in topics:
        items.append(
            Block(
                "p",
                f"（四）政策解读。围绕出台的重要政策文件开展政策解读{rng.randint(3, 25)}篇，"
                "采用图文解读、视频解读等形式，做到政策文件与解读材料同步起草、同步审签、同步发布。",
            )
        )
    if "行政复议" in topics:
        items.append(
            Block(
                "p",
                "（五）监督保障。将政府信息公开工作纳入年度考核，全年未因政府信息公开工作被申请行政复议或提起行政诉讼。",
            )
        )
    else:
        items.append(
            Block("p", "（五）监督保障。将政府信息公开工作纳入年度考核，主动接受社会监督，全年未发生责任追究情况。")
        )
    return [Block("heading", "一、总体情况"), *items]


def standard_blocks(
    rng: random.Random,
    agency: str,
    year: int,
    fmt: str,
    stats: dict,
    tables: dict[str, str],
    signed: date | None,
    stated_received: int | None = None,
) -> list[Block]:
    """Return a 2019/2021-format report: prose sections around the three tables (`stated_received`: see _overview)."""
    topics = {t for t in ("依申请公开", "政策解读", "行政复议") if rng.random() < 0.5}
    me = self_word(agency)
    blocks: list[Block] = []
    if fmt == "2021" or rng.random() < 0.4:
        blocks.append(
            Block("p", f"本报告根据《中华人民共和国政府信息公开条例》要求编制，统计数据从{year}年1月1日至12月31日。")
        )
    blocks += _overview(rng, agency, year, stats, topics, stated_received)
    blocks += [
        Block("heading", "二、主动公开政府信息情况"),
        Block("html", tables["proactive"]),
        Block("heading", "三、收到和处理政府信息公开申请情况"),
        Block("html", tables["applications"]),
        Block("heading", "四、政府信息公开行政复议、行政诉讼情况"),
        Block("html", tables["suits"]),
        Block("heading", "五、存在的主要问题及改进情况"),
        Block(
            "p",
            f"一是公开内容的深度和广度有待拓展；二是工作人员业务能力有待提升。下一步，{me}将加强业务培训，"
            "健全公开工作机制，持续提升政府信息公开质量。",
        ),
        Block("heading", "六、其他需要报告的事项"),
    ]
    if fmt == "2021":
        blocks.append(Block("p", "依据《政府信息公开信息处理费管理办法》，本年度未收取信息处理费。"))
    else:
        blocks.append(Block("p", "无其他需要报告的事项。"))
    if signed:
        blocks += [Block("sign", agency), Block("sign", chinese_date(signed))]
    return blocks
