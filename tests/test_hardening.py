"""Issue 15: one user cannot hurt the others, and nothing fails silently.

Each test here failed before its fix: request size, gunicorn on bad data, images too large to
draw, CSV downloads, metadata types, headers and hosts, malformed requests, file modes and names.
"""

import json
import logging
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from dash._utils import split_callback_id
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from timeline import ids
from timeline.data import COLUMNS
from timeline.guard import DEFAULT_MAX_REQUEST_BYTES, GuardConfig
from timeline.probe import update_view_payload

DISPATCH = "/_dash-update-component"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def app(dataset, engine):
    from timeline.webapp import create_app

    return create_app(dataset, engine)


@pytest.fixture
def client(app):
    return app.server.test_client()


def _post_text(client, text: str):
    return client.post(DISPATCH, data=text, content_type="application/json")


# 1. Request size.


def test_an_oversized_body_is_refused_with_413_before_it_is_read(client, caplog):
    payload = update_view_payload(["security"], [1947, 2022], "x" * DEFAULT_MAX_REQUEST_BYTES)
    with caplog.at_level(logging.WARNING, logger="timeline.guard"):
        answer = _post_text(client, json.dumps(payload))
    assert answer.status_code == 413
    assert [r.getMessage()[:4] for r in caplog.records] == ["413 "]
    # An ordinary request still works.
    ordinary = update_view_payload(["china"], [1947, 2022], "")
    assert client.post(DISPATCH, json=ordinary).status_code == 200


def test_the_body_limit_is_configurable():
    assert GuardConfig.from_env({}).max_request_bytes == 1024**2
    assert GuardConfig.from_env({"TIMELINE_MAX_REQUEST_BYTES": "4096"}).max_request_bytes == 4096
    with pytest.raises(ValueError, match="TIMELINE_MAX_REQUEST_BYTES='1 MB': expected a number"):
        GuardConfig.from_env({"TIMELINE_MAX_REQUEST_BYTES": "1 MB"})


# 7. Headers and hosts.


def test_every_answer_carries_the_security_headers(client, app):
    for path in ("/", "/_dash-layout", "/assets/style.css"):
        headers = client.get(path).headers
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "no-referrer", path
        policy = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy, path
        assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
        assert all(h in policy for h in app.csp_hashes())


def test_frame_ancestors_and_hosts_are_configurable():
    config = GuardConfig.from_env(
        {"TIMELINE_FRAME_ANCESTORS": "https://intranet.example", "TIMELINE_ALLOWED_HOSTS": "a.b, c"}
    )
    assert config.frame_ancestors == "https://intranet.example"
    assert config.allowed_hosts == ("127.0.0.1", "localhost", "a.b", "c")
    assert GuardConfig.from_env({"TIMELINE_ALLOWED_HOSTS": "*"}).allowed_hosts is None


def test_only_loopback_host_names_are_served_by_default(client):
    assert client.get("/", headers={"Host": "127.0.0.1:8050"}).status_code == 200
    assert client.get("/", headers={"Host": "localhost:8050"}).status_code == 200
    # What a DNS-rebinding page's requests carry: its own name, resolved to 127.0.0.1.
    answer = client.get("/", headers={"Host": "attacker.example:8050"})
    assert answer.status_code == 400
    assert b"attacker.example" in answer.data and b"<html" not in answer.data


# 8. Malformed requests: 400 and one line in the log, never a traceback.


def _bad_requests(app) -> dict[str, str]:
    good = update_view_payload(["china"], [1947, 2022], "")
    text = json.dumps(good)
    return {
        "not JSON": "{",
        "missing keys": json.dumps({"output": good["output"]}),
        "unknown output": json.dumps({**good, "output": "nothing.children"}),
        "wrong inputs": json.dumps({**good, "inputs": good["inputs"][:2]}),
        "wrong outputs": json.dumps({**good, "outputs": good["outputs"][:1]}),
        "100k-deep JSON": "[" * 100_000 + "]" * 100_000,
        "deep value": text.replace('"china"', "[" * 200 + "1" + "]" * 200),
        "width NaN": text.replace("1947", "NaN"),
        "Infinity": text.replace("2022", "Infinity"),
        "clientside callback": json.dumps(
            {**good, "output": next(k for k, v in app.callback_map.items() if "callback" not in v)}
        ),
    }


