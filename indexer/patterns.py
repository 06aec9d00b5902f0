"""Selectors, regexes and word lists used by the extraction stages (one place, no logic)."""

import re

from lxml import etree

# --- decoding -------------------------------------------------------------------------------
META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
HTML_SNIFF_RE = re.compile(r"<(?:!doctype\s+html|html|head|body|div|p|table|meta|title)[\s>/]", re.I)
# Labels that are read as GB18030 (a superset of GB2312 and GBK).
GB_CHARSETS = frozenset({"gb2312", "gbk", "gb18030", "gb_2312-80", "x-gbk", "cp936", "ms936", "euc-cn", "hz-gb-2312"})
# Labels real portals send by mistake on Chinese pages; treated as "no hint".
UNTRUSTED_CHARSETS = frozenset({"iso-8859-1", "latin-1", "latin1", "windows-1252", "us-ascii", "ascii"})
BINARY_MAGIC = (b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0")


def _class_xpath(name: str) -> str:
    """XPath matching elements whose class list contains `name`."""
    return f"//*[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]"


def _selector_xpath(selector: str) -> str:
    """Turn a '.class', '#id' or 'tag' selector into an XPath expression."""
    if selector.startswith("."):
        return _class_xpath(selector[1:])
    if selector.startswith("#"):
        return f"//*[@id='{selector[1:]}']"
    return f"//{selector}"


# --- body containers, most specific first ----------------------------------------------------
BODY_SELECTORS = (
    ".TRS_Editor", ".TRS_UEDITOR", "#zoom", "#Zoom", ".article_zoom", "#zoomcon", "ucapcontent",
    "#detailContent", "#ivs_content", "#webeditorview", ".Custom_UnionStyle", ".detailContent",
    "#UCAP-CONTENT", ".article_content", ".article-content", ".pages_content", "#mainText",
)
BODY_XPATHS = tuple((sel, etree.XPath(_selector_xpath(sel))) for sel in BODY_SELECTORS)
MIN_BODY_CHARS = 40  # a container with less text is an empty template slot

# Elements dropped from a body container before flattening (widgets living inside it).
NOISE_XPATH = etree.XPath(
    "//script | //style | //noscript | //iframe | //object | //embed | //button | //input"
    " | //select | //textarea | //*[@id='qr_container'] | //*[contains(@id, 'qrcode')]"
    " | //*[contains(@class, 'qrcode')] | //*[contains(concat(' ', @class), ' ewm')] | //*[@id='share']"
    " | //*[contains(concat(' ', normalize-space(@class), ' '), ' share ')]"
    " | //*[contains(@class, 'xglj')] | //*[contains(@class, 'links_con')]"
)
VISIBLE_TEXT_XPATH = etree.XPath("//body//text()[not(ancestor::script) and not(ancestor::style)]")
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "br", "center", "dd", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "title", "ul",
    "tr", "caption", "ucapcontent",
})
SKIP_TAGS = frozenset({"script", "style", "noscript", "iframe", "head", "object", "embed", "select", "textarea", "button"})
TABLE_ROWS_XPATH = etree.XPath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")
ROW_CELLS_XPATH = etree.XPath("./td | ./th")
CELL_SEPARATOR = " | "

# --- title ----------------------------------------------------------------------------------
TITLE_XPATHS = (
    etree.XPath("//meta[@name='ArticleTitle']/@content"),
    etree.XPath(f"{_class_xpath('article_title')} | //h1[contains(@class, 'article-title')] | //ucaptitle"),
    etree.XPath("//h1"),
)
HTML_TITLE_XPATH = etree.XPath("//title")
TITLE_SITE_SEPARATORS_RE = re.compile(r"\s*(?:_|\||-{1,2}|—|–)\s*")
QUOTED_TITLE_RE = re.compile(r"《([^《》\n]{4,80}?(?:年度报告|年报))》")
MAX_TITLE_LINE = 80
SENTENCE_MARK_RE = re.compile(r"[《。，,；;！!？?]")  # a first line with these is prose, not a title

