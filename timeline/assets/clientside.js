// Callbacks that run in the browser, registered in timeline/webapp.py (register_clientside).

// Ids, trace roles, meta keys and sizes come from Python (timeline/contract.py,
// browser_contract), put in the page as JSON by timeline/webapp.py: none is spelled here.
const CONTRACT = JSON.parse(document.getElementById('timeline-contract').textContent);
const IDS = CONTRACT.ids;
const META = CONTRACT.meta;

// The page arrives drawing the default view. A link with a view in it (?themes=…) dims the
// chart and list until that view has been drawn (showView), so nobody reads the wrong one.
if (window.location.search.length > 1) {
    document.documentElement.classList.add(CONTRACT.pendingClass);
    // Should the server never answer, show what there is rather than a dimmed page for good.
    setTimeout(() => document.documentElement.classList.remove(CONTRACT.pendingClass), 15000);
}

function chartDiv() {
    const box = document.getElementById(IDS.CHART);
    return box && box.querySelector('.js-plotly-plot');
}

// Resolves once the chart's Plotly div passes test(gd), or after timeout ms whatever happened.
function whenChart(test, timeout) {
    const started = performance.now();
    return new Promise(resolve => {
        const check = () => {
            const gd = chartDiv();
            if ((gd && gd._fullLayout && test(gd)) || performance.now() - started > timeout) {
                resolve();
            } else {
                setTimeout(check, 25);
            }
        };
        check();
    });
}

let listRows = [];

// Scripts the page leaves out of its first load (timeline/page_load.py), fetched when needed.
const DEFERRED = JSON.parse(
    (document.getElementById('timeline-deferred') || {}).textContent || '{}');
const loaded = {};
function loadDeferred(name) {
    if (!DEFERRED[name]) {
        return Promise.resolve();
    }
    loaded[name] = loaded[name] || new Promise((resolve, reject) => {
        const script = document.createElement('script');
        script.src = DEFERRED[name];
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
    });
    return loaded[name];
}

// Replays the chart box's arrival animation (style.css) for a story step's new view.
function arrive() {
    const box = document.getElementById(IDS.CHART);
    const frame = box && box.closest('.chart-box');
    if (!frame) {
        return;
    }
    frame.classList.remove('story-arrive');
    void frame.offsetWidth; // a reflow, so removing and adding the class restarts the animation
    frame.classList.add('story-arrive');
}

// ←/→, Home/End and Esc while a story plays, except while typing in a field.
let keyCount = 0;
document.addEventListener('keydown', event => {
    const keys = ['ArrowLeft', 'ArrowRight', 'Home', 'End', 'Escape'];
    if (!document.documentElement.classList.contains(CONTRACT.storyClass)
        || !keys.includes(event.key) || event.altKey || event.ctrlKey || event.metaKey) {
        return;
    }
    const target = event.target;
    const typing = target && (target.isContentEditable
        || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)
        || target.closest('[role="combobox"], [role="listbox"], .rc-slider, .ag-root'));
    if (typing) {
        return;
    }
    event.preventDefault();
    keyCount += 1;
    window.dash_clientside.set_props(IDS.STORY_KEY, {data: {key: event.key, n: keyCount}});
});

// How each trace looked as the server drew it, to restore when its theme is ticked again.
const shownAs = new WeakMap();

window.dash_clientside = Object.assign({}, window.dash_clientside, {
    timeline: {
        // The event list (an AG Grid built from spec, a component made by the server) is
        // created once the chart is drawn, then given new rows as filters change.
        showList: function (rows, spec) {
            listRows = Array.isArray(rows) ? rows : [];
            if (document.getElementById(IDS.GRID)) {
                window.dash_clientside.set_props(IDS.GRID, {rowData: listRows});
                return window.dash_clientside.no_update;
            }
            return whenChart(() => true, 4000).then(() => loadDeferred('grid')).then(() => {
                return Object.assign({}, spec, {
                    props: Object.assign({}, spec.props, {rowData: listRows}),
                });
            });
        },
        // pending: false once the link has been read and needs no redraw. A new figure is the
        // link's view: the dimming goes once Plotly has drawn it (its layout.meta names the
        // view, set by the server), not when it merely arrives.
        showView: function (pending, figure) {
            const root = document.documentElement;
            const ctx = window.dash_clientside.callback_context;
            const byFigure = ctx.triggered.some(t => t.prop_id.startsWith(IDS.CHART + '.'));
            if (!byFigure) {
                if (pending === false) {
                    root.classList.remove(CONTRACT.pendingClass);
                }
                return;
            }
            const viewOf = layout => layout && layout.meta && layout.meta[META.VIEW];
            const want = figure && viewOf(figure.layout);
            whenChart(gd => viewOf(gd.layout) === want, 15000).then(() => {
                root.classList.remove(CONTRACT.pendingClass);
                if (root.classList.contains(CONTRACT.storyClass)) {
                    arrive();
                }
            });
        },
        // The page in story mode (a story playing): the keys move through it, and each step's
        // chart arrives with a short zoom-in (none when the reader prefers reduced motion: CSS).
        storyMode: function (story) {
            const on = !!(story && story.playing);
            document.documentElement.classList.toggle(CONTRACT.storyClass, on);
        },
        // Hide or show a theme's traces the moment it is (un)ticked, so the chart answers
        // before the server's full redraw arrives. Opacity and hover are style edits: Plotly
        // repaints without recomputing the plot and the range slider, which 'visible' would do.
        hideThemes: function (themes) {
            const gd = chartDiv();
            if (!gd || !gd.data || !Array.isArray(themes)) {
                return;
            }
            const keep = new Set(themes);
            const index = [];
            const opacity = [];
            const hoverinfo = [];
            gd.data.forEach((trace, i) => {
                const theme = trace.meta && trace.meta[META.THEME];
                if (!theme) {
                    return;
                }
                if (!shownAs.has(trace)) {
                    shownAs.set(trace, {
                        opacity: trace.opacity === undefined ? 1 : trace.opacity,
                        hoverinfo: trace.hoverinfo === undefined ? 'all' : trace.hoverinfo,
                    });
                }
                const shown = shownAs.get(trace);
                const show = keep.has(theme);
                index.push(i);
                opacity.push(show ? shown.opacity : 0);
                hoverinfo.push(show ? shown.hoverinfo : 'skip');
            });
            if (index.length) {
                window.Plotly.restyle(gd, {opacity: opacity, hoverinfo: hoverinfo}, index);
            }
        },
    },
});
