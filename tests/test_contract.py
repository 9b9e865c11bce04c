"""One contract with the browser: ids, meta keys, roles and sizes are defined once, in Python."""

import json
import re
from pathlib import Path

import pytest
import requests

from timeline import ids
from timeline.contract import (
    APP_CHART_HEIGHT,
    CONTRACT_ELEMENT,
    META,
    PENDING_CLASS,
    ROLES,
    STORY_CLASS,
    browser_contract,
)
from timeline.probe import post, update_view_payload
from timeline.webapp import create_app

ASSETS = Path(__file__).resolve().parent.parent / "timeline" / "assets"


def _page_contract(html: str) -> dict:
    found = re.search(
        rf'<script type="application/json" id="{CONTRACT_ELEMENT}">(.*?)</script>', html
    )
    assert found, "the page carries the contract"
    return json.loads(found.group(1))


def test_the_page_carries_the_contract(dataset, engine):
    page = create_app(dataset, engine).server.test_client().get("/").get_data(as_text=True)
    contract = _page_contract(page)
    assert contract == browser_contract()
    assert contract["ids"]["CHART"] == ids.CHART
    assert contract["meta"]["VIEW"] == META.VIEW
    assert contract["chart"]["height"] == APP_CHART_HEIGHT


def test_the_controls_script_spells_no_id():
    script = (ASSETS / "controls.js").read_text(encoding="utf-8")
    assert f"'{CONTRACT_ELEMENT}'" in script
    for value in ids.all_ids().values():
        assert f"'{value}'" not in script and f"#{value}" not in script, value


def test_the_page_script_spells_no_id_meta_key_or_role():
    script = (ASSETS / "clientside.js").read_text(encoding="utf-8")
    assert f"'{CONTRACT_ELEMENT}'" in script
    for value in [*ids.all_ids().values(), *vars(ROLES).values()]:
        assert f"'{value}'" not in script and f"#{value}" not in script, value
    for key in vars(META).values():
        assert f".meta.{key}" not in script, key
    assert PENDING_CLASS not in script
    assert STORY_CLASS not in script


def test_the_stylesheet_names_the_pending_class_and_no_size_python_owns():
    css = (ASSETS / "style.css").read_text(encoding="utf-8")
    assert f".{PENDING_CLASS} .chart-box" in css
    assert f".{STORY_CLASS} .workspace" in css
    assert f"{APP_CHART_HEIGHT}px" not in css
    assert "#" + ids.CHART not in css


@pytest.mark.browser
def test_a_rename_in_python_reaches_the_page_and_the_requests(monkeypatch, dataset, engine, page):
    from conftest import LiveServer

    monkeypatch.setattr(ids, "CHART", "renamed-chart")
    monkeypatch.setattr(ids, "CHART_FIGURE", "renamed-figure")
    monkeypatch.setattr(ids, "GRID_ROWS", "renamed-rows")
    monkeypatch.setattr(META, "VIEW", "renamed-view")
    server = LiveServer(create_app(dataset, engine))
    try:
        page.goto(server.url + "/?themes=china")
        page.wait_for_selector(
            "#renamed-chart .js-plotly-plot .scatterlayer .point", state="attached"
        )
        # The page script found the chart and the view under their new names: the link's view
        # is drawn and the page no longer dims it (well before its 15 s give-up).
        page.wait_for_function(
            f"() => !document.documentElement.classList.contains('{PENDING_CLASS}')",
            timeout=8_000,
        )
        meta = page.evaluate(
            "() => document.querySelector('#renamed-chart .js-plotly-plot').layout.meta"
        )
        assert meta["renamed-view"] == "?themes=china"
        assert "view" not in meta  # the old name is gone everywhere
        page.wait_for_selector(f"#{ids.GRID} .ag-row", timeout=20_000)
        assert page.console_errors == []
        with requests.Session() as session:
            answer = post(session, server.url, update_view_payload(["china"], None, ""))
        assert answer.status_code == 200, answer.text[:300]
        assert set(answer.json()["response"]) >= {"renamed-figure", "renamed-rows"}
    finally:
        server.stop()
