"""What the web server checks before any callback runs, and adds to every answer.

One user must not be able to hurt the others, and a request the page would never send is the
sender's fault, not a bug: it gets a 4xx answer and one line in the log, never a traceback.

- Request bodies are capped (Flask's ``MAX_CONTENT_LENGTH``: 413 before the body is read).
- Only the configured host names are served (Flask's ``TRUSTED_HOSTS``: 400 otherwise), so a
  DNS-rebinding page cannot reach a server on this machine.
- A callback request must be strict JSON (no ``NaN``), at most ``MAX_DEPTH`` deep, shaped as the
  page sends it, for a callback the app has, with the inputs that callback declares.
- Every answer carries ``nosniff``, a referrer policy and a Content-Security-Policy whose only
  inline scripts are the ones Dash itself hashes (``Dash.csp_hashes``).

``install(app)`` wires it all to a Dash app; ``GuardConfig.from_env()`` reads the settings.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
from dataclasses import dataclass

from dash import Dash
from dash._utils import split_callback_id
from flask import Response, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import BadRequest, HTTPException, SecurityError

log = logging.getLogger(__name__)

DEFAULT_MAX_REQUEST_BYTES = 1024**2  # the largest real callback is a few KB
# Werkzeug compares a trusted name up to its first colon, so an IPv6 literal cannot be listed.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost")
MAX_DEPTH = 64  # the page's deepest value (a figure's relayout data) is under 10 levels
DISPATCH = "_dash-update-component"


# The hashes of inline scripts this app adds to the page itself (first paint, page load).
INLINE_SCRIPTS = "timeline_inline_scripts"


def allow_inline_script(app: Dash, script: str) -> str:
    """Let the page run ``script`` (the text of an inline ``<script>`` element) under the CSP;
    returns the element. Call before the first request."""
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    app.server.extensions.setdefault(INLINE_SCRIPTS, []).append(f"'sha256-{digest}'")
    return f"<script>{script}</script>"


class SettingError(ValueError):
    """An environment setting that cannot be used, with what was expected."""


@dataclass(frozen=True)
class GuardConfig:
    """The server's limits; ``from_env`` reads them from TIMELINE_* variables."""

    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES
    allowed_hosts: tuple[str, ...] | None = LOOPBACK_HOSTS  # None: any host
    frame_ancestors: str = "'none'"

    @classmethod
    def from_env(cls, environ=None) -> GuardConfig:
        env = os.environ if environ is None else environ
        size = env.get("TIMELINE_MAX_REQUEST_BYTES", "").strip()
        if size and not (size.isdigit() and int(size) > 0):
            raise SettingError(f"TIMELINE_MAX_REQUEST_BYTES={size!r}: expected a number of bytes")
        hosts = [h.strip() for h in env.get("TIMELINE_ALLOWED_HOSTS", "").split(",") if h.strip()]
        return cls(
            max_request_bytes=int(size) if size else DEFAULT_MAX_REQUEST_BYTES,
            allowed_hosts=None if "*" in hosts else (*LOOPBACK_HOSTS, *hosts),
            frame_ancestors=env.get("TIMELINE_FRAME_ANCESTORS", "").strip() or "'none'",
        )


class StrictJSON(DefaultJSONProvider):
    """Flask's JSON, refusing what a browser's JSON.stringify never writes (NaN, Infinity) and
    nesting too deep to parse, so both become a 400 instead of an error deep in a callback."""

    def loads(self, s, **kwargs):
        def refuse(constant):
            raise ValueError(f"{constant} is not JSON")

        try:
            return json.loads(s, parse_constant=refuse, **kwargs)
        except RecursionError:
            raise ValueError("nested too deeply") from None


def install(app: Dash, config: GuardConfig | None = None) -> None:
    """Check every request to ``app`` and add the security headers to every answer."""
    config = config or GuardConfig.from_env()
    server = app.server
    server.config["MAX_CONTENT_LENGTH"] = config.max_request_bytes
    server.config["TRUSTED_HOSTS"] = list(config.allowed_hosts) if config.allowed_hosts else None
    server.json = StrictJSON(server)
    dispatch_path = app.config.routes_pathname_prefix + DISPATCH
    policy = _LazyPolicy(app, config.frame_ancestors)

    @server.before_request
    def check_callback_request():
        if request.method == "POST" and request.path == dispatch_path:
            problem = callback_request_problem(request.get_json(), app.callback_map)
            if problem:
                raise BadRequest(problem)
        return None

    @server.errorhandler(HTTPException)
    def answer_client_error(exc: HTTPException):
        if exc.code is not None and exc.code >= 500:
            return exc
        # Flask hides why JSON failed to parse behind a generic 400; the reason is its cause.
        cause = exc.__cause__ if isinstance(exc.__cause__, HTTPException) else exc
        reason = cause.description
        if isinstance(exc, SecurityError):
            reason += " The server's operator can add it to TIMELINE_ALLOWED_HOSTS."
        log.warning("%s %s %s: %s", exc.code, request.method, request.path[:200], reason)
        return Response(f"{exc.code} {exc.name}: {reason}\n", exc.code, mimetype="text/plain")

    @server.after_request
    def add_security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "no-referrer")
        headers.setdefault("Content-Security-Policy", policy.value())
        if config.frame_ancestors == "'none'":
            headers.setdefault("X-Frame-Options", "DENY")
        return response


