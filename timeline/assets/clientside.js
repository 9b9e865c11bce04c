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

// ---- The chart ----------------------------------------------------------------------------
// Plotly draws the chart in its box (ids.CHART); a click and a zoom go back to Dash through two
// stores. The page carries its first figure (timeline/first_paint.py): the default view's is
// drawn as soon as plotly.js has run, before Dash has started, over the first paint's picture
// (drawFirst), and moved into the live page's box when Dash has built it (takeBox); a link's
// page draws the figure there and then, dimmed until the link's own view comes (drawChart).
// What the chart was asked before Dash could hear it is sent then.
const chart = {gd: null, first: null, dashReady: false, waiting: [], clicks: 0};

function report(id, data) {
    if (chart.dashReady) {
        window.dash_clientside.set_props(id, {data: data});
    } else {
        chart.waiting.push([id, data]);
    }
}

function listen(gd) {
    gd.on('plotly_click', event => {
        chart.clicks += 1;  // the same point twice is two clicks
        const points = (event.points || []).map(p => ({
            curveNumber: p.curveNumber, pointNumber: p.pointNumber, x: p.x, y: p.y,
            customdata: p.customdata,
        }));
        report(IDS.CHART_CLICK, {points: points, n: chart.clicks});
    });
    gd.on('plotly_relayout', event => report(IDS.CHART_RELAYOUT, Object.assign({}, event)));
}

function drawIn(gd, figure) {
    const drawn = window.Plotly.react(gd, figure.data, figure.layout, CONTRACT.chartConfig);
    if (!gd.__timelineListening) {
        gd.__timelineListening = true;
        listen(gd);
    }
    return drawn;
}

// Whether ``figure`` may be drawn in ``box``: not when it is laid out for a much bigger box
// (layout.meta's box: a laptop's figure in a phone's box would have its callouts overlap and
// be cut). Such a box waits for the figure the server lays out for it, once controls.js has
// sent its size; a box the server lays nothing out for (too small, too big) takes any.
function fitsBox(box, figure) {
    const laidOut = (figure.layout.meta || {})[CONTRACT.meta.BOX];
    const width = box.clientWidth;
    const height = box.clientHeight;
    const [minW, maxW] = CONTRACT.chart.widths;
    const [minH, maxH] = CONTRACT.chart.heights;
    if (!Array.isArray(laidOut) || width < minW || width > maxW || height < minH
        || height > maxH) {
        return true;
    }
    // Sizes are sent rounded to 10 px; a few per cent narrower is stretched unseen.
    return width >= 0.9 * laidOut[0] && height >= laidOut[1] - 10;
}

const FIGURE_WAIT_MS = 5000;

function pageFigure() {
    const element = document.getElementById(CONTRACT.firstFigureId);
    return element ? JSON.parse(element.textContent) : null;
}

function newChartDiv() {
    const gd = document.createElement('div');
    gd.style.width = '100%';
    gd.style.height = '100%';
    return gd;
}

// The chart follows its box (a window resized, a phone turned); Plotly's own resize waits
// 100 ms for the box to settle, and at the size already drawn draws nothing.
function followSize(host, gd) {
    new ResizeObserver(() => {
        if (gd.isConnected && gd._fullLayout) {
            window.Plotly.Plots.resize(gd).catch(() => {});
        }
    }).observe(host);
}

// Once Dash has built the page: the chart goes in its box (the first paint's, or one drawn
// now from the page's figure), and Dash hears what the chart was asked meanwhile.
function takeBox() {
    const host = document.getElementById(IDS.CHART);
    if (!host || chart.gd) {
        return chart.gd;
    }
    const first = chart.first;
    chart.gd = first && first._fullLayout ? first : newChartDiv();
    chart.first = null;
    host.appendChild(chart.gd);
    if (!chart.gd._fullLayout && window.Plotly) {
        const figure = pageFigure();
        if (figure && figure.layout && fitsBox(host, figure)) {
            drawIn(chart.gd, figure);
        } else if (figure && figure.layout) {
            // A box waiting for its own figure: should that never come (its request failed),
            // the page's figure is drawn after all, rather than no chart at all.
            const gd = chart.gd;
            setTimeout(() => gd._fullLayout || drawIn(gd, figure), FIGURE_WAIT_MS);
        }
    }
    // Dash holds the figure too: the page's copy of it is not needed again.
    const element = document.getElementById(CONTRACT.firstFigureId);
    if (element) {
        element.remove();
    }
    followSize(host, chart.gd);
    chart.dashReady = true;
    chart.waiting.splice(0).forEach(([id, data]) => report(id, data));
    return chart.gd;
}

const entry = document.getElementById('react-entry-point');
if (entry) {
    const built = new MutationObserver(() => {
        if (document.getElementById(IDS.CHART)) {
            built.disconnect();
            takeBox();
        }
    });
    built.observe(entry, {childList: true, subtree: true});
}

window.timelineChart = {
    // The first paint's chart, drawn over its picture of the default view (in box), which it
    // then replaces. Not in a box smaller than the figure is laid out for (a phone's): its
    // callouts would not fit, and the server lays one out for the box once Dash has started.
    drawFirst: function (box) {
        const figure = pageFigure();
        if (!box || !window.Plotly || !figure || !figure.layout || !fitsBox(box, figure)) {
            return;
        }
        const gd = newChartDiv();
        box.prepend(gd);
        drawIn(gd, figure);
        chart.first = gd;
        Array.from(box.children).forEach(child => child === gd || child.remove());
    },
    // Dash has built the page, and the chart's box is in it (drawn or waiting for its figure).
    live: function () {
        return chart.dashReady;
    },
};

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
        // Each figure the server sends, drawn in the chart's box. Not the page's own first
        // figure, which takeBox has drawn (or taken over) already.
        drawChart: function (figure) {
            const ctx = window.dash_clientside.callback_context;
            const sent = ctx.triggered.some(t => t.prop_id === IDS.CHART_FIGURE + '.data');
            const gd = takeBox();
            if (!gd || !figure || !figure.layout || (!sent && gd._fullLayout)) {
                return;
            }
            if (fitsBox(gd.parentNode, figure)) {
                drawIn(gd, figure);
            }
        },
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
            const byFigure = ctx.triggered.some(t => t.prop_id === IDS.CHART_FIGURE + '.data');
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