# --- report recognition ---------------------------------------------------------------------
YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年")
# Title rules, shared by the crawler's link pre-filter and the indexer's verdict.
TITLE_YEAR_RE = re.compile(r"(?<!\d)(?:19[89]\d|20\d\d)(?!\d)|[一二][〇零○Ｏ0一二三四五六七八九]{3}(?=年)")
TITLE_DISCLOSURE_RE = re.compile(r"政府信息公开|政务公开|信息公开")
TITLE_REPORT_RE = re.compile(
    r"(?:政府信息公开|政务公开|信息公开)(?:工作)?(?:的)?(?:年度报告|年报|年度工作报告|工作报告|报告)"
)
TITLE_SPACE_RE = re.compile(r"[\s\u3000]+")
# (regex, label): titles in the same columns that are NOT reports (PORTALS.md), checked first.
LOOKALIKE_TITLES = (
    (re.compile(r"工作要点"), "work plan (工作要点)"),
    (re.compile(r"落实情况|的函|函$"), "letter (落实情况 / 函)"),
    (re.compile(r"政府工作报告"), "government work report (政府工作报告)"),
    (re.compile(r"预算|决算"), "budget or final accounts (预算/决算)"),
    (re.compile(r"企业年报|年报公示|企业年度报告|年度报告公示"), "enterprise annual report (企业年报)"),
    (re.compile(r"统计年报|统计公报|统计年鉴|统计报表"), "statistical report (统计年报)"),
    (re.compile(r"解读|图解|一图读懂|答记者问"), "explainer of a report (解读/图解)"),
    (re.compile(r"通知$|的通知|^关于.*通知|征求意见"), "notice (通知)"),
)
# Content markers: a report talks about proactive disclosure and requests.
CONTENT_PROACTIVE_RE = re.compile(r"主动公开")
CONTENT_REQUESTS_RE = re.compile(r"依申请|申请公开|公开申请|收到和处理")
SECTION_MARKERS = (
    re.compile(r"总体情况|概述"),
    re.compile(r"主动公开政府信息"),
    re.compile(r"收到和处理政府信息公开申请|依申请公开"),
    re.compile(r"行政复议|行政诉讼"),
    re.compile(r"存在的主要问题|主要问题和改进|改进情况|改进措施"),
    re.compile(r"其他需要报告的事项"),
)
MIN_REPORT_CHARS = 200
MIN_SECTIONS_UNTITLED = 4

# --- agency ---------------------------------------------------------------------------------
TITLE_AGENCY_RE = re.compile(r"^(?P<agency>.*?)(?:关于)?(?:19|20)\d{2}\s*年度?(?P<rest>.*)$")
AGENCY_BEFORE_TOPIC_RE = re.compile(r"^(?:（|\()?(?:本级)?(?P<agency>.+?)(?:本级)?(?:政府信息公开|政务公开|(?<!政府)信息公开)")
AGENCY_STRIP_CHARS = " 　\t《》“”\"'：:，,的"
ORGAN_SUFFIX_RE = re.compile(
    r"(?:人民政府|政府|局|厅|委员会|委|办公室|办公厅|中心|管委会|管理委员会|院|署|办|所|站|队|部|会"
    r"|实验区|新区|开发区|街道办事处|街道|镇|乡|苏木)$"
)
SIGNATURE_MAX_CHARS = 30
SIGNATURE_LOOKBACK_LINES = 5
SIGNATURE_PUNCT_RE = re.compile(r"[，。,:：；;（()）、!！?？|《》]")
LEADING_YEAR_AGENCY_RE = re.compile(
    r"^(?:19|20)\d{2}年(?:度)?[,，]\s*(?P<agency>[^\s,，。、在]{2,25}?(?:人民政府|局|厅|委员会|办公室|中心|管委会))"
)
# Kinds of body, longest first; the agency's suffix decides.
AGENCY_TYPES = (
    "卫生健康委员会", "发展和改革委员会", "人民政府办公厅", "人民政府办公室", "住房和城乡建设局",
    "管理委员会", "街道办事处", "人民政府", "办公室", "办公厅", "民政局", "民政厅", "信访局",
    "税务局", "教育局", "教育厅", "公安局", "财政局", "财政厅", "卫生健康局", "卫健委", "管委会",
)
AGENCY_TYPE_ALIASES = {"人民政府办公厅": "办公厅", "人民政府办公室": "办公室", "管委会": "管理委员会"}
# A pure zone name publishes through its administrative committee (管理委员会).
ZONE_AGENCY_RE = re.compile(r"(?:综合实验区|新区|开发区|高新区|试验区|自贸区|保税区)$")
GENERIC_TYPE_RE = re.compile(r"^[\u4e00-\u9fff]{2,12}(?:局|厅|委员会|办公室|中心|署|院)$")
TOWNSHIP_AGENCY_RE = re.compile(r"(?:乡|镇|街道|街道办事处|苏木)(?:人民政府|党委|办事处)?$")
CENTRAL_AGENCY_RE = re.compile(r"^(?:国务院|国家|中华人民共和国|中国|全国)")

