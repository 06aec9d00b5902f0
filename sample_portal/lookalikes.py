"""Pages that sit in the 年报 column and look like reports but are not (must not be indexed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .model import Block


@dataclass(frozen=True)
class Lookalike:
    """A look-alike document: title, date, source and body."""

    title: str
    published: date
    source: str
    blocks: tuple[Block, ...]


def work_points(gov: str, short: str, year: int) -> Lookalike:
    """政府信息公开工作要点."""
    return Lookalike(
        f"{short}{year}年政府信息公开工作要点",
        date(year, 4, 18),
        f"{gov}办公室",
        (
            Block(
                "p",
                f"为深入贯彻落实《中华人民共和国政府信息公开条例》，进一步做好{year}年政府信息公开工作，结合{short}实际，制定本要点。",
            ),
            Block("heading", "一、加强政策发布解读"),
            Block("p", "各部门要严格落实政策文件与解读材料同步起草、同步审签、同步发布制度，提升政策解读质量。"),
            Block("heading", "二、做好依申请公开工作"),
            Block("p", "规范依申请公开办理流程，严格按照法定时限答复，降低行政复议纠错率和行政诉讼败诉率。"),
            Block("heading", "三、抓好年度报告编制"),
            Block("p", f"各部门要于{year + 1}年1月31日前按照统一格式发布本部门政府信息公开工作年度报告。"),
        ),
    )


def follow_up_letter(gov: str, short: str, year: int) -> Lookalike:
    """关于…政府信息公开工作要点落实情况的函 (mentions 政府信息公开 and a year)."""
    return Lookalike(
        f"关于{short}{year}年政府信息公开工作要点落实情况的函",
        date(year, 11, 20),
        f"{gov}办公室",
        (
            Block("p", f"市人民政府办公室：现将{short}{year}年政府信息公开工作要点落实情况报告如下。"),
            Block(
                "p",
                f"{year}年以来，{short}围绕政府信息公开工作要点，全面推进决策、执行、管理、服务、结果公开，"
                "主动公开政府信息2000余条，办理政府信息公开申请37件，未发生行政复议被纠错情况。",
            ),
            Block("p", "下一步，我们将继续做好政府信息公开工作年度报告的编制和发布。特此函告。"),
            Block("sign", f"{gov}办公室"),
            Block("sign", f"{year}年11月20日"),
        ),
    )


def _work_report(gov: str, short: str, year: int) -> Lookalike:
    """政府工作报告."""
    return Lookalike(
        f"{year}年{short}人民政府工作报告",
        date(year, 1, 28),
        gov,
        (
            Block("p", f"各位代表：现在，我代表{short}人民政府，向大会报告工作，请予审议，并请政协委员提出意见。"),
            Block("heading", f"一、{year - 1}年工作回顾"),
            Block(
                "p",
                f"过去一年，全{short[-1]}地区生产总值增长{5 + year % 3}.{year % 7}%，一般公共预算收入稳步增长，民生支出占比保持在80%以上。",
            ),
            Block("heading", f"二、{year}年主要任务"),
            Block("p", "坚持稳中求进工作总基调，深化政务公开，持续优化营商环境。"),
        ),
    )


def _budget(short: str, department: str, year: int, final: bool) -> Lookalike:
    """部门预算公开 / 部门决算公开."""
    kind = "决算" if final else "预算"
    day = date(year + 1, 8, 30) if final else date(year, 2, 15)
    return Lookalike(
        f"{short}{department}{year}年度部门{kind}公开",
        day,
        f"{short}{department}",
        (
            Block("heading", "第一部分 部门概况"),
            Block("p", f"{short}{department}是{short[-1]}政府工作部门，内设机构6个，下属事业单位2个。"),
            Block("heading", f"第二部分 {year}年度部门{kind}表"),
            Block("p", f"{year}年度收入{kind}总计1536.42万元，支出{kind}总计1536.42万元，“三公”经费{kind}12.6万元。"),
            Block("heading", "第三部分 名词解释"),
            Block("p", "一般公共预算财政拨款收入：指本级财政当年拨付的资金。"),
        ),
    )


def _enterprise_notice(short: str, year: int) -> Lookalike:
    """企业年报公示通知."""
    return Lookalike(
        f"关于做好{year}年度企业年报公示工作的通知",
        date(year + 1, 1, 10),
        f"{short}市场监督管理局",
        (
            Block(
                "p",
                f"根据《企业信息公示暂行条例》规定，各类企业应当于{year + 1}年1月1日至6月30日，"
                f"通过国家企业信用信息公示系统报送{year}年度年度报告，并向社会公示。",
            ),
            Block("p", "未按规定期限公示年度报告的企业，将被列入经营异常名录。"),
            Block("sign", f"{short}市场监督管理局"),
            Block("sign", f"{year + 1}年1月10日"),
        ),
    )


def _statistics_yearbook(short: str, year: int) -> Lookalike:
    """统计年报."""
    return Lookalike(
        f"{short}{year}年国民经济和社会发展统计年报",
        date(year + 1, 3, 25),
        f"{short}统计局",
        (
            Block("p", f"{year}年，面对复杂严峻的外部环境，{short}经济运行总体平稳。"),
            Block("p", f"全年地区生产总值比上年增长{4 + year % 4}.{year % 9}%；城镇常住居民人均可支配收入增长5.1%。"),
        ),
    )


def self_check(agency: str, task: str, published: date) -> Lookalike:
    """…关于做好政务公开…落实情况的自查报告 (a department's self-check, titled like a report)."""
    return Lookalike(
        f"{agency}关于做好政务公开{task}落实情况的自查报告",
        published,
        agency,
        (
            Block(
                "p",
                f"根据上级关于开展政务公开工作自查的通知要求，{agency}对{task}落实情况进行了自查，现将有关情况报告如下。",
            ),
            Block("heading", "一、自查工作开展情况"),
            Block("p", "我局成立自查工作小组，对照任务清单逐项检查，对发现的问题建立台账，明确整改时限。"),
            Block("heading", "二、存在的问题"),
            Block("p", "部分栏目信息更新不够及时，政策解读形式较为单一。"),
            Block("heading", "三、下一步工作"),
            Block("p", "进一步完善政务公开工作机制，按时编制发布政府信息公开工作年度报告。"),
            Block("sign", agency),
        ),
    )


def summary_and_plan(agency: str, year: int, published: date) -> Lookalike:
    """…年工作总结暨…年工作思路 (the year's work summary, not the disclosure report)."""
    return Lookalike(
        f"{agency}{year}年工作总结暨{year + 1}年工作思路",
        published,
        agency,
        (
            Block("heading", f"一、{year}年工作总结"),
            Block("p", f"{year}年，{agency}围绕中心工作，扎实推进各项业务，政务公开、依法行政等工作有序开展。"),
            Block("heading", f"二、{year + 1}年工作思路"),
            Block("p", "继续深化改革，提升服务水平，加强队伍建设，确保全年目标任务圆满完成。"),
            Block("sign", agency),
        ),
    )


def work_plan(agency: str, year: int, published: date) -> Lookalike:
    """…年政务公开工作计划 (a plan for the year ahead)."""
    return Lookalike(
        f"{agency}{year}年政务公开工作计划",
        published,
        agency,
        (
            Block("p", f"为做好{year}年政务公开工作，结合本单位实际，制定本计划。"),
            Block("heading", "一、工作目标"),
            Block("p", "全面落实政府信息公开条例，做到应公开尽公开，及时回应社会关切。"),
            Block("heading", "二、主要任务"),
            Block("p", "按时更新政府信息公开专栏，规范依申请公开办理，按期编制政府信息公开工作年度报告。"),
            Block("sign", agency),
        ),
    )


def lookalikes(gov: str, short: str) -> list[Lookalike]:
    """Return the look-alike documents of one site's 年报 column."""
    return [
        work_points(gov, short, 2023),
        follow_up_letter(gov, short, 2022),
        _work_report(gov, short, 2024),
        _budget(short, "财政局", 2023, final=False),
        _budget(short, "教育局", 2022, final=True),
        _enterprise_notice(short, 2023),
        _statistics_yearbook(short, 2021),
    ]
