"""A crawl run as numbers and text: per-portal counts from the stats, the status, the summary, progress, the live table."""

from __future__ import annotations

import io
import logging

import pytest

from crawler.progress import LiveTable, format_table, live_lines, progress_line, summary, summary_warnings
from crawler.run import final_status, new_run_id, portal_run, utc_now
from indexer.model import PortalRun, Run, RunStatus
from indexer.runs import run_totals, summarize

STATS = {
    "run/id": "20261206T053000Z-3f2a",
    "run/saihan/requests": 30,
    "run/saihan/pages": 29,
    "run/saihan/not_modified": 20,
    "run/saihan/reports_new": 2,
    "run/saihan/reports_changed": 1,
    "run/saihan/reports_unchanged": 19,
    "run/saihan/reports_withdrawn": 2,
    "run/saihan/reports_returned": 1,
    "run/saihan/failures/fetch_failed": 2,
    "run/saihan/failures/not_a_report": 1,
    "run/saihan/column_found": 1,
    "run/saihan/budget/list_pages": 1,
    "run/saihan2/requests": 99,  # another seed whose name starts the same
    "run/lvyuan/requests": 1,
    "run/lvyuan/pages": 1,
    "reports/stored": 22,
}


def a_run(portals: list[PortalRun], status: RunStatus = "finished") -> Run:
    """A finished run of these portals."""
    return {
        "id": "20261206T053000Z-3f2a",
        "started_at": "2026-12-06T05:30:00Z",
        "finished_at": "2026-12-06T06:31:02Z",
        "status": status,
        "seeds": "seeds/real_portals.yaml",
        "portals": portals,
    }


def test_portal_counts_come_from_the_stats_of_that_portal_only():
    assert portal_run(STATS, "saihan") == {
        "portal": "saihan",
        "requests": 30,
        "pages": 29,
        "not_modified": 20,
        "reports_new": 2,
        "reports_changed": 1,
        "reports_unchanged": 19,
        "reports_withdrawn": 2,
        "reports_returned": 1,
        "failures": {"fetch_failed": 2, "not_a_report": 1},
        "column_found": True,
        "budgets_exhausted": ["list_pages"],
    }
    quiet = portal_run(STATS, "lvyuan")
    assert (quiet["requests"], quiet["pages"], quiet["failures"], quiet["column_found"]) == (1, 1, {}, False)
    assert portal_run(STATS, "never")["requests"] == 0


@pytest.mark.parametrize(
    ("reason", "reached", "status"),
    [
        ("finished", True, "finished"),
        ("closespider_timeout", True, "finished"),
        ("finished", False, "failed"),
        ("shutdown", True, "interrupted"),
        ("cancelled", False, "interrupted"),
    ],
)
def test_status_from_close_reason_and_whether_any_page_was_fetched(reason, reached, status):
    assert final_status(reason, reached) == status


def test_run_ids_sort_by_start_time_and_differ():
    moment = utc_now()
    first, second = new_run_id(moment), new_run_id(moment)
    assert first[:16] == second[:16] == moment.strftime("%Y%m%dT%H%M%SZ")
    assert len({new_run_id(moment) for _ in range(20)}) > 1


def test_summary_table_one_row_per_portal_total_and_warnings():
    portals = [portal_run(STATS, "saihan"), portal_run(STATS, "lvyuan")]
    run = a_run(portals)
    warnings = summary_warnings(run, ["saihan", "lvyuan"], {"lvyuan": "http://lvyuan.example/index.html"})
    assert warnings == ["WARNING lvyuan: no 年报 column found from http://lvyuan.example/index.html"]
    assert summary(run, warnings).splitlines() == [
        "Run 20261206T053000Z-3f2a finished: seeds/real_portals.yaml, 2 portals, "
        "2026-12-06T05:30:00Z to 2026-12-06T06:31:02Z (1:01:02)",
        "portal  requests  pages  304  new  changed  unchanged  failures                        column  budgets",
        "saihan        30     29   20    2        1         19  fetch_failed 2, not_a_report 1  yes     list_pages",
        "lvyuan         1      1    0    0        0          0  -                               NO      -",
        "total         31     30   20    2        1         19  fetch_failed 2, not_a_report 1  1/2     list_pages",
        "saihan: 2 reports withdrawn, 1 returned",
        "WARNING lvyuan: no 年报 column found from http://lvyuan.example/index.html",
    ]


