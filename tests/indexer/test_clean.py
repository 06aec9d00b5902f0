"""Decoding and body-text cleaning on saved real pages: what must stay and what must go."""

import re
from pathlib import Path

import pytest

from indexer.clean.lines import clean_lines, drop_repeated_body
from indexer.clean.page import clean_page
from indexer.errors import UnreadablePage
from indexer.load.html import decode_bytes, load_page
from sample_files import PINGTAN, PORTAL_PAGES, SAMPLES

PINGTAN_PAGES = ("80678", "80445", "80529", "80576", "80613", "87885")
BOILERPLATE = re.compile(r"ICP备|公网安备|公安备案|网站标识码|扫一扫|字号|打印|关闭|技术支持|主办单位")


def cleaned(path: Path) -> str:
    """Clean a saved sample from its raw bytes."""
    return clean_page(load_page(path.read_bytes())).text


@pytest.mark.parametrize("page", PINGTAN_PAGES)
def test_pingtan_text_has_no_boilerplate(page):
    lines = [line for line in cleaned(PINGTAN / f"{page}.html").splitlines() if BOILERPLATE.search(line)]
    assert lines == []


@pytest.mark.parametrize(
    ("page", "sentences"),
    [
        (
            "87885",
            [
                "本报告根据《中华人民共和国政府信息公开条例》（国务院令第711号，以下简称《条例》）",
                "通讯地址：平潭综合实验区商务营运中心7号楼14层；邮编：350400；电话：0591-23165385。",
                "2023年全区共主动公开政府信息13561条",
                "六、其他需要报告的事项",
                "2023年，无收取信息处理费情况。",
            ],
        ),
        (
            "80576",
            [
                "根据《中华人民共和国政府信息公开条例》（以下简称《条例》）、《福建省政府信息公开办法》",
                "（三）继续加强督导协调工作。",
                "无其他需要报告的事项",
            ],
        ),
        (
            "80678",
            [
                "本报告主要根据《中华人民共和国政府信息公开条例》（以下简称《条例》）",
                "二、主动公开政府信息情况",
                "行政诉讼数 | 条 | 0 | 0",
            ],
        ),
    ],
)
def test_pingtan_text_keeps_report_body(page, sentences):
    text = cleaned(PINGTAN / f"{page}.html")
    for sentence in sentences:
        assert sentence in text


def test_pingtan_body_starts_and_ends_with_the_trs_editor_paragraphs():
    lines = cleaned(PINGTAN / "87885.html").splitlines()
    assert lines[0].startswith("本报告根据《中华人民共和国政府信息公开条例》")
    assert lines[-1] == "2023年，无收取信息处理费情况。"


def test_tables_are_flattened_one_row_per_line():
    text = cleaned(PINGTAN / "87885.html")
    assert "信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数" in text
    assert "行政规范性文件 | 77 | 132 | 470" in text


def test_body_element_is_returned_for_table_parsing():
    result = clean_page(load_page((PINGTAN / "80576.html").read_bytes()))
    assert result.method == "container:.TRS_Editor"
    assert len(result.body.xpath(".//table")) == 3


def test_gansu_detail_body_without_qr_widget_and_footer():
    text = cleaned(PORTAL_PAGES / "gansu-fgw-detail.html")
    assert text.startswith("各市、自治州人民政府、兰州新区管委会，省直有关单位，中央在甘有关单位：")
    assert "2025年2月25日" in text
    assert not BOILERPLATE.search(text)
    assert "相关链接" not in text and "政策解读" not in text


def test_saihan_duplicate_body_and_footer_removed():
    text = cleaned(SAMPLES / "saihan-minzheng-2019.txt")
    assert text.count("一、总体情况") == 1
    assert text.splitlines()[-1] == "赛罕区民政局"
    assert not BOILERPLATE.search(text)


def test_lingwu_closing_contact_paragraph_is_kept():
    text = cleaned(SAMPLES / "lingwu-minzheng-2024.txt")
    assert text.splitlines()[-1].endswith("(地址:灵武市健康西路二小对面,电话:0951-4021566,电子邮箱:nxlwmzj@163.com)。")


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        # 字号 bar, print/close buttons and QR widget inside the body container go; 发文字号 stays.
        (
            '<div class="TRS_Editor"><p>字号：[大] [中] [小]</p><p>发文字号：苏工信〔2026〕123号</p>'
            "<p>正文第一段，内容足够长以便被识别为正文容器里的文字。</p><p>【打印本页】【关闭窗口】</p>"
            '<div id="qr_container">扫一扫在手机打开当前页</div></div>',
            "发文字号：苏工信〔2026〕123号\n正文第一段，内容足够长以便被识别为正文容器里的文字。",
        ),
        # Source/editor lines go, a report's own contact paragraph stays.
        (
            '<div id="zoom"><p>来源：区民政局</p><p>如对本报告有疑问，请与区民政局办公室联系（地址：某路1号，电话：0471-1234567）。</p>'
            "<p>责任编辑：张三</p><p>一审：李四 二审：王五</p></div>",
            "如对本报告有疑问，请与区民政局办公室联系（地址：某路1号，电话：0471-1234567）。",
        ),
        # Table rows become one line each, cells joined by " | ".
        (
            '<div class="article_zoom"><p>二、主动公开政府信息情况表格如下所示，共计两行数据。</p><table><tr><td>信息内容</td>'
            "<td>本年制发件数</td></tr><tr><td>规章</td><td>0</td></tr></table></div>",
            "二、主动公开政府信息情况表格如下所示，共计两行数据。\n信息内容 | 本年制发件数\n规章 | 0",
        ),
        # A related-links list at the end goes with its heading.
        (
            '<div id="Zoom"><p>报告正文第一段，说明全年政府信息公开工作的总体情况。</p><p>相关解读：</p>'
            '<ul><li><a href="/a">一图读懂2023年报告</a></li></ul></div>',
            "报告正文第一段，说明全年政府信息公开工作的总体情况。",
        ),
    ],
)
def test_small_pages(html, expected):
    assert clean_page(load_page(f"<html><body>{html}</body></html>")).text == expected