# --- years and dates ------------------------------------------------------------------------
STAT_PERIOD_YEAR_RE = re.compile(
    r"(?:统计|数据).{0,12}?(?:从|自|为|是|期限|时限|区间)?\s*((?:19|20)\d{2})\s*年\s*0?1\s*月\s*0?1\s*日"
)
LEADING_YEAR_RE = re.compile(r"^((?:19|20)\d{2})\s*年(?:度)?\s*[,，]")
LEADING_YEAR_LINES = 15
META_DATE_NAMES = ("PubDate", "pubdate", "PubDateTime", "publishdate", "PublishDate", "firstpublishedtime", "publishtime")
NUMERIC_DATE = r"(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
DATE_LABEL_RE = re.compile(
    r"(?:^|(?<=[\s|\]】>]))(?:发布日期|发布时间|公开日期|发文日期|日期|时间)\s*[:：]\s*" + NUMERIC_DATE, re.M
)
DATE_LINE_RE = re.compile(r"^" + NUMERIC_DATE + r"$")
CN_DATE_LINE_RE = re.compile(r"^(?P<y>[〇○零一二三四五六七八九]{4})年(?P<m>[一二三四五六七八九十]{1,2})月(?P<d>[一二三四五六七八九十]{1,3})日$")
CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
SIGNATURE_DATE_LINES = 4

# --- boilerplate lines ----------------------------------------------------------------------
TOOLBAR_LINE_RE = re.compile(
    r"^(?:[【】\[\]（）()<>\s:：|/、·•]|字号|字体|默认|大|中|小|打印本页|打印|关闭窗口|关闭|返回顶部"
    r"|收藏|分享到?|保存|纠错|我要纠错|视力保护色|朗读)+$"
)
TOOLBAR_KEYWORD_RE = re.compile(r"字号|字体|打印|关闭|返回顶部|收藏|分享|纠错|朗读")
QR_LINE_RE = re.compile(r"^(?:扫一扫在手机[上中]?(?:查看|打开|浏览)?(?:当前|本)?页面?|(?:微信|手机)扫一扫.{0,20}|扫一扫.{0,12})$")
META_LINE_RE = re.compile(
    r"^(?:来源|信息来源|文章来源|稿件来源|撰稿|撰稿人|作者|校对|责任编辑|编辑|审核|一审|二审|三审|初审|复审|终审"
    r"|浏览次数|访问量|点击数|阅读次数|发布时间|发布日期|时间|日期|上一篇|下一篇)\s*[:：]"
)
META_LINE_MAX = 80
FOOTER_LINE_RE = re.compile(
    r"主办单位\s*[:：]|承办单位\s*[:：]|主办\s*[:：]|技术支持\s*[:：]?|ICP[备证]\s*\d|公网安备\s*\d|公安备案号"
    r"|网站标识码\s*[:：]?\s*\d|版权所有|Copyright|©|网站地图\s*[|｜]|建议使用.{0,20}浏览器"
)
FOOTER_LINE_MAX = 160
RELATED_HEADING_RE = re.compile(r"^(?:相关链接|相关解读|相关文件|相关新闻|相关阅读|相关附件|政策解读|解读材料)\s*[:：]?$")
RELATED_ITEM_MAX = 80
SPACE_RUN_RE = re.compile(r"[ \t\xa0\u3000\u2002\u2003\u200b\ufeff]+")
DUPLICATE_MIN_SHARE = 0.8  # a repeated tail must cover this share of the head to count as a copy

