"""Site identities and boilerplate shared by the CMS templates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape

from ..model import Block, Document, Region


@dataclass(frozen=True)
class SiteInfo:
    """Identity of one played government site."""

    key: str
    name: str  # 呼和浩特市赛罕区人民政府
    short: str  # 赛罕区
    region: Region
    host_org: str
    address: str
    phone: str
    icp: str
    police: str
    site_code: str
    tech: str
    encoding: str = "utf-8"


SAIHAN = SiteInfo(
    "saihan",
    "呼和浩特市赛罕区人民政府",
    "赛罕区",
    Region("内蒙古自治区", "呼和浩特市", "赛罕区", "150105"),
    "呼和浩特市赛罕区人民政府",
    "呼和浩特市赛罕区昭乌达路169号",
    "0471-4211860",
    "蒙ICP备10000440号",
    "蒙公网安备 15010502000249号",
    "1501050001",
    "内蒙古凌动信息科技有限公司",
)
LVYUAN = SiteInfo(
    "lvyuan",
    "长春市绿园区人民政府",
    "绿园区",
    Region("吉林省", "长春市", "绿园区", "220106"),
    "长春市绿园区人民政府办公室",
    "长春市绿园区景阳大路2999号",
    "0431-87923109",
    "吉ICP备05002046号-1",
    "吉公网安备 22010602000137号",
    "2201060001",
    "大汉软件股份有限公司",
    encoding="gbk",
)
LINGWU = SiteInfo(
    "lingwu",
    "灵武市人民政府",
    "灵武市",
    Region("宁夏回族自治区", "银川市", "灵武市", "640181"),
    "灵武市人民政府办公室",
    "宁夏灵武市朝阳街1号",
    "0951-4022115",
    "宁ICP备05001374号",
    "宁公网安备 64018102000086号",
    "6401810001",
    "拓尔思信息技术股份有限公司",
)
HOSTILE = SiteInfo(
    "hostile",
    "阿荣旗人民政府",
    "阿荣旗",
    Region("内蒙古自治区", "呼伦贝尔市", "阿荣旗", "150721"),
    "阿荣旗人民政府办公室",
    "呼伦贝尔市阿荣旗那吉镇兴安路1号",
    "0470-4211234",
    "蒙ICP备05000123号",
    "蒙公网安备 15072102000111号",
    "1507210001",
    "某某网络科技有限公司",
)

PARAGRAPH_STYLE = {
    "p": '<p style="text-indent:2em;">{}</p>',
    "heading": '<p style="text-indent:2em;"><strong>{}</strong></p>',
    "title": '<p style="text-align:center;"><strong>{}</strong></p>',
    "sign": '<p style="text-align:right;">{}</p>',
    "bookmark": '<p style="text-indent:2em;"><a name="_GoBack"></a>{}</p>',
}


def body_html(blocks: tuple[Block, ...]) -> str:
    """Render report blocks as the HTML a CMS editor would store."""
    parts = []
    for block in blocks:
        if block.kind == "html":
            parts.append(block.text)
        else:
            parts.append(PARAGRAPH_STYLE[block.kind].format(escape(block.text, quote=False)))
    return "\n".join(parts)


def footer_html(site: SiteInfo) -> str:
    """Return the site footer (主办单位, ICP, 公网安备, 网站标识码, 技术支持)."""
    return (
        '<div class="footer"><div class="footer_links">'
        '<a href="https://www.gov.cn/" target="_blank">中国政府网</a> | '
        '<a href="#">网站地图</a> | <a href="#">联系我们</a></div>'
        f"<p>主办单位：{site.host_org}　地址：{site.address}　联系电话：{site.phone}</p>"
        f'<p><a href="https://beian.miit.gov.cn/" target="_blank">{site.icp}</a>　'
        f"政府网站标识码：{site.site_code}　"
        f'<a href="http://www.beian.gov.cn/" target="_blank">{site.police}</a></p>'
        f"<p>技术支持：{site.tech}　（建议您使用Chrome谷歌、360、搜狗等新版浏览器访问本网站）</p>"
        "</div>"
    )


def qr_widget() -> str:
    """Return the 扫一扫 QR widget markup."""
    return '<div class="article_qrcode"><div id="qrcode"></div><p>扫一扫在手机上查看当前页面</p></div>'


def tools_html() -> str:
    """Return the 打印本页 / 关闭窗口 / 返回顶部 bar."""
    return (
        '<div class="article_tools"><a href="javascript:window.print();">打印本页</a> '
        '<a href="javascript:window.close();">关闭窗口</a> <a href="#top">返回顶部</a></div>'
    )


def font_bar() -> str:
    """Return the 字号 大 中 小 bar."""
    return (
        '<span class="font_size">字号：<a href="javascript:doZoom(18);">大</a> '
        '<a href="javascript:doZoom(16);">中</a> <a href="javascript:doZoom(14);">小</a></span>'
    )


def head_meta(site: SiteInfo, doc: Document, column: str, pub_time: str | None) -> str:
    """Return the TRS-style head metadata (PubDate only when a date is known)."""
    metas = [
        f'<meta name="SiteName" content="{site.name}">',
        f'<meta name="ColumnName" content="{column}">',
        f'<meta name="ArticleTitle" content="{escape(doc.title)}">',
    ]
    if pub_time:
        metas.append(f'<meta name="PubDate" content="{pub_time}">')
    metas.append(f'<meta name="ContentSource" content="{escape(doc.source)}">')
    return "\n".join(metas)


def iso(day: date | None) -> str:
    """Format a date as YYYY-MM-DD (empty when unknown)."""
    return day.isoformat() if day else ""


def simple_page(site: SiteInfo, title: str, inner: str, charset: str = "utf-8") -> str:
    """Return a plain site page (home, 政府信息公开, stub columns)."""
    return (
        f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="{charset}">'
        f"<title>{escape(title)}</title></head><body>{inner}{footer_html(site)}</body></html>"
    )