class _LazyPolicy:
    """The Content-Security-Policy, made at the first answer: by then every callback, and so
    every inline script Dash adds to the page, is registered."""

    def __init__(self, app: Dash, frame_ancestors: str):
        self._app = app
        self._frame_ancestors = frame_ancestors
        self._value: str | None = None

    def value(self) -> str:
        if self._value is None:
            ours = self._app.server.extensions.get(INLINE_SCRIPTS, [])
            scripts = " ".join(["'self'", *self._app.csp_hashes(), *ours])
            self._value = "; ".join(
                [
                    "default-src 'self'",
                    f"script-src {scripts}",
                    # Dash components and Plotly set style attributes and add style elements.
                    "style-src 'self' 'unsafe-inline'",
                    "img-src 'self' data: blob:",
                    "font-src 'self' data:",
                    "connect-src 'self'",
                    "object-src 'none'",
                    "base-uri 'self'",
                    "form-action 'self'",
                    f"frame-ancestors {self._frame_ancestors}",
                ]
            )
        return self._value


def callback_request_problem(body, callback_map: dict) -> str | None:
    """What is wrong with a callback request ``body``, or None when the page could have sent it."""
    if not isinstance(body, dict):
        return "expected a JSON object"
    if _too_deep(body):
        return f"nested more than {MAX_DEPTH} levels deep"
    output = body.get("output")
    # Clientside callbacks are listed too, without a server function.
    if not isinstance(output, str) or "callback" not in callback_map.get(output, {}):
        return f"no server callback has the output {str(output)[:100]!r}"
    declared = callback_map[output]
    for key in ("inputs", "state"):
        problem = _dependencies_problem(key, body.get(key, []), declared.get(key, []))
        if problem:
            return problem
    problem = _outputs_problem(body.get("outputs"), output)
    if problem:
        return problem
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        return "'changedPropIds' must be a list of strings"
    return None


def _dependencies_problem(key: str, sent, declared: list) -> str | None:
    if not isinstance(sent, list) or len(sent) != len(declared):
        return f"{key!r} must list the callback's {len(declared)} {key}"
    for given, wanted in zip(sent, declared, strict=True):
        problem = _entry_problem(key, given, wanted)
        if problem:
            return problem
    return None


def _outputs_problem(sent, output: str) -> str | None:
    declared = split_callback_id(output)
    # One output is sent as an object, several as a list, as Dash declares them.
    if isinstance(declared, dict) != isinstance(sent, dict):
        return "'outputs' does not match the callback's outputs"
    sent, declared = ([sent], [declared]) if isinstance(declared, dict) else (sent, declared)
    if not isinstance(sent, list) or len(sent) != len(declared):
        return f"'outputs' must list the callback's {len(declared)} outputs"
    for given, wanted in zip(sent, declared, strict=True):
        problem = _entry_problem("outputs", given, wanted)
        if problem:
            return problem
    return None


def _entry_problem(key: str, given, wanted: dict) -> str | None:
    """What is wrong with one ``{id, property}`` entry the page sent for ``wanted``."""
    if _is_pattern(wanted):
        # A pattern-matching dependency: one entry or a list of them, with ids the page chose.
        entries = given if isinstance(given, list) else [given]
        if all(_is_prop(e) and isinstance(e["id"], dict) for e in entries):
            return None
        return f"each of {key!r} must be an object with an id and a property"
    if not _is_prop(given):
        return f"each of {key!r} must be an object with an id and a property"
    if _named(given) != _named(wanted):
        return f"{key!r} names {_named(given)[0]:.60}.{_named(given)[1]:.40}, not the callback's"
    return None


def _is_pattern(dependency: dict) -> bool:
    component = dependency.get("id")
    return isinstance(component, dict) or (isinstance(component, str) and component[:1] == "{")


def _is_prop(entry) -> bool:
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("id"), str | dict)
        and isinstance(entry.get("property"), str)
    )


def _named(entry: dict) -> tuple[str, str]:
    # An output shared by several callbacks carries "@<hash>" after its property.
    return str(entry["id"]), entry["property"].split("@", 1)[0]


def _too_deep(value) -> bool:
    # Iterative, so a deep value cannot exhaust Python's stack here either.
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return False
