"""Driving a running app from outside, as ``bench/`` and the tests do.

Requests are built from the callbacks' own declarations (``timeline.callbacks.view_controls``
and friends), so they carry the ids and argument order the app registered: a renamed id or a
new control changes them with it. Also: the Chromium processes a process tree owns, to prove
exports leak none.
"""

from __future__ import annotations

import base64
import json
import os
import time
from pathlib import Path

import requests
from dash import Input, State
from dash._grouping import flatten_grouping

from timeline import callbacks as cb
from timeline import ids
from timeline.contract import CSV_DOWNLOAD_PATH
from timeline.jobs import POLL_MS


def callback_request(outputs: dict, inputs: dict, values: dict, *, output_key: str = "") -> dict:
    """The body the page posts to /_dash-update-component for a callback.

    ``outputs`` and ``inputs`` are the callback's dependency dicts, ``values`` the same dict
    shape holding what each input and state has. ``output_key``: the output key the app lists
    (see ``callback_output``); by default the one Dash makes from ``outputs``.
    """
    flat_outputs = flatten_grouping(outputs)
    key = (
        output_key
        or ".."
        + "...".join(f"{o.component_id}.{o.component_property}" for o in flat_outputs)
        + ".."
    )
    pairs = list(zip(flatten_grouping(inputs), flatten_grouping(values, inputs), strict=True))

    def prop(dep, value) -> dict:
        return {"id": dep.component_id, "property": dep.component_property, "value": value}

    triggers = [d for d, _ in pairs if isinstance(d, Input)]
    return {
        "output": key,
        "outputs": [{"id": o.component_id, "property": o.component_property} for o in flat_outputs],
        "inputs": [prop(d, v) for d, v in pairs if isinstance(d, Input)],
        "changedPropIds": [f"{triggers[0].component_id}.{triggers[0].component_property}"],
        "state": [prop(d, v) for d, v in pairs if isinstance(d, State)],
    }


def view_values(themes, years, query: str = "", selected: str = "", **chosen) -> dict:
    """The view controls' values (``pins``, ``callouts``, ``zoom`` in ``chosen``)."""
    values = {"pins": [], "callouts": "auto", "zoom": [], **chosen}
    return {"themes": themes, "years": years, "query": query, "selected": selected, **values}


def update_view_payload(themes, years, query: str, selected: str = "", **chosen) -> dict:
    """A change of view, as the page sends it when a theme is (un)ticked."""
    values = view_values(themes, years, query, selected, **chosen)
    return callback_request(cb.view_outputs(), cb.view_inputs(), {"controls": values, "size": {}})


def export_payload(
    fmt: str, preset: str, themes, years, *, token: str, query="", scale=1, **chosen
) -> dict:
    """A click on "Export image" (``chosen``: other view controls and export options, such
    as ``width`` and ``height`` with ``preset="custom"``); ``token`` from ``app_token``."""
    options = {
        "fmt": fmt,
        "preset": preset,
        "width": chosen.pop("width", 1920),
        "height": chosen.pop("height", 1080),
        "scale": scale,
        "background": [],
        "style": chosen.pop("style", "light"),
        "title": chosen.pop("title", ""),
        "subtitle": chosen.pop("subtitle", ""),
    }
    from timeline.webapp import export_inputs

    inputs = export_inputs()
    values = {
        "clicks": 1,
        "token": token,
        "options": options,
        "controls": view_values(themes, years, query, **chosen),
    }
    return callback_request(cb.download_outputs(), inputs, values)


def csv_download(session: requests.Session, base_url: str, query: str = "") -> requests.Response:
    """GET the CSV download of the view ``query`` (``?themes=…&from=…``), as the page links it."""
    return session.get(f"{base_url}/{CSV_DOWNLOAD_PATH}{query}", timeout=120, stream=True)