@pytest.mark.parametrize(
    ("line", "dropped"),
    [
        ("主办单位:呼和浩特市赛罕区人民政府 地址:呼和浩特市赛罕区昭乌达路169号 联系电话:0471-4211860", True),
        ("蒙ICP备10000440号 政府网站标识码:1501050001 蒙公网安备 15010502000249号", True),
        ("技术支持：某某科技有限公司", True),
        ("扫一扫在手机上查看当前页面", True),
        ("【字体：大 中 小】【打印】【关闭】", True),
        ("返回顶部", True),
        ("三审：王五", True),
        ("(地址:灵武市健康西路二小对面,电话:0951-4021566,电子邮箱:nxlwmzj@163.com)", False),
        ("中", False),
        ("三、收到和处理政府信息公开申请情况", False),
    ],
)
def test_line_rules(line, dropped):
    assert (clean_lines(line) == "") is dropped


def test_repeated_body_kept_once():
    body = ["一、总体情况"] + [f"正文第{i}段" for i in range(8)] + ["某某局"]
    assert drop_repeated_body(body + body) == body
    assert drop_repeated_body(body + body[:9]) == body  # print copy without its signature
    assert drop_repeated_body(body) == body


# --- decoding at the edge ------------------------------------------------------------------
REPORT_HTML = (
    '<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
    "<title>赛罕区民政局2019年政府信息公开工作年度报告</title></head>"
    '<body><div class="TRS_Editor"><p>一、总体情况。我局认真贯彻《条例》，主动公开政府信息。</p></div></body></html>'
)


@pytest.mark.parametrize("charset", ["gb2312", "GBK", "gb18030"])
def test_gb_pages_decode_as_gb18030(charset):
    data = REPORT_HTML.format(charset=charset).encode("gb18030")
    assert "赛罕区民政局" in decode_bytes(data)


def test_gb_page_without_declaration_is_sniffed():
    data = REPORT_HTML.replace("; charset={charset}", "").encode("gbk")
    assert "主动公开政府信息" in decode_bytes(data)


def test_wrong_http_header_does_not_win_over_the_bytes():
    data = REPORT_HTML.format(charset="utf-8").encode("utf-8")
    assert "赛罕区民政局" in decode_bytes(data, http_charset="gbk")


def test_gb18030_only_character_survives():
    data = REPORT_HTML.format(charset="gb2312").replace("我局", "㐀局").encode("gb18030")
    assert "㐀局" in decode_bytes(data)


@pytest.mark.parametrize("data", [b"", b"   ", b"%PDF-1.7 binary", bytes([0x81, 0x30, 0xFF, 0x00, 0xFE, 0x80]) * 10])
def test_undecodable_input_raises(data):
    with pytest.raises(UnreadablePage):
        decode_bytes(data)


def test_hanweb_bodies_are_found():
    result = clean_page(load_page((PORTAL_PAGES / "hanweb-detail-excerpts.html").read_bytes()))
    assert result.method == "container:.article_zoom"
    assert result.text.startswith("各设区市工业和信息化主管部门：现将有关申报事项通知如下。")


def test_trafilatura_fallback_when_no_known_container():
    paragraphs = "".join(
        f"<p>第{i}段：本机关全年主动公开政府信息，依申请公开办理情况良好，未发生行政复议和诉讼。</p>" for i in range(12)
    )
    html = (
        f"<html><body><div class='nav'><a href='/'>首页</a></div><div class='main-text'>{paragraphs}"
        "<table><tr><td>信息内容</td><td>本年制发件数</td></tr><tr><td>规章</td><td>0</td></tr></table></div>"
        "<div class='foot'>蒙ICP备10000440号 政府网站标识码:1501050001</div></body></html>"
    )
    result = clean_page(load_page(html))
    assert result.method == "trafilatura" and result.body is not None
    assert "第0段" in result.text and "第11段" in result.text
    assert "信息内容 | 本年制发件数" in result.text
    assert not BOILERPLATE.search(result.text)