def test_malformed_callback_requests_get_400_and_one_log_line(app, client, caplog):
    for name, body in _bad_requests(app).items():
        caplog.clear()
        with caplog.at_level(logging.INFO):
            answer = _post_text(client, body)
        assert answer.status_code == 400, name
        assert b"Traceback" not in answer.data, name
        lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert len(lines) == 1 and "\n" not in lines[0].getMessage(), (name, lines)
        assert not any(r.exc_info for r in caplog.records), name


HOSTILE_VALUES = [
    None,
    "x" * 20_000,
    10**30,
    -1.5,
    True,
    [],
    [None, {"a": 1}],
    ["a"] * 1000,
    {"slug": ["not", "a", "slug"], "step": "1", "playing": True},
    {"points": [{"customdata": ["x"]}], "xaxis.range": [{"a": 1}, 2]},
    [{"id": ["x"]}],
]


@pytest.mark.parametrize("value", HOSTILE_VALUES, ids=lambda v: repr(v)[:20])
def test_any_value_in_any_callback_input_is_answered_without_a_500(app, client, value):
    """What the browser echoes back (stores, the chart's click and zoom data) can be anything."""
    for output, declared in app.callback_map.items():
        if "callback" not in declared:
            continue  # runs in the browser

        def sent(dep):
            return {"id": dep["id"], "property": dep["property"], "value": value}

        first = declared["inputs"][0]
        body = {
            "output": output,
            "outputs": split_callback_id(output),
            "inputs": [sent(d) for d in declared["inputs"]],
            "state": [sent(d) for d in declared.get("state", [])],
            "changedPropIds": [f"{first['id']}.{first['property']}"],
        }
        answer = client.post(DISPATCH, json=body)
        assert answer.status_code in (200, 204), (output, answer.data[:300])


def test_an_ordinary_view_change_passes_the_checks(client, dataset):
    answer = client.post(DISPATCH, json=update_view_payload(["nuclear"], [1947, 2022], ""))
    assert answer.status_code == 200
    rows = answer.get_json()["response"][ids.GRID_ROWS]["data"]
    assert rows and all("Nuclear" in r["themes"] for r in rows)


COLLECT_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
    e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
"""


@pytest.mark.browser
def test_the_page_runs_under_its_content_security_policy(page, live_app):
    from page_names import S

    page.add_init_script(COLLECT_VIOLATIONS)
    answer = page.goto(live_app.url + "/?themes=security,afghanistan&event=2011-salala-incident")
    assert "script-src 'self' 'sha256-" in answer.headers["content-security-policy"]
    page.wait_for_selector(S("#$CHART .scatterlayer .point"), state="attached", timeout=30_000)
    page.wait_for_selector(S("#$DETAIL .event-title"), timeout=30_000)
    page.click(S("#$PIN_BUTTON"))
    page.wait_for_function("() => location.search.includes('pins=')", timeout=10_000)
    # The CSV link follows the view, and the server streams the file.
    page.wait_for_function(
        S("() => document.getElementById('$EXPORT_CSV').href.includes('themes=security')")
    )
    with page.expect_download() as caught:
        page.click(S("#$EXPORT_CSV"))
    download = caught.value
    assert download.suggested_filename == "pakistan-us_security-afghanistan.csv"
    assert "2011-salala-incident" in Path(download.path()).read_text(encoding="utf-8")
    assert page.evaluate("window.__violations") == []
    assert page.console_errors == []


# 2. gunicorn on bad data.


def test_the_readmes_gunicorn_command_stops_at_once_on_bad_data():
    """The documented command, as written, with a broken file: one readable message, exit != 0."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = re.search(r"^TIMELINE_DATA=\S+ (\.venv/bin/)gunicorn .*app:server$", readme, re.M)
    assert command, "the README documents a gunicorn command"
    from conftest import free_port

    bad = ROOT / "tests" / "bad_csv" / "impossible_date.csv"
    line = command.group(0).replace(command.group(1), str(Path(sys.executable).parent) + "/")
    line = re.sub(r"^TIMELINE_DATA=\S+", f"TIMELINE_DATA={bad}", line)
    line = re.sub(r"127\.0\.0\.1:\d+", f"127.0.0.1:{free_port()}", line)
    # Before the fix gunicorn booted a new worker every second, forever: this timed out.
    done = subprocess.run(
        ["bash", "-c", line], cwd=ROOT, capture_output=True, text=True, timeout=180
    )
    assert done.returncode != 0
    assert f"{bad}:2: column 'start': '2011-02-30' — no such day in that month" in done.stderr
    assert "Traceback" not in done.stderr