# --- region clues found anywhere on the page (footer included) ------------------------------
ICP_RE = re.compile(r"([京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川蜀贵黔云滇藏陕秦甘陇青宁新])ICP[备证]")
POLICE_RE = re.compile(r"(?:公网安备|公安备案号?)\s*[:：]?\s*(\d{6})")
ICP_PROVINCE_CODES = {
    "京": "11", "津": "12", "冀": "13", "晋": "14", "蒙": "15", "辽": "21", "吉": "22", "黑": "23",
    "沪": "31", "苏": "32", "浙": "33", "皖": "34", "闽": "35", "赣": "36", "鲁": "37", "豫": "41",
    "鄂": "42", "湘": "43", "粤": "44", "桂": "45", "琼": "46", "渝": "50", "川": "51", "蜀": "51",
    "贵": "52", "黔": "52", "云": "53", "滇": "53", "藏": "54", "陕": "61", "秦": "61", "甘": "62",
    "陇": "62", "青": "63", "宁": "64", "新": "65",
}
CANONICAL_URL_XPATH = etree.XPath("//meta[@name='Url']/@content | //link[@rel='canonical']/@href")

# --- statistics tables (tables.py, numbers.py) ----------------------------------------------
NUMBER_CHAR_MAP = str.maketrans({"－": "-", "−": "-", "＋": "+", "，": ",", "．": ".", "０": "0", "１": "1",
                                 "２": "2", "３": "3", "４": "4", "５": "5", "６": "6", "７": "7", "８": "8", "９": "9"})
NUMBER_CELL_RE = re.compile(r"(?P<number>[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(?P<unit>万元|元|件|个|项|条|人次|次)?")
NULL_CELL_RE = re.compile(r"[—–\-/／\\]+|无|空|暂无")
LABEL_FOLD_MAP = str.maketrans({"（": "(", "）": ")", "：": ":", "／": "/", "“": "", "”": "", "\"": "", "‘": "", "’": "",
                                "．": "."})
