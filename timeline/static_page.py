"""A Dash layout as static HTML: the page as it will stand, before any script has run.

Only ``dash.html`` components are written out, with their classes, styles, roles and texts, so
the browser's CSS places them exactly where React will; other components (stores, inputs,
sliders, the graph) are left out unless ``inner`` gives markup for them. Nothing here responds
to a click: buttons are written disabled, and no element keeps its id (the live page, built
beside this one, owns the ids).
"""

from __future__ import annotations

import html
import re

from dash.development.base_component import Component

HTML_NAMESPACE = "dash_html_components"
# Dash prop -> HTML attribute, for the props that affect what is seen or read.
_ATTRIBUTES = {
    "className": "class",
    "role": "role",
    "title": "title",
    "hidden": "hidden",
    "href": "href",
    "target": "target",
    "rel": "rel",
    "lang": "lang",
    "open": "open",
}
_VOID = {"img", "br", "hr", "input", "meta", "link", "wbr"}
# CSS properties React writes without a unit when given a number.
_UNITLESS = {"opacity", "zIndex", "flex", "flexGrow", "flexShrink", "fontWeight", "lineHeight"}
_SAFE_HREF = re.compile(r"^(https?://|/|#)", re.I)


def static_html(node, *, inner: dict[str, str], hints: dict[str, str]) -> str:
    """``node`` (a component tree) as HTML.

    ``inner``: markup by component id, put in place of that component's children (an html
    component) or of the component itself (any other). ``hints``: for an element with that
    class, a short text in place of its children (parts that cannot work without scripts).
    """
    if node is None or isinstance(node, bool):
        return ""
    if isinstance(node, str | int | float):
        return html.escape(str(node))
    if isinstance(node, list | tuple):
        return "".join(static_html(child, inner=inner, hints=hints) for child in node)
    if not isinstance(node, Component):
        return ""
    node_id = getattr(node, "id", None)
    if node._namespace != HTML_NAMESPACE:
        return inner.get(node_id, "") if isinstance(node_id, str) else ""
    tag = node._type.lower()
    open_tag = f"<{tag}{_attributes(node)}>"
    if tag in _VOID:
        return open_tag
    classes = (getattr(node, "className", None) or "").split()
    hint = next((hints[c] for c in classes if c in hints), None)
    if isinstance(node_id, str) and node_id in inner:
        body = inner[node_id]
    elif hint is not None:
        body = f'<p class="hint">{html.escape(hint)}</p>'
    else:
        body = static_html(getattr(node, "children", None), inner=inner, hints=hints)
    return f"{open_tag}{body}</{tag}>"


def _attributes(node: Component) -> str:
    # The props given, as the component holds them (to_plotly_json costs 20 times more).
    props = {k: v for k, v in vars(node).items() if not k.startswith("_")}
    pairs = []
    for prop, value in props.items():
        name = _ATTRIBUTES.get(prop) or (prop if prop.startswith(("aria-", "data-")) else None)
        if name is None or value is None or value is False:
            continue
        if name == "href" and not _SAFE_HREF.match(str(value)):
            continue
        pairs.append(name if value is True else f'{name}="{html.escape(str(value))}"')
    if props.get("style"):
        pairs.append(f'style="{html.escape(_css(props["style"]))}"')
    if node._type == "Button":
        pairs.append("disabled")
    return "".join(f" {pair}" for pair in pairs)


def _css(style: dict) -> str:
    def value(prop: str, v) -> str:
        if isinstance(v, int | float) and not isinstance(v, bool) and prop not in _UNITLESS:
            return f"{v}px"
        return str(v)

    kebab = lambda prop: re.sub(r"[A-Z]", lambda m: "-" + m.group().lower(), prop)  # noqa: E731
    return "; ".join(f"{kebab(p)}: {value(p, v)}" for p, v in style.items())