# 3. Images too large for the browser; files checked before they are reported saved.

TOO_BIG = "largest image allowed is 67,108,864 pixels (width × height × scale²), 2048×2048 at 4×"


def test_the_cli_refuses_an_image_past_the_pixel_budget(tmp_path):
    from click.testing import CliRunner

    from timeline.cli import cli

    out = tmp_path / "big.png"
    args = ["export", "--width", "8000", "--height", "8000", "--scale", "4", "-o", str(out)]
    result = CliRunner().invoke(cli, args)
    # Before: exit 0 and "wrote big.png (3 bytes)".
    assert result.exit_code == 2, result.output
    assert TOO_BIG in result.output
    assert "wrote" not in result.output and not out.exists()


def test_the_app_refuses_an_image_past_the_pixel_budget(dataset, engine):
    from timeline.callbacks import export_image
    from timeline.probe import view_values

    options = {"fmt": "png", "preset": "custom", "width": 8000, "height": 8000, "scale": 4}
    result = export_image(dataset, engine, options, view_values(["china"], [1947, 2022]))
    # Before: "Saved pakistan-us.png (0 KB)" and a 3-byte download.
    assert "download" not in result
    assert TOO_BIG in result["status"].children


def test_bytes_that_are_not_the_format_asked_for_are_never_reported_saved(
    dataset, engine, monkeypatch
):
    from timeline.export import ExportError, ImageSpec
    from timeline.filters import EventFilter
    from timeline.views import export_view

    # With the budget lifted, Chromium is asked for more than it can draw: it returns 3 bytes.
    monkeypatch.setenv("TIMELINE_MAX_PIXELS", str(10**9))
    spec = ImageSpec.build("png", width=5000, height=5000, scale=4)
    with pytest.raises(ExportError, match="returned 3 bytes that are not a PNG file"):
        export_view(dataset, EventFilter(("china",)), spec, engine)
    data, _ = export_view(dataset, EventFilter(("china",)), ImageSpec.build("png"), engine)
    assert data.startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("fmt", "good"),
    [
        ("png", b"\x89PNG\r\n\x1a\n..."),
        ("pdf", b"%PDF-1.7 ..."),
        ("svg", b'<svg xmlns="http://www.w3.org/2000/svg">'),
        ("html", b"<html><head>"),
    ],
)
def test_each_format_is_recognised_by_its_signature(fmt, good):
    from timeline.export import ExportError, check_signature

    assert check_signature(good, fmt) == good
    for bad in (b"", b"u\xabZ", b"<html>" if fmt != "html" else b"%PDF-"):
        with pytest.raises(ExportError, match=f"not a {fmt.upper()} file"):
            check_signature(bad, fmt)


# 6. Metadata of the wrong type.

GOOD_ROW = "a,event,2011-05-02,,A raid,What happened.,security,-10,3,,,,Reuters,"


def _toml_beside(write_csv, toml: str) -> Path:
    csv = write_csv(GOOD_ROW)
    csv.with_suffix(".toml").write_text(toml, encoding="utf-8")
    return csv


