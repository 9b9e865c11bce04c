"""Callback requests as the page sends them, for driving a running app without a browser.

Shapes copied from what Chromium posts to /_dash-update-component (see bench/load_bench.py).
"""

from __future__ import annotations

import base64
import json

import requests


def _prop(component: str, prop: str, value=None) -> dict:
    return {"id": component, "property": prop, "value": value}


def update_view_payload(themes, years, query: str, selected: str = "") -> dict:
    outputs = [
        ("timeline-chart", "figure"),
        ("event-rows", "data"),
        ("result-count", "children"),
        ("theme-filter", "options"),
        ("timeline-chart", "config"),
    ]
    return {
        "output": ".." + "...".join(f"{c}.{p}" for c, p in outputs) + "..",
        "outputs": [{"id": c, "property": p} for c, p in outputs],
        "inputs": [
            _prop("theme-filter", "value", themes),
            _prop("year-range", "value", years),
            _prop("text-search", "value", query),
            _prop("selected-event", "data", selected),
        ],
        "changedPropIds": ["theme-filter.value"],
        "state": [
            _prop("export-preset", "value", "slide-16x9"),
            _prop("export-width", "value", 1920),
            _prop("export-height", "value", 1080),
            _prop("export-scale", "value", 1),
            _prop("timeline-chart", "config", {}),
        ],
    }


def export_payload(fmt: str, preset: str, themes, years, query: str = "", scale: int = 1) -> dict:
    outputs = [("export-download", "data"), ("export-status", "children")]
    return {
        "output": ".." + "...".join(f"{c}.{p}" for c, p in outputs) + "..",
        "outputs": [{"id": c, "property": p} for c, p in outputs],
        "inputs": [_prop("export-button", "n_clicks", 1)],
        "changedPropIds": ["export-button.n_clicks"],
        "state": [
            _prop("export-format", "value", fmt),
            _prop("export-preset", "value", preset),
            _prop("export-width", "value", 1920),
            _prop("export-height", "value", 1080),
            _prop("export-scale", "value", scale),
            _prop("export-background", "value", []),
            _prop("theme-filter", "value", themes),
            _prop("year-range", "value", years),
            _prop("text-search", "value", query),
        ],
    }


def callback_output(base_url: str, trigger: str) -> str:
    """The output key of the callback fired by ``trigger`` ("component.prop"), as the app lists it.

    Callbacks that share an output carry a hash in the key, so it is read, not rebuilt.
    """
    deps = requests.get(f"{base_url}/_dash-dependencies", timeout=30).json()
    for dep in deps:
        if any(f"{i['id']}.{i['property']}" == trigger for i in dep["inputs"]):
            return dep["output"]
    raise LookupError(f"no callback is triggered by {trigger}")


def export_csv_payload(output: str, themes, years, query: str = "") -> dict:
    keys = output.strip(".").split("...")
    return {
        "output": output,
        "outputs": [{"id": k.split(".")[0], "property": k.split(".", 1)[1]} for k in keys],
        "inputs": [_prop("export-csv-button", "n_clicks", 1)],
        "changedPropIds": ["export-csv-button.n_clicks"],
        "state": [
            _prop("theme-filter", "value", themes),
            _prop("year-range", "value", years),
            _prop("text-search", "value", query),
        ],
    }


def post(session: requests.Session, base_url: str, payload: dict, timeout: float = 120):
    """POST one callback; return the HTTP response."""
    return session.post(
        f"{base_url}/_dash-update-component",
        data=json.dumps(payload),
        headers={"Content-Type": "application/json"},
        timeout=timeout,
    )


def downloaded_file(response: requests.Response) -> tuple[str, bytes] | None:
    """The (file name, bytes) a download callback answered with, or None."""
    data = next(iter(response.json()["response"]["export-download"].values()))
    if not data:
        return None
    content = data["content"]
    raw = base64.b64decode(content) if data.get("base64") else content.encode()
    return data["filename"], raw
