"""`python -m indexer extract` run as a subprocess on saved samples."""

import json
import subprocess
import sys
from pathlib import Path

from sample_files import PINGTAN, PORTAL_PAGES, SAMPLES

PROJECT = Path(__file__).resolve().parents[2]


def run_extract(*args: str) -> subprocess.CompletedProcess:
    """Run the extract sub-command from the project root."""
    return subprocess.run(
        [sys.executable, "-m", "indexer", "extract", *args], cwd=PROJECT, capture_output=True, text=True, timeout=120
    )


def test_extract_txt_and_pingtan_page():
    result = run_extract(str(SAMPLES / "lvyuan-minzheng-2020.txt"), str(PINGTAN / "80576.html"))
    assert result.returncode == 0, result.stderr
    lvyuan, pingtan = (json.loads(line) for line in result.stdout.splitlines())
    assert (lvyuan["is_report"], lvyuan["agency"], lvyuan["published"]) == (True, "长春市绿园区民政局", "2021-01-14")
    assert (pingtan["report_year"], pingtan["format"], pingtan["province"]) == (2019, "2019", "福建省")
    assert "六、其他需要报告的事项" in pingtan["text"]


def test_extract_with_url():
    url = "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202403/t20240308_87885.htm"
    result = run_extract(str(PINGTAN / "87885.html"), "--url", url)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["url"] == url


def test_non_report_is_reported_not_failed():
    result = run_extract(str(PORTAL_PAGES / "gansu-fgw-detail.html"))
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["is_report"] is False and answer["reason"]


def test_unreadable_input_fails_with_message(tmp_path):
    bad = tmp_path / "bad.html"
    bad.write_bytes(b"\x81\x30\xff\x00" * 50)
    result = run_extract(str(bad), str(SAMPLES / "saihan-minzheng-2019.txt"))
    assert result.returncode != 0
    assert "bad.html" in result.stderr and "unreadable" in result.stderr
    assert json.loads(result.stdout)["agency"] == "赛罕区民政局"  # the readable file is still printed


def test_missing_file_fails(tmp_path):
    result = run_extract(str(tmp_path / "nope.txt"))
    assert result.returncode != 0 and "nope.txt" in result.stderr