def test_metadata_of_the_wrong_type_fails_validation_with_exit_2(write_csv):
    from click.testing import CliRunner

    from timeline.cli import cli

    csv = _toml_beside(
        write_csv,
        '[dataset]\ntitle = "T"\n\n[source]\ntitle = "An article"\nauthor = 5\nurl = 5\n'
        'date = "2021-13"\n',
    )
    result = CliRunner().invoke(cli, ["validate", str(csv)])
    # Before: "OK", then export and the app died with a traceback.
    assert result.exit_code == 2, result.output
    toml = csv.with_suffix(".toml")
    assert f"{toml}: 3 problems found" in result.output
    assert f"{toml}:6: [source] author = 5 — expected text in quotes" in result.output
    assert f"{toml}:7: [source] url = 5 — expected an http(s) link in quotes" in result.output
    assert f'{toml}:8: [source] date = "2021-13" — expected a date' in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[dataset]\ntitle = 5\n", ":2: [dataset] title = 5 — expected text in quotes"),
        ('[dataset]\ncountries = "Pakistan"\n', ':2: [dataset] countries = "Pakistan" — expected'),
        ("[source]\ndate = 2021-09-02T10:00:00\n", ":2: [source] date = 2021-09-02T10:00:00"),
        ('[cited]\nwritten_before = "2021-02-30"\n', ':2: [cited] written_before = "2021-02-30"'),
        ('[source]\nurl = "javascript:alert(1)"\n', ':2: [source] url = "javascript:alert(1)"'),
        ("[themes]\nsecurity = true\n", ":2: [themes] security = true — expected its label"),
        ('source = "x"\n', ':1: [source] = "x" — expected a [table]'),
    ],
)
def test_every_metadata_field_is_checked(write_csv, toml, message):
    from timeline.data import DataError, load_dataset

    csv = _toml_beside(write_csv, toml)
    with pytest.raises(DataError) as caught:
        load_dataset(csv)
    assert message in caught.value.message


def test_the_shipped_metadata_passes(dataset):
    assert dataset.info.source["author"] == "Brigadier Saleem Qamar Butt (Rtd)"


# 9. Files: the umask's mode, portable names.


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_written_files_follow_the_umask(tmp_path, umask, mode):
    from timeline.export import write_atomic

    old = os.umask(umask)
    try:
        target = write_atomic(tmp_path / "out" / "chart.svg", b"<svg/>")
    finally:
        os.umask(old)
    # Before: 0600 whatever the umask (mkstemp's mode survived the rename).
    assert stat.S_IMODE(target.stat().st_mode) == mode
    assert target.read_bytes() == b"<svg/>"
    assert [p.name for p in target.parent.iterdir()] == ["chart.svg"]


def test_an_uncertain_date_gives_a_portable_file_name(tmp_path):
    from click.testing import CliRunner

    from timeline.cli import cli

    args = ["export", "--from", "2001?", "--format", "html", "-o", f"{tmp_path}/"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    # Before: pakistan-us_2001?-end.html, a name Windows cannot hold.
    assert [p.name for p in tmp_path.iterdir()] == ["pakistan-us_2001-end.html"]


@given(
    themes=st.lists(st.sampled_from(["security", "china", "economy"]), max_size=3, unique=True),
    date_from=st.text(max_size=12),
    date_to=st.text(max_size=12),
    query=st.text(max_size=40),
)
@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_every_file_name_is_portable(dataset, themes, date_from, date_to, query):
    from timeline.filters import EventFilter, filter_slug

    stem = filter_slug(dataset, EventFilter(tuple(themes), date_from, date_to, query))
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,120}", stem), stem
    assert stem.upper() not in {"CON", "PRN", "AUX", "NUL"}


# 5. The CSV download: streamed, in flat memory.


@pytest.fixture(scope="module")
def many_rows(tmp_path_factory):
    """30,000 events whose text needs quoting and spreadsheet escaping."""
    from conftest import HEADER

    from timeline.data import load_dataset

    path = tmp_path_factory.mktemp("many") / "events.csv"
    rows = [
        f'e{i},event,{1950 + i % 70}-0{1 + i % 9}-1{i % 10},,"Event {i}, ""quoted""",'
        f'"=HYPERLINK(""x"") line\nbreak {i}",{("security", "china;economy")[i % 2]},'
        f"{(-5, 0, 3.4)[i % 3]},{1 + i % 3},,,,Reuters,\n"
        for i in range(30_000)
    ]
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return load_dataset(path)