LABEL_NUMBERING_RE = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十\d]+\)|\d+[.、])")
TEXT_CELL_SPLIT_RE = re.compile(r"\s*\|\s*|\t+")
TEXT_CELL_MAX = 40  # a line longer than this that is not split into cells is prose
GLUED_LABEL_RE = re.compile(
    r"^(?P<label>行政规范性文件|规范性文件|规章|行政许可|其他对外管理服务事项|行政处罚|行政强制|行政事业性收费|政府集中采购)"
    r"(?P<rest>[+\-\d].*)$"
)
# Row labels (matched on folded text, numbering removed): table 二 then table 三.
PROACTIVE_LABELS = (
    ("regulations", re.compile(r"规章")),
    ("normative_documents", re.compile(r"(?:行政)?规范性文件")),
    ("licensing", re.compile(r"行政许可")),
    ("other_services", re.compile(r"其他对外管理服务事项")),
    ("penalties", re.compile(r"行政处罚")),
    ("enforcement", re.compile(r"行政强制")),
    ("fees", re.compile(r"行政事业性收费")),
    ("procurement", re.compile(r"政府集中采购")),
)
APPLICATION_LABELS = (
    ("new_received", re.compile(r"本年新收.*")),
    ("carried_over", re.compile(r"上年结转.*")),
    ("granted", re.compile(r"予以公开")),
    ("partly_granted", re.compile(r"部分公开.*")),
    ("denied_state_secret", re.compile(r"(?:属于)?国家秘密")),
    ("denied_law_prohibited", re.compile(r"其他法律行政法规禁止公开")),
    ("denied_three_safety_one_stability", re.compile(r"危及三安全一稳定")),
    ("denied_third_party", re.compile(r"保护第三方合法权益")),
    ("denied_internal_affairs", re.compile(r"(?:属于)?三类内部事务信息")),
    ("denied_process_info", re.compile(r"(?:属于)?四类过程性信息")),
    ("denied_enforcement_file", re.compile(r"(?:属于)?行政执法案卷")),
    ("denied_inquiry", re.compile(r"(?:属于)?行政查询事项")),
    ("unavailable_not_held", re.compile(r"本机关不掌握.*")),
    ("unavailable_needs_creation", re.compile(r"没有现成信息.*")),
    ("unavailable_unclear", re.compile(r"补正后申请内容仍?不明确")),
    ("not_processed_petition", re.compile(r"信访举报投诉类?申请")),
    ("not_processed_duplicate", re.compile(r"重复申请")),
    ("not_processed_publication", re.compile(r"要求提供公开出版物")),
    ("not_processed_excessive", re.compile(r"无正当理由大量反复申请")),
    ("not_processed_confirm", re.compile(r"要求行政机关确认或重新出具.*")),
    ("other_no_correction", re.compile(r"申请人无正当理由逾期不补正.*")),
    ("other_no_fee", re.compile(r"申请人逾期未按收费通知.*")),
    ("other", re.compile(r"其他处理")),
    ("total_processed", re.compile(r"(?:办理结果)?总计")),
    ("carried_forward", re.compile(r"结转下年度.*")),
)
APPLICATION_GROUP_RE = re.compile(r"本年度办理结果|不予公开|无法提供|不予处理|其他处理")
OTHER_OTHER_RE = re.compile(r"其他")  # row 3.其他 under (六)其他处理 (2021 format)
PROACTIVE_MARKER_RE = re.compile(r"第二十条第.*项|信息内容")
APPLICATIONS_MARKER_RE = re.compile(r"申请人情况|自然人")
SUITS_MARKER_RE = re.compile(r"行政复议")
# Column headers of table 二 (first match wins; checked in this order).
PROACTIVE_HEADERS = (
    ("total_published", re.compile(r"对外公开总数量?|公开总数")),
    ("new_made", re.compile(r"(?:本年)?新?制作数量|本年新制作")),
    ("new_published", re.compile(r"(?:本年)?新?公开数量|本年新公开")),
    ("prev_items", re.compile(r"上一?年项目数量?")),
    ("change", re.compile(r"本年增.*|增/?减")),
    ("decisions", re.compile(r"(?:本年)?处理决定数量?")),
    ("items", re.compile(r"采购项目数量?")),
    ("issued", re.compile(r"(?:本年)?制发件数")),
    ("repealed", re.compile(r"(?:本年)?废止件数")),
    ("in_force", re.compile(r"现行有效件数")),
    ("amount_10k_yuan", re.compile(r".*金额.*")),
)
YUAN_HEADER_RE = re.compile(r"(?<!万)元")
# Table 四 headers, for mapping its values by column (HTML grid).
SUIT_GROUP_HEADERS = (
    ("litigation_direct", re.compile(r"未经复议")),
    ("litigation_after_review", re.compile(r"复议后")),
    ("review", re.compile(r"行政复议")),
)
SUIT_OUTCOME_HEADERS = (
    ("upheld", re.compile(r"维持")),
    ("corrected", re.compile(r"纠正")),
    ("other", re.compile(r"其他")),
    ("pending", re.compile(r"尚未|审结")),
    ("total", re.compile(r"总计|合计")),
)
# Which template a table follows (matched on folded cell text).
FORMAT_2021_CELL_RE = re.compile(
    r"本年制发件数|本年废止件数|现行有效件数|本年处理决定数量|本年收费金额|申请人无正当理由逾期不补正|申请人逾期未按收费通知|^行政规范性文件$"
)
FORMAT_2019_CELL_RE = re.compile(
    r"本年新制作数量|本年新公开数量|对外公开总数量|上一年项目数量|本年增/减|采购项目数量|采购总金额|政府集中采购|其他对外管理服务事项"
)
HTML_TABLE_XPATH = etree.XPath("descendant-or-self::table")
