#!/usr/bin/env bash
# Builds timeline/assets/plotly-timeline.min.js: plotly.js's core (the scatter trace,
# annotations, shapes, the range slider, hover) and the heatmap trace (density lanes), which is
# all the app's chart draws, from npm, with esbuild; and a resize that skips redrawing at the
# size already drawn.
#
#   scripts/build_plotly.sh 4.1.1     # the plotly.js version plotly.py draws with (a test checks)
#
# Why not one of plotly.js's own bundles: the page waits for plotly.js to run before it can
# draw. The cartesian bundle (1.5 MB, ten trace types) took about 4 times as long to run as this
# one (1.1 MB) in headless Chromium: its UMD wrapper has V8 compile all of it at once, where
# esbuild's output is compiled as it is called.
set -euo pipefail
version=${1:?give the plotly.js version, e.g. 4.1.1}
out="$(cd "$(dirname "$0")/.." && pwd)/timeline/assets/plotly-timeline.min.js"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm install --no-save --no-audit --no-fund --silent "plotly.js@$version" esbuild@0.28 >/dev/null
cat > entry.js <<'EOF'
var Plotly = require('plotly.js/lib/core');
Plotly.register([require('plotly.js/lib/heatmap')]);
// dcc.Graph asks for a resize after its first drawing and whenever its box's observer fires,
// and plotly.js then draws the whole chart again even at the same size: twice as the page
// starts, holding the pointer's hover back. A resize to the size already drawn draws nothing.
var resize = Plotly.Plots.resize;
Plotly.Plots.resize = function (gd) {
    var div = typeof gd === 'string' ? document.getElementById(gd) : gd;
    var full = div && div.layout && div._fullLayout;
    if (full && div.isConnected) {
        var style = window.getComputedStyle(div);
        var width = parseFloat(style.width);
        var height = parseFloat(style.height);
        // plotly.js's own test (plots.plotAutoSize): a change of more than 1 px.
        if (Math.abs(full.width - width) <= 1 && Math.abs(full.height - height) <= 1) {
            return Promise.resolve(div);
        }
    }
    return resize.apply(this, arguments);
};
module.exports = Plotly;
EOF
# The options of plotly.js's own esbuild-config.js, less the plugins only other traces need
# (map CSS, WebGL shaders): a page global "Plotly", as dcc.Graph expects.
node_modules/.bin/esbuild entry.js --bundle --format=iife --global-name=Plotly --minify \
  --target=es2016 --define:global=window --define:define.amd=false \
  --define:process.env.NODE_DEBUG=false --loader:.css=empty --legal-comments=eof \
  --log-level=warning --outfile=bundle.js
{
  printf '/**\n* plotly.js (Relations Timeline: core + heatmap, minified) v%s\n' "$version"
  printf '* Copyright 2012-2026, Plotly, Inc.\n* All rights reserved.\n'
  printf '* Licensed under the MIT license\n* Built by scripts/build_plotly.sh\n*/\n'
  cat bundle.js
} > "$out"
echo "wrote $out ($(wc -c < "$out") bytes)"