def _stream(client, query: str) -> tuple[bytes, int, int]:
    """The body of a CSV download, its number of pieces, and the most memory Python held for it
    at once, beyond the pieces already received."""
    import tracemalloc

    tracemalloc.start()
    try:
        answer = client.get("/download/events.csv" + query, buffered=False)
        assert answer.is_streamed
        pieces, peak = [], 0
        for piece in answer.response:
            pieces.append(piece)
            peak = max(peak, tracemalloc.get_traced_memory()[0] - sum(map(len, pieces)))
    finally:
        tracemalloc.stop()
    return b"".join(pieces), len(pieces), peak


def test_the_csv_download_is_streamed_in_flat_memory(many_rows):
    import csv
    import io

    from timeline.export import ExportEngine
    from timeline.webapp import create_app

    engine = ExportEngine()
    client = create_app(many_rows, engine).server.test_client()
    # The app's export engine warms up in this process, building a figure of these 30,000
    # events: measured beside it, the download would be charged for that figure's memory.
    assert engine.warmed.wait(timeout=120)
    answer = client.get("/download/events.csv?themes=security&from=1950")
    assert answer.headers["Content-Disposition"] == (
        'attachment; filename="events_security_1950-end.csv"'
    )
    small, _, small_peak = _stream(client, "?to=1975")  # a piece and a half
    whole, pieces, whole_peak = _stream(client, "")
    # Before: built whole in the worker, then again as JSON. Now: a piece at a time.
    assert pieces > 3 and len(whole) > 2.5 * len(small)
    assert whole_peak < 1.5 * small_peak, (whole_peak, small_peak)
    rows = list(csv.DictReader(io.StringIO(whole.decode("utf-8"))))
    assert len(rows) == 30_000 and len({r["id"] for r in rows}) == 30_000
    first = rows[0]
    assert first["title"] == 'Event 0, "quoted"'
    assert first["summary"] == '\'=HYPERLINK("x") line\nbreak 0'
    assert (first["themes"], first["tone"], first["importance"]) == ("security", "-5", "1")


def test_the_csv_is_written_as_the_row_by_row_writer_wrote_it(dataset, many_rows):
    """Column by column, the same bytes as Python's csv module row by row."""
    import csv
    import io

    from timeline.export import _spreadsheet_safe, events_to_csv

    for events in (dataset.events, many_rows.events.iloc[:3000]):
        expected = io.StringIO()
        writer = csv.writer(expected, lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in events.itertuples(index=False):
            values = {
                **{c: getattr(row, c) for c in COLUMNS if c not in ("start", "end")},
                "start": row.start_text,
                "end": row.end_text,
                "themes": ";".join(row.themes),
                "tone": "" if row.tone != row.tone else f"{row.tone + 0.0:g}",
                "importance": str(row.importance),
            }
            writer.writerow([_spreadsheet_safe(values[c]) for c in COLUMNS])
        assert events_to_csv(events) == expected.getvalue()


def test_the_page_links_the_csv_of_the_view(dataset):
    from timeline.callbacks import render_view
    from timeline.probe import view_values

    view = render_view(dataset, view_values(["china"], [2001, 2021], "nuclear"))
    assert view["csv_href"] == "download/events.csv?themes=china&from=2001&to=2021&q=nuclear"
    assert render_view(dataset, view_values([], [1947, 2022]))["csv_href"] is None


def test_a_bad_server_setting_stops_the_start_with_a_clear_message(monkeypatch):
    from click.testing import CliRunner

    from timeline.cli import cli

    monkeypatch.setenv("TIMELINE_MAX_REQUEST_BYTES", "lots")
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code == 2
    assert "TIMELINE_MAX_REQUEST_BYTES='lots': expected a number of bytes" in result.output
    assert "Traceback" not in result.output


def test_serve_answers_requests_for_the_address_it_listens_on(monkeypatch):
    from click.testing import CliRunner
    from dash import Dash

    from timeline.cli import cli

    served = []
    monkeypatch.setattr(Dash, "run", lambda app, **options: served.append(app))
    monkeypatch.delenv("TIMELINE_ALLOWED_HOSTS", raising=False)
    result = CliRunner().invoke(cli, ["serve", "--host", "192.0.2.7"])
    assert result.exit_code == 0, result.output
    client = served[0].server.test_client()
    assert client.get("/", headers={"Host": "192.0.2.7:8050"}).status_code == 200
    assert client.get("/", headers={"Host": "other.example"}).status_code == 400