def test_a_seed_never_reached_and_a_failed_run_are_said_so():
    run = a_run([portal_run({}, "gone")], status="failed")
    assert summary_warnings(run, [], {"gone": "http://127.0.0.1:9/"}) == [
        "WARNING gone: start page http://127.0.0.1:9/ never fetched (see its failures)",
        "ERROR no page of any seed could be fetched: the run failed",
    ]


def test_run_summary_sums_portals_and_drops_their_rows():
    run = a_run([portal_run(STATS, "saihan"), portal_run(STATS, "lvyuan")])
    summarized = summarize(run)
    assert "portals" not in summarized and summarized["id"] == run["id"]
    assert summarized["totals"] == run_totals(run["portals"])
    assert summarized["totals"]["portals"] == 2 and summarized["totals"]["portals_without_column"] == 1
    assert summarized["totals"]["failures"] == {"fetch_failed": 2, "not_a_report": 1}


def test_column_routes_go_from_the_stats_to_the_portal_row_and_the_run_summary():
    route = {
        "column": "http://h/ptgov/bm/cz/zfxxgknb/index.html",
        "route": "home › 地方部门平台链接 › 财政局",
        "via": "binding",
    }
    stats = {**STATS, "run/saihan/columns": [route]}
    saihan, lvyuan = portal_run(stats, "saihan"), portal_run(stats, "lvyuan")
    assert saihan["columns"] == [route] and "columns" not in lvyuan  # type: ignore[typeddict-item]
    assert summarize(a_run([saihan, lvyuan]))["columns"] == {"saihan": [route]}
    assert summarize(a_run([portal_run(STATS, "saihan")]))["columns"] == {}  # runs saved before routes


def test_table_columns_align_with_chinese_text():
    lines = format_table(("portal", "n"), [("赛罕区", 5), ("lvyuan", 12)])
    assert lines == ["portal   n", "赛罕区   5", "lvyuan  12"]


def test_progress_line_says_every_count():
    assert progress_line(portal_run(STATS, "saihan")) == (
        "Progress saihan: requests 30, pages 29 (304: 20), reports 22 (new 2, changed 1, unchanged 19, "
        "withdrawn 2, returned 1), failures 3"
    )


def test_live_table_shows_the_most_recently_active_portals_first():
    run = a_run([portal_run(STATS, name) for name in ("saihan", "lvyuan", "lingwu")])
    lines = live_lines(run, ["lvyuan", "saihan"], "0:00:12")
    assert lines[0] == "Run 20261206T053000Z-3f2a: 3 portals, 0:00:12 (1 more not shown)"
    assert [line.split()[0] for line in lines[1:]] == ["portal", "lvyuan", "saihan", "total"]


def test_live_table_redraws_in_place_and_log_lines_scroll_above_it():
    terminal = io.StringIO()
    handler = logging.StreamHandler(terminal)
    table = LiveTable(terminal)
    table.capture([handler])
    table.show(["row 1", "row 2"])
    handler.emit(logging.LogRecord("x", logging.INFO, __file__, 1, "a log line", None, None))
    table.show(["row 3"])
    table.close()
    assert (
        terminal.getvalue()
        == (
            "row 1\nrow 2\n"
            "\x1b[2A\r\x1b[J" + "a log line\n" + "row 1\nrow 2\n"  # erased, the log line, the table again below it
            "\x1b[2A\r\x1b[J" + "row 3\n"
            "\x1b[1A\r\x1b[J"  # closing takes the table off the screen
        )
    )
    assert handler.stream is terminal  # the handler has its terminal back
