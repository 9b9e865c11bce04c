"""Selectors and page scripts for browser tests, with ids and keys from the one definition.

``S("#$CHART .point")`` puts in the ids of ``timeline.ids`` ($CHART), the meta keys
($META_VIEW), trace roles ($ROLE_EVENTS) and the pending class ($PENDING) of
``timeline.contract``, read when called: a rename there renames them here.
"""

from string import Template

from timeline import ids
from timeline.contract import META, PENDING_CLASS, ROLES


def S(text: str) -> str:
    names = {
        **ids.all_ids(),
        **{f"META_{k}": v for k, v in vars(META).items()},
        **{f"ROLE_{k}": v for k, v in vars(ROLES).items()},
        "PENDING": PENDING_CLASS,
    }
    return Template(text).substitute(names)


# The figure on screen draws the view in the address (its layout.meta names the view).
VIEW_DRAWN = """() => {
    const gd = document.querySelector('#$CHART .js-plotly-plot');
    const meta = gd && gd.layout && gd.layout.meta;
    return !!(meta && meta['$META_VIEW'] === location.search);
}"""
