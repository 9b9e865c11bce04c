// Callbacks that run in the browser, registered in timeline/callbacks.py.
window.dash_clientside = Object.assign({}, window.dash_clientside, {
    timeline: {
        // Hide or show a theme's traces the moment it is (un)ticked, so the chart answers
        // before the server's full redraw arrives.
        hideThemes: function (themes) {
            const gd = document.querySelector('#timeline-chart .js-plotly-plot');
            if (!gd || !gd.data || !Array.isArray(themes)) {
                return window.dash_clientside.no_update;
            }
            const keep = new Set(themes);
            const index = [];
            const visible = [];
            gd.data.forEach((trace, i) => {
                if (trace.meta && trace.meta.theme) {
                    index.push(i);
                    visible.push(keep.has(trace.meta.theme));
                }
            });
            if (index.length) {
                window.Plotly.restyle(gd, {visible: visible}, index);
            }
            return window.dash_clientside.no_update;
        },
    },
});
