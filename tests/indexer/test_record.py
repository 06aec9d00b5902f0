"""build_record: report recognition, look-alike rejection, the record contract and bookkeeping."""

import datetime as dt
import hashlib
import json
import logging

import pytest

from indexer.errors import NotAReport, UnreadablePage
from indexer.fields.recognize import recognize_report
from indexer.record import build_record
from indexer.storage.revisions import HISTORY_FIELDS
from sample_files import PINGTAN, PORTAL_PAGES, SAMPLES, sample_files

ALL_REPORTS = sample_files(SAMPLES, "*.txt", at_least=3) + sample_files(PINGTAN, "8*.html", at_least=6)
REPORT_TEXT = (SAMPLES / "lingwu-minzheng-2024.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("平潭综合实验区2023年度政府信息公开工作年度报告", True),
        ("赛罕区民政局2019年政府信息公开工作年度报告", True),
        ("灵武市2024年政务公开工作年度报告", True),
        ("呼和浩特市教育局2020年度信息公开年报", True),
        ("赛罕区2019年政府信息公开工作要点", False),
        ("关于2019年政务公开工作要点落实情况的函", False),
        ("关于报送2020年政府信息公开工作年度报告的函", False),
        ("赛罕区2020年政府工作报告", False),
        ("赛罕区民政局2020年部门预算公开", False),
        ("赛罕区民政局2019年度部门决算公开", False),
        ("2019年度企业年报公示", False),
        ("企业2020年度报告公示信息", False),
        ("赛罕区2019年统计年报", False),
        ("关于做好2019年政府信息公开工作年度报告编制发布工作的通知", False),
        ("赛罕区政府信息公开指南", False),
        ("政府信息公开年度报告", False),  # no year
    ],
)
def test_recognize_titles(title, expected):
    assert recognize_report(title, REPORT_TEXT)[0] is expected


@pytest.mark.parametrize(
    ("title", "reason_part"),
    [
        ("赛罕区2019年政府信息公开工作要点", "工作要点"),
        ("关于2019年政务公开工作要点落实情况的函", "工作要点"),
        ("赛罕区2020年政府工作报告", "政府工作报告"),
        ("赛罕区民政局2020年部门预算公开", "预算"),
        ("2019年度企业年报公示", "企业年报"),
        ("赛罕区2019年统计年报", "统计年报"),
        ("赛罕区政府信息公开指南", "title does not name"),
    ],
)
def test_rejection_reason_is_clear(title, reason_part):
    assert reason_part in recognize_report(title, REPORT_TEXT)[1]


def test_report_title_needs_report_content():
    ok, reason = recognize_report("赛罕区2019年政府信息公开工作年度报告", "本页面正在维护，请稍后访问。" * 30)
    assert not ok and "structure" in reason


def test_untitled_text_needs_the_numbered_sections():
    assert recognize_report(None, REPORT_TEXT)[0]
    assert not recognize_report(None, "主动公开了一批文件，依申请公开办理了两件。" * 20)[0]


def test_list_title_names_the_report_when_the_page_title_does_not():
    page = (PINGTAN / "87885.html").read_text(encoding="utf-8")
    page = page.replace("平潭综合实验区2023年度政府信息公开工作年度报告", "文字版")
    with pytest.raises(NotAReport):
        build_record(page)
    record = build_record(page, list_title="平潭综合实验区2023年度政府信息公开工作年度报告")
    assert (record["title"], record["report_year"]) == ("平潭综合实验区2023年度政府信息公开工作年度报告", 2023)


@pytest.mark.parametrize("path", [PINGTAN / "list-index.html", PORTAL_PAGES / "gansu-fgw-detail.html"])
def test_non_reports_raise_not_a_report(path):
    with pytest.raises(NotAReport) as caught:
        build_record(path.read_bytes())
    assert caught.value.reason


def test_unreadable_input_raises():
    with pytest.raises(UnreadablePage):
        build_record(b"\x81\x30\xff\x00" * 50)


@pytest.mark.parametrize("path", ALL_REPORTS, ids=lambda p: p.name)
def test_records_validate_against_schema(path, record_validator):
    record = build_record(path.read_bytes(), fetched_at=dt.datetime(2026, 1, 2, 3, 4, 5))
    errors = [error.message for error in record_validator.iter_errors(record)]
    assert errors == []
    assert set(record_validator.schema["properties"]) - set(HISTORY_FIELDS) <= set(record)  # storage adds those


def test_bookkeeping_fields():
    data = (PINGTAN / "80613.html").read_bytes()
    record = build_record(data, url="HTTPS://WWW.Pingtan.gov.cn:443/zwgk/x.htm#top", fetched_at="2026-01-02T03:04:05")
    canonical = "https://www.pingtan.gov.cn/zwgk/x.htm"
    assert record["url"] == canonical and record["urls"] == [canonical]
    assert record["id"] == hashlib.sha1(canonical.encode()).hexdigest()[:16]
    assert record["content_hash"] == hashlib.sha256(record["text"].encode()).hexdigest()
    assert record["version"] == 1
    assert record["stats"] == json.loads((PINGTAN / "80613.gold.json").read_text(encoding="utf-8"))["stats"]
    assert (record["source_format"], record["fetched_at"]) == ("html", "2026-01-02T03:04:05")


def test_record_without_url_is_identified_by_its_content():
    record = build_record((SAMPLES / "saihan-minzheng-2019.txt").read_text(encoding="utf-8"))
    assert record["url"] == "" and record["urls"] == []
    assert record["id"] == hashlib.sha1(record["content_hash"].encode()).hexdigest()[:16]
    assert record["source_format"] == "txt"


def test_same_page_twice_gives_the_same_record():
    data = (PINGTAN / "80445.html").read_bytes()
    assert build_record(data, url="https://a.example/x.htm") == build_record(data, url="https://a.example/x.htm")


def test_gbk_encoded_page_gives_the_same_record():
    text = (PINGTAN / "87885.html").read_text(encoding="utf-8").replace('charset="utf-8"', 'charset="gb2312"')
    assert build_record(text.encode("gb18030"))["text"] == build_record(text)["text"]


def test_decisions_are_logged_at_debug_level_but_not_the_text(caplog):
    url = "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202302/t20230220_80613.htm"
    with caplog.at_level(logging.DEBUG, logger="indexer"):
        record = build_record((PINGTAN / "80613.html").read_bytes(), url=url)
        with pytest.raises(NotAReport):
            build_record((PORTAL_PAGES / "gansu-fgw-detail.html").read_bytes())
    logged = "\n".join(r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG)
    assert "read as html" in logged and "body: container" in logged
    assert f"{url}: report (annual report)" in logged and "not a report (look-alike: notice" in logged
    assert f"tables: format {record['format']} from the HTML tables" in logged
    assert all(line not in logged for line in record["text"].splitlines() if len(line) > 30)
