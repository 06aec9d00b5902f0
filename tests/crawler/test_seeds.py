"""Seed files: both formats, `{portal}` substitution, and clear errors on bad rows."""

from datetime import date
from pathlib import Path

import pytest
from crawl_helpers import ROOT

from crawler.errors import SeedError
from crawler.seeds import apply_portal, load_seeds

PORTAL = "http://127.0.0.1:8765"


def write(tmp_path: Path, name: str, text: str) -> Path:
    """Write a seed file and return its path."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_sample_portal_yaml_has_its_sites():
    seeds = load_seeds(ROOT / "seeds" / "sample_portal.yaml", portal=PORTAL)
    assert [s.name for s in seeds][:4] == ["saihan", "lvyuan", "lingwu", "pingtan"]
    assert {"ptgov", "ptmap", "ptsearch"} <= {s.name for s in seeds}  # issue 12: departments, sitemap, site search
    assert seeds[0].start_url == "http://127.0.0.1:8765/saihan/index.html"
    assert seeds[3].start_url == "http://127.0.0.1:8765/pingtan/index.htm"
    assert seeds[3].site_root == "http://127.0.0.1:8765/pingtan/"
    assert seeds[2].region == {"province": "宁夏回族自治区", "city": "银川市", "county": "灵武市"}
    assert all(s.allowed_domains == ("127.0.0.1",) for s in seeds)


def test_csv_and_yaml_sample_seeds_agree():
    yaml_seeds = load_seeds(ROOT / "seeds" / "sample_portal.yaml", portal=PORTAL)
    csv_seeds = load_seeds(ROOT / "seeds" / "sample_portal.csv", portal=PORTAL)
    assert [(s.name, s.start_url, s.allowed_domains, s.region, s.site_code) for s in csv_seeds] == [
        (s.name, s.start_url, s.allowed_domains, s.region, s.site_code) for s in yaml_seeds
    ]


def test_real_portals_cover_31_provinces():
    seeds = load_seeds(ROOT / "seeds" / "real_portals.yaml")
    provinces = {s.region["province"] for s in seeds}
    assert len(provinces) == 31
    names = {s.name for s in seeds}
    assert {"beijing", "tianjin", "hebei", "pingtan", "xinjiang"} <= names
    assert all("{portal}" not in s.start_url and s.start_url.startswith("http") for s in seeds)
    assert all(s.allows(s.start_url) for s in seeds)


def test_portal_host_is_allowed_when_substituted():
    seed = load_seeds(ROOT / "seeds" / "sample_portal.yaml", portal="http://localhost:9000/")[0]
    assert seed.start_url == "http://localhost:9000/saihan/index.html"
    assert seed.allowed_domains == ("127.0.0.1", "localhost")
    assert apply_portal(seed, None) is seed  # nothing left to replace


def test_allows_checks_host_and_subdomains_not_port():
    seed = load_seeds(ROOT / "seeds" / "real_portals.yaml")[0]
    assert seed.allows("https://www.beijing.gov.cn/zhengce/")
    assert seed.allows("http://fgw.beijing.gov.cn:8080/x.html")
    assert not seed.allows("https://www.notbeijing.gov.cn/")
    assert not seed.allows("https://www.tj.gov.cn/")


def test_csv_with_semicolon_domains(tmp_path):
    path = write(
        tmp_path,
        "s.csv",
        "name,start_url,allowed_domains,province\nx,https://www.x.gov.cn/,x.gov.cn; y.gov.cn,福建省\n",
    )
    (seed,) = load_seeds(path)
    assert seed.allowed_domains == ("x.gov.cn", "y.gov.cn")
    assert seed.region == {"province": "福建省"} and seed.notes is None


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("a.yaml", "- {name: a, start_url: 'ftp://x', allowed_domains: [x.cn]}\n", "row 1 (a): start_url 'ftp://x'"),
        (
            "b.yaml",
            "- {name: a, start_url: 'http://x.cn/', allowed_domains: [x.cn]}\n"
            "- {start_url: 'http://y.cn/', allowed_domains: [y.cn]}\n",
            "row 2: 'name' is missing",
        ),
        ("c.yaml", "- {name: a, start_url: 'http://x.cn/'}\n", "row 1 (a): 'allowed_domains' is missing"),
        ("d.yaml", "- {name: a, start_url: 'http://x.cn/', allowed_domains: ['http://x.cn']}\n", "bare host names"),
        (
            "e.yaml",
            "- {name: a, start_url: 'http://x.cn/', allowed_domains: [x.cn], regoin: {}}\n",
            "unknown field(s) regoin",
        ),
        (
            "f.yaml",
            "- {name: a, start_url: 'http://x.cn/', allowed_domains: [x.cn], region: {town: y}}\n",
            "unknown region key",
        ),
        ("g.yaml", "seeds: []\n", "non-empty list"),
        ("h.yaml", "- [a, b]\n", "expected a mapping"),
        ("i.yaml", "- {name: a, start_url: '{portal}/a/', allowed_domains: [x.cn]}\n", "pass -a portal=BASE_URL"),
        (
            "j.yaml",
            "- {name: a, start_url: 'http://x.cn/', allowed_domains: [x.cn]}\n"
            "- {name: a, start_url: 'http://y.cn/', allowed_domains: [y.cn]}\n",
            "used twice",
        ),
        ("k.yaml", "- {name: a\n", "not valid YAML"),
        ("l.csv", "name,start_url\na,http://x.cn/\n", "lacks column(s) allowed_domains"),
        ("m.csv", "name,start_url,allowed_domains\na,http://x.cn/,x.cn\nb,x.cn,x.cn\n", "row 2 (b): start_url 'x.cn'"),
    ],
)
def test_bad_seed_files_name_file_and_row(tmp_path, name, text, message):
    path = write(tmp_path, name, text)
    with pytest.raises(SeedError) as error:
        load_seeds(path)
    assert str(path) in str(error.value)
    assert message in str(error.value)


def test_missing_file(tmp_path):
    with pytest.raises(SeedError, match="not found"):
        load_seeds(tmp_path / "nope.yaml")


def test_column_and_search_overrides(tmp_path):
    path = write(
        tmp_path,
        "s.yaml",
        "- name: pt\n  start_url: '{portal}/pt/index.html'\n  allowed_domains: [127.0.0.1]\n"
        "  columns: ['{portal}/pt/bm/cz/zfxxgknb/', 'http://127.0.0.1/pt/bm/jy/zfxxgknb/index.html']\n"
        "  search_url: '{portal}/pt/search.html?searchword={query}'\n",
    )
    (seed,) = load_seeds(path, portal=PORTAL)
    assert seed.columns == (
        "http://127.0.0.1:8765/pt/bm/cz/zfxxgknb/",
        "http://127.0.0.1/pt/bm/jy/zfxxgknb/index.html",
    )
    assert seed.search_url == "http://127.0.0.1:8765/pt/search.html?searchword={query}"
    csv = write(
        tmp_path,
        "s.csv",
        "name,start_url,allowed_domains,columns\nx,http://a.cn/,a.cn,http://a.cn/n1/ http://a.cn/n2/\n",
    )
    assert load_seeds(csv)[0].columns == ("http://a.cn/n1/", "http://a.cn/n2/")
    assert load_seeds(csv)[0].search_url is None


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("  columns: ['/zfxxgknb/']\n", r"column '/zfxxgknb/' is not an http\(s\) URL"),
        ("  columns: {a: 1}\n", "'columns' must be a list of URLs"),
        ("  search_url: 'http://a.cn/search?q=x'\n", r"search_url .* must contain \{query\}"),
        ("  search_url: 'ftp://a.cn/s?q={query}'\n", r"search_url .* is not an http\(s\) URL"),
    ],
)
def test_bad_overrides_are_refused(tmp_path, row, message):
    path = write(tmp_path, "s.yaml", "- name: a\n  start_url: http://a.cn/\n  allowed_domains: [a.cn]\n" + row)
    with pytest.raises(SeedError, match=message):
        load_seeds(path)


def test_provenance_keys_site_code_source_verified(tmp_path):
    path = write(
        tmp_path,
        "s.yaml",
        "- {name: pt, start_url: 'https://www.pingtan.gov.cn/', allowed_domains: [pingtan.gov.cn],\n"
        "   site_code: 3590000001, source: 'https://www.pingtan.gov.cn/ footer', verified: 2026-12-06}\n"
        "- {name: edu, start_url: 'http://www.moe.gov.cn/', allowed_domains: [moe.gov.cn], site_code: BM05000001,\n"
        "   verified: false}\n"
        "- {name: sh, start_url: 'http://www.saihan.gov.cn/', allowed_domains: [saihan.gov.cn]}\n",
    )
    pingtan, moe, saihan = load_seeds(path)
    assert (pingtan.site_code, pingtan.source, pingtan.verified) == (
        "3590000001",
        "https://www.pingtan.gov.cn/ footer",
        date(2026, 12, 6),
    )
    assert (moe.site_code, moe.verified) == ("bm05000001", None)
    assert (saihan.site_code, saihan.source, saihan.verified) == (None, None, None)
    csv = write(
        tmp_path,
        "s.csv",
        "name,start_url,allowed_domains,site_code,source,verified\n"
        "sh,http://www.saihan.gov.cn/,saihan.gov.cn,1501050001,政府网站 footer,2026-12-06\n",
    )
    (row,) = load_seeds(csv)
    assert (row.site_code, row.source, row.verified) == ("1501050001", "政府网站 footer", date(2026, 12, 6))


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("  site_code: 350100001\n", "site_code '350100001' is not a 网站标识码"),  # nine digits
        ("  site_code: '35010000012'\n", "is not a 网站标识码"),
        ("  site_code: 'gd35010001'\n", "is not a 网站标识码"),
        ("  site_code: '３５９００００００１'\n", "is not a 网站标识码"),  # full-width digits
        ("  verified: true\n", "verified True must be false or an ISO date"),
        ("  verified: '6/12/2026'\n", "must be false or an ISO date"),
    ],
)
def test_bad_provenance_is_refused(tmp_path, row, message):
    path = write(tmp_path, "s.yaml", "- name: a\n  start_url: http://a.cn/\n  allowed_domains: [a.cn]\n" + row)
    with pytest.raises(SeedError, match=message):
        load_seeds(path)


def test_the_national_seed_list_loads_and_every_seed_names_its_source():
    seeds = load_seeds(ROOT / "seeds" / "real_portals.yaml")
    assert len(seeds) > 3000
    assert all(seed.source for seed in seeds)
    assert not any(seed.verified for seed in seeds)  # nothing was fetched from here: reports-seeds check does that
    assert len({seed.region.get("province") for seed in seeds}) == 31
    assert all(seed.allows(seed.start_url) for seed in seeds)
