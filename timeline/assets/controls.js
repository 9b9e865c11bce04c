// The page's own controls and what Dash's components lack for keyboards and screen readers:
// the theme picker (native checkboxes with "only" and "All"), names for Dash 4's option lists,
// dropdowns and sliders, the chart box's size, the phone's filters button and detail sheet,
// and the copy buttons. Ids and names come from Python (timeline/contract.py).

(function () {
    const CONTRACT = JSON.parse(document.getElementById('timeline-contract').textContent);
    const IDS = CONTRACT.ids;
    const NAMES = CONTRACT.names;
    const root = document.documentElement;
    // A phone's layout (style.css): the chart first, the detail as a sheet, fewer columns.
    const phone = window.matchMedia('(max-width: 700px)');

    // 12,345: counts are whole numbers of events. Not toLocaleString, whose first call loads
    // the browser's number formats (about 40 ms of the page's start in headless Chromium).
    function grouped(n) {
        return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    }

    function setProps(id, props) {
        if (window.dash_clientside && window.dash_clientside.set_props) {
            window.dash_clientside.set_props(id, props);
        }
    }

    // ---- Theme picker -------------------------------------------------------------------
    function themeRow(choice) {
        const row = document.createElement('div');
        row.className = 'theme-row';
        row.dataset.theme = choice.theme;
        const box = document.createElement('input');
        box.type = 'checkbox';
        box.className = 'theme-input';
        box.id = 'theme-box-' + choice.theme;
        box.value = choice.theme;
        const label = document.createElement('label');
        label.className = 'theme-label';
        label.htmlFor = box.id;
        const swatch = document.createElement('span');
        swatch.className = 'swatch';
        swatch.style.backgroundColor = choice.color;
        const name = document.createElement('span');
        name.className = 'theme-name';
        name.textContent = choice.label;
        const count = document.createElement('span');
        count.className = 'theme-count';
        label.append(swatch, name, count);
        const only = document.createElement('button');
        only.type = 'button';
        only.className = 'theme-only';
        only.textContent = 'only';
        only.dataset.theme = choice.theme;
        only.setAttribute('aria-label', 'Show only ' + choice.label);
        row.append(box, label, only);
        return row;
    }

    function drawThemes(choices, chosen) {
        const picker = document.getElementById(IDS.THEMES);
        if (!picker || !Array.isArray(choices)) {
            return;
        }
        let list = picker.querySelector('.theme-rows');
        const wanted = choices.map(c => c.theme).join('\n');
        if (!list || list.dataset.themes !== wanted) {
            // New themes: draw the rows anew (the same themes are only updated, keeping focus).
            if (list) {
                list.remove();
            }
            list = document.createElement('div');
            list.className = 'theme-rows';
            list.dataset.themes = wanted;
            choices.forEach(c => list.append(themeRow(c)));
            const all = document.createElement('button');
            all.type = 'button';
            all.className = 'theme-all button secondary';
            all.textContent = 'All themes';
            list.append(all);
            picker.append(list);
        }
        const ticked = new Set(Array.isArray(chosen) ? chosen : []);
        choices.forEach(c => {
            const row = list.querySelector('.theme-row[data-theme="' + CSS.escape(c.theme) + '"]');
            row.querySelector('input').checked = ticked.has(c.theme);
            const count = row.querySelector('.theme-count');
            const text = grouped(Number(c.count));
            if (count.dataset.count !== text) {
                count.dataset.count = text;
                count.textContent = text;
                const unit = document.createElement('span');
                unit.className = 'visually-hidden';
                unit.textContent = c.count === 1 ? ' event' : ' events';
                count.append(unit);
            }
        });
    }

    function chooseThemes(themes) {
        const picker = document.getElementById(IDS.THEMES);
        picker.querySelectorAll('input.theme-input').forEach(box => {
            box.checked = themes.includes(box.value);
        });
        setProps(IDS.THEMES_CHOSEN, {data: themes});
    }

    document.addEventListener('change', event => {
        const box = event.target;
        if (box.matches && box.matches('#' + CSS.escape(IDS.THEMES) + ' input.theme-input')) {
            const picker = document.getElementById(IDS.THEMES);
            const ticked = [...picker.querySelectorAll('input.theme-input:checked')];
            setProps(IDS.THEMES_CHOSEN, {data: ticked.map(b => b.value)});
        }
    });

    document.addEventListener('click', event => {
        const target = event.target.closest && event.target.closest('button');
        if (!target) {
            return;
        }
        if (target.classList.contains('theme-only')) {
            chooseThemes([target.dataset.theme]);
        } else if (target.classList.contains('theme-all')) {
            const picker = document.getElementById(IDS.THEMES);
            chooseThemes([...picker.querySelectorAll('input.theme-input')].map(b => b.value));
        } else if (target.id === IDS.FILTERS_TOGGLE) {
            const open = !root.classList.contains('filters-open');
            root.classList.toggle('filters-open', open);
            target.setAttribute('aria-expanded', String(open));
            target.textContent = open ? 'Hide filters' : 'Filters';
        } else if (target.classList.contains('copy-button')) {
            copyText(target);
        } else if (target.id === IDS.DETAIL_CLOSE) {
            closeDetail();
        }
    });

    // ---- Copy buttons -------------------------------------------------------------------
    function copyText(button) {
        const text = button.dataset.copy || '';
        const status = button.parentElement.querySelector('.copy-status');
        const done = ok => {
            if (status) {
                status.textContent = ok ? button.dataset.done : 'Copying failed: select the text instead.';
            }
        };
        if (navigator.clipboard && window.isSecureContext) {
            navigator.clipboard.writeText(text).then(() => done(true), () => done(fallbackCopy(text)));
        } else {
            done(fallbackCopy(text));
        }
    }

    // Outside a secure context (http on another machine) the Clipboard API is missing.
    function fallbackCopy(text) {
        const area = document.createElement('textarea');
        area.value = text;
        area.setAttribute('readonly', '');
        area.style.position = 'fixed';
        area.style.opacity = '0';
        document.body.append(area);
        area.select();
        let ok = false;
        try {
            ok = document.execCommand('copy');
        } catch (e) {
            ok = false;
        }
        area.remove();
        return ok;
    }

    // ---- The selected event's detail ----------------------------------------------------
    // Where focus was when an event was chosen by keyboard, to return to when it is closed.
    let returnFocus = null;

    function closeDetail() {
        setProps(IDS.SELECTED, {data: ''});
        root.classList.remove('detail-open');
        const back = returnFocus && document.body.contains(returnFocus) ? returnFocus : null;
        returnFocus = null;
        (back || document.getElementById(IDS.LIST_SLOT)).focus();
    }

    document.addEventListener('keydown', event => {
        if (event.key === 'Escape' && root.classList.contains('detail-open')) {
            const detail = document.getElementById(IDS.DETAIL);
            if (detail && detail.contains(document.activeElement)) {
                event.preventDefault();
                event.stopPropagation();
                closeDetail();
            }
        }
    }, true);

    // A new event in the detail panel: on a phone it opens as a sheet over the chart; chosen
    // from the list by keyboard, focus moves to it (Close or Esc brings it back).
    function detailShown(hasEvent) {
        root.classList.toggle('detail-open', !!hasEvent);
        if (!hasEvent) {
            return;
        }
        if (phone.matches && !root.classList.contains(CONTRACT.storyClass)) {
            // The sheet covers the screen's lower part: the chart moves to the top, above it.
            document.getElementById(IDS.CHART_BOX).scrollIntoView({block: 'start'});
        }
        const active = document.activeElement;
        const grid = document.getElementById(IDS.GRID);
        if (active && grid && grid.contains(active)) {
            returnFocus = active;
            const detail = document.getElementById(IDS.DETAIL);
            detail.focus({preventScroll: !root.classList.contains('detail-open')});
        }
    }

    // ---- The chart box's size -----------------------------------------------------------
    let sentSize = CONTRACT.chart;
    let sizeTimer = null;

    function measureChart(box) {
        const width = Math.round(box.clientWidth / 10) * 10;
        const height = Math.round(box.clientHeight / 10) * 10;
        if (!width || !height || (width === sentSize.width && height === sentSize.height)) {
            return;
        }
        sentSize = {width: width, height: height};
        setProps(IDS.CHART_SIZE, {data: sentSize});
    }

    function watchChart() {
        const box = document.getElementById(IDS.CHART_BOX);
        // Once Dash has built the page: a size sent sooner may be lost. A phone's box has no
        // chart until the figure laid out for this size comes (clientside.js, fitsBox).
        if (!box || !window.timelineChart || !window.timelineChart.live()
            || !window.dash_clientside || !window.dash_clientside.set_props) {
            setTimeout(watchChart, 50);
            return;
        }
        measureChart(box);
        new ResizeObserver(() => {
            clearTimeout(sizeTimer);
            sizeTimer = setTimeout(() => measureChart(box), 150);
        }).observe(box);
    }

    // ---- Names for Dash's controls ------------------------------------------------------
    function setAttr(el, name, value) {
        if (el.getAttribute(name) !== value) {
            el.setAttribute(name, value);
        }
    }

    function nameControls() {
        Object.entries(NAMES).forEach(([id, name]) => {
            const el = document.getElementById(id);
            if (!el) {
                return;
            }
            if (el.classList.contains('dash-options-list')) {
                // A group of native radios or checkboxes, each named by its own label.
                const radios = el.classList.contains('dash-radioitems');
                setAttr(el, 'role', radios ? 'radiogroup' : 'group');
                setAttr(el, 'aria-label', name);
                el.querySelectorAll('[role="option"], [aria-selected]').forEach(option => {
                    option.removeAttribute('role');
                    option.removeAttribute('aria-selected');
                });
            } else if (el.classList.contains('dash-dropdown')) {
                const focus = el.parentElement.querySelector('.dash-dropdown-focus-target');
                if (focus) {
                    focus.removeAttribute('aria-hidden');
                    setAttr(focus, 'role', 'combobox');
                    setAttr(focus, 'aria-haspopup', 'listbox');
                    setAttr(focus, 'aria-expanded', el.getAttribute('aria-expanded') || 'false');
                    setAttr(focus, 'aria-label', name + ': ' + el.textContent.trim());
                }
            } else if (el.classList.contains('dash-slider-container')) {
                const lo = el.querySelector('.dash-range-slider-min-input');
                const hi = el.querySelector('.dash-range-slider-max-input');
                if (lo) {
                    setAttr(lo, 'aria-label', name + ', from');
                }
                if (hi) {
                    setAttr(hi, 'aria-label', lo ? name + ', to' : name);
                }
                const thumbs = el.querySelectorAll('[role="slider"]');
                thumbs.forEach((thumb, i) => {
                    const end = thumbs.length > 1 ? (i === 0 ? ', from' : ', to') : '';
                    setAttr(thumb, 'aria-label', name + end);
                });
            }
        });
    }

    // ---- The event list on a phone ------------------------------------------------------
    // Date and title only: four columns do not fit 390 px, and a list scrolled sideways hides
    // what it is for. The themes and tone are in each event's detail.
    let fitted = {api: null, phone: null};

    function fitGrid() {
        const api = window.dash_ag_grid && document.getElementById(IDS.GRID)
            && window.dash_ag_grid.getApi(IDS.GRID);
        if (!api || (fitted.api === api && fitted.phone === phone.matches)) {
            return;
        }
        api.setColumnsVisible(CONTRACT.phoneHiddenColumns, !phone.matches);
        api.sizeColumnsToFit();
        fitted = {api: api, phone: phone.matches};
    }

    phone.addEventListener('change', fitGrid);

    let naming = false;
    new MutationObserver(() => {
        if (!naming) {
            naming = true;
            requestAnimationFrame(() => {
                naming = false;
                nameControls();
                fitGrid();
            });
        }
    }).observe(document.documentElement, {
        subtree: true,
        childList: true,
        attributes: true,
        attributeFilter: ['role', 'aria-selected', 'aria-hidden', 'aria-expanded'],
    });

    watchChart();

    window.dash_clientside = Object.assign({}, window.dash_clientside, {
        controls: {
            drawThemes: function (choices, chosen) {
                drawThemes(choices, chosen);
                return window.dash_clientside.no_update;
            },
            detailShown: function (children, selected) {
                detailShown(typeof selected === 'string' && selected !== '');
                return window.dash_clientside.no_update;
            },
        },
    });
})();