def app_token(base_url: str) -> str:
    """The token the page hands to its export jobs (``ids.EXPORT_APP``)."""
    layout = requests.get(f"{base_url}/_dash-layout", timeout=30).json()
    found = _find_component(layout, ids.EXPORT_APP)
    if found is None:
        raise LookupError(f"no {ids.EXPORT_APP} in the page")
    return found["props"]["data"]


def _find_component(node, component_id: str):
    if isinstance(node, list):
        return next((f for n in node if (f := _find_component(n, component_id))), None)
    if not isinstance(node, dict):
        return None
    props = node.get("props", {})
    if props.get("id") == component_id:
        return node
    return _find_component(props.get("children"), component_id)


def run_job(
    session: requests.Session, base_url: str, payload: dict, *, timeout: float = 300, progress=None
) -> requests.Response:
    """A background callback (an export, a deck) followed to its end, as the page follows it:
    started, then asked again every ``jobs.POLL_MS`` until it answers. ``progress(words)``
    hears each progress report. Returns the last HTTP response (the answer, or an error)."""
    answer = post(session, base_url, payload, timeout=timeout)
    if answer.status_code != 200 or "cacheKey" not in answer.json():
        return answer
    return follow_job(session, base_url, payload, answer.json(), timeout=timeout, progress=progress)


def follow_job(
    session: requests.Session,
    base_url: str,
    payload: dict,
    handles: dict,
    *,
    timeout: float = 300,
    progress=None,
) -> requests.Response:
    """``run_job`` from a started job's ``handles`` (the first answer's cacheKey and job)."""
    params = {"cacheKey": handles["cacheKey"], "job": handles["job"]}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(POLL_MS / 1000)  # the page's own pace
        answer = session.post(
            f"{base_url}/_dash-update-component",
            params=params,
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
            timeout=timeout,
        )
        body = answer.json() if answer.status_code == 200 and answer.content else {}
        for words in (body.get("progress") or {}).values():
            if progress and words:
                progress(words)
        if answer.status_code != 200 or "response" in body:
            return answer
    raise TimeoutError(f"no answer from the job in {timeout:g} s")


def status_text(response: requests.Response) -> str:
    """The words a download callback put in its status line (``ids.EXPORT_STATUS`` or the
    deck's), as the page shows them."""
    for key, props in response.json()["response"].items():
        if key in (ids.EXPORT_STATUS, ids.STORY_DECK_STATUS):
            children = props.get("children") or {}
            return str(children.get("props", {}).get("children", ""))
    return ""


def callback_output(base_url: str, trigger: str) -> str:
    """The output key of the callback fired by ``trigger`` ("component.prop"), as the app lists it.

    Callbacks that share an output carry a hash in the key, so it is read, not rebuilt.
    """
    deps = requests.get(f"{base_url}/_dash-dependencies", timeout=30).json()
    for dep in deps:
        if any(f"{i['id']}.{i['property']}" == trigger for i in dep["inputs"]):
            return dep["output"]
    raise LookupError(f"no callback is triggered by {trigger}")


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
    sent = response.json()["response"].get(ids.DOWNLOAD)
    data = next(iter(sent.values())) if sent else None
    if not data:
        return None
    content = data["content"]
    raw = base64.b64decode(content) if data.get("base64") else content.encode()
    return data["filename"], raw


def chromium_processes(root: int | None = None) -> list[int]:
    """Pids of Chromium processes descended from ``root`` (this process by default)."""
    root = os.getpid() if root is None else root
    table = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            info = _ppid_and_name(int(entry.name))
            if info:
                table[int(entry.name)] = info
    found = []
    for pid, (_, cmd) in table.items():
        if "chrom" not in os.path.basename(cmd):
            continue
        seen, parent = set(), pid
        while parent in table and parent not in seen and parent != root:
            seen.add(parent)
            parent = table[parent][0]
        if parent == root:
            found.append(pid)
    return found


def _ppid_and_name(pid: int) -> tuple[int, str] | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].decode(errors="replace")
    except OSError:
        return None
    ppid = int(stat.rsplit(")", 1)[1].split()[1])
    return ppid, cmd
