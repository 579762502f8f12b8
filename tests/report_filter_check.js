// Injected into a copy of the report by tests/report_filter_test.sh:
// chooses each filter in turn (then brand x network, topic x dates,
// topic x network, brand x network x dates and all four) and
// records what the page then shows, as JSON in a pre element (id
// filter-check) for --dump-dom. The comparison is the test's.
(function () {
    var out = {live: document.documentElement.getAttribute("data-filters"), cases: []};
    function shown(e) { for (; e && e.nodeType === 1; e = e.parentNode) if (getComputedStyle(e).display === "none") return false; return true; }
    function cells(sel) {
        var r = {};
        document.querySelectorAll(sel).forEach(function (tr) {
            if (!shown(tr)) return;
            var td = [].map.call(tr.querySelectorAll("td"), function (x) { return x.textContent; });
            r[td[0]] = td.slice(1);
        });
        return r;
    }
    function snap(ids) {
        var c = {ids: ids, names: ids.map(function (id) { var l = document.querySelector("label[for='" + id + "']"); return l ? l.textContent : ""; })};
        c.selection = [].map.call(document.querySelectorAll("#selection b"), function (b) { return b.textContent; });
        c.sov = cells("table.sov tr[data-fb]");
        c.sentiment = cells("table.sentiment tr[data-fb]");
        c.bars = {};
        document.querySelectorAll("g[data-sb]").forEach(function (g) {
            if (!shown(g)) return;
            var name = g.querySelector("text").textContent;
            c.bars[name] = [].map.call(g.querySelectorAll("rect[data-l]"), function (r) { return +r.getAttribute("width"); });
            c.bars[name].push(g.querySelector("text.sbl").textContent);
        });
        c.headings = {};
        document.querySelectorAll(".trend h3, .timeline-brand h3").forEach(function (h) {
            if (!shown(h)) return;
            var k = (h.closest(".trend") ? "trend " : "timeline ") + h.firstChild.textContent.trim();
            c.headings[k] = h.querySelector("small").textContent;
        });
        c.axis = [].map.call(document.querySelectorAll("#sent-axis text"), function (t) { return t.textContent; });
        // The time charts: per shown panel, its left axis and the heights
        // of the shown bars by label (sentiment) or part (volume).
        function texts(g) { return g ? [].map.call(g.querySelectorAll("text"), function (t) { return t.textContent; }) : []; }
        function h(g, l) { var r = g.querySelector("rect[data-l='" + l + "']"); return r ? +r.getAttribute("height") : 0; }
        c.trend = {};
        document.querySelectorAll(".trend").forEach(function (t) {
            if (!shown(t)) return;
            var name = t.querySelector("h3").firstChild.textContent.trim();
            t.querySelectorAll("g[data-tb]").forEach(function (P, i) {
                var bars = {};
                P.querySelectorAll("g[data-k]").forEach(function (g) {
                    if (shown(g)) bars[g.getAttribute("data-k")] = [0, 1, 2, 3].map(function (l) { return h(g, l); });
                });
                c.trend[name + " " + i] = {ph: +P.getAttribute("data-ax").split(" ")[3], axis: texts(P.querySelector("g.yax")), bars: bars};
            });
        });
        c.volume = {};
        document.querySelectorAll(".timeline-brand").forEach(function (t) {
            var P = t.querySelector("g[data-vb]");
            if (!shown(t) || !P) return;
            var days = {};
            P.querySelectorAll("g[data-d]").forEach(function (g) {
                if (shown(g)) days[g.getAttribute("data-d")] = [h(g, "o"), h(g, "g")];
            });
            c.volume[t.querySelector("h3").firstChild.textContent.trim()] = {ph: +P.getAttribute("data-ax").split(" ")[3],
                axis: texts(t.querySelector("g.yax")), days: days, path: t.querySelector("path.nsl").getAttribute("d")};
        });
        c.topics = {};
        document.querySelectorAll("table.topics tr[data-fb]").forEach(function (tr) {
            if (!shown(tr)) return;
            var td = [].map.call(tr.querySelectorAll("td"), function (x) { return x.textContent; });
            c.topics[td[0] + " / " + td[1]] = [td[3], td[4]];
        });
        c.sovd = {};
        document.querySelectorAll("#sovd g[data-sd]").forEach(function (g) {
            if (!shown(g)) return;
            var col = {};
            g.querySelectorAll("rect[data-sv]").forEach(function (r) {
                if (!shown(r)) return;
                var v = r.getAttribute("data-sv"), l = document.querySelector("label[for='fb-" + v + "']");
                col[v === "o" ? "other brands" : l ? l.textContent : v] = +r.getAttribute("height");
            });
            if (Object.keys(col).length) c.sovd[g.getAttribute("data-sd")] = col;
        });
        c.breakdown = {};
        document.querySelectorAll("table.breakdown tr[data-fb]").forEach(function (tr) {
            if (!shown(tr)) return;
            var td = tr.querySelectorAll("td");
            c.breakdown[td[0].textContent] = [td[1].textContent].concat([].map.call(td[3].querySelectorAll(".tag"), function (t) { return t.textContent; }));
        });
        // Owned posts and languages (owned and earned table), the owned and
        // earned bars, the channels' bars: what each shown row reads.
        c.owned = {};
        c.langs = {};
        document.querySelectorAll("table.breakdown tr[data-fb]").forEach(function (tr) {
            if (!shown(tr)) return;
            var td = tr.querySelectorAll("td");
            c.owned[td[0].textContent] = td[2].textContent;
            c.langs[td[0].textContent] = [].map.call(td[4].querySelectorAll(".tag"), function (t) { return t.textContent; });
        });
        c.sovOwned = {};
        document.querySelectorAll("table.sov tr[data-fb]").forEach(function (tr) {
            if (shown(tr)) c.sovOwned[tr.querySelector("td").textContent] = tr.querySelectorAll("td")[6].textContent;
        });
        c.bkbars = {};
        document.querySelectorAll("g[data-bkb]").forEach(function (g) {
            if (!shown(g)) return;
            var e = g.querySelector("rect.earned"), o = g.querySelector("rect.owned");
            c.bkbars[g.querySelector("text").textContent] = [+e.getAttribute("width"), +o.getAttribute("x"),
                +o.getAttribute("width"), g.querySelector("g.bkl text").textContent];
        });
        c.bkaxis = texts(document.getElementById("bk-axis"));
        c.channels = {};
        document.querySelectorAll("[data-chb]").forEach(function (d) {
            if (!shown(d)) return;
            var rows = {};
            d.querySelectorAll("g[data-ck]").forEach(function (g) {
                var t = g.querySelector("text");
                rows[g.getAttribute("data-ck")] = [+g.querySelector("rect").getAttribute("width"), +t.getAttribute("x"), t.textContent];
            });
            c.channels[d.querySelector("h3").textContent] = {rows: rows, axis: texts(d.querySelector("g.xax"))};
        });
        // The topics' bars: negative width, the other part's x and width, label.
        function lab(id) { var l = document.querySelector("label[for='" + id + "']"); return l ? l.textContent : ""; }
        c.topicBars = {};
        document.querySelectorAll("g[data-tp]").forEach(function (g) {
            if (!shown(g)) return;
            var m = g.getAttribute("data-tp").split(" "), o = g.querySelector("rect.tpo");
            c.topicBars[lab("ft-" + m[1]) + " / " + (lab("fb-" + m[0]) || "?")] = [+g.querySelector("rect.tpn").getAttribute("width"),
                +o.getAttribute("x"), +o.getAttribute("width"), g.querySelector("g.tpl text").textContent];
        });
        c.tpaxis = texts(document.getElementById("tp-axis"));
        // Alerts: the table's rows, the markers and the timeline's spans shown.
        function alertIds(sel) { return [].filter.call(document.querySelectorAll(sel), shown).map(function (e) { return e.getAttribute("data-alert-id"); }).sort(); }
        c.alertRows = alertIds("table.alerts tr[data-alert-id]");
        c.markers = alertIds("g.alert-marker");
        c.spans = [].filter.call(document.querySelectorAll("g.alert-span"), shown).length;
        c.tcomb = [].filter.call(document.querySelectorAll(".tcomb"), shown).length;
        return c;
    }
    function choose(ids) {
        ["fb", "ft", "fn", "fd"].forEach(function (g) { var a = document.getElementById(g + "-all"); if (a) a.click(); });
        ids.forEach(function (id) { document.getElementById(id).click(); });
        out.cases.push(snap(ids));
    }
    choose([]);
    document.querySelectorAll("form.filters input[type=radio]").forEach(function (r) {
        if (!/-all$/.test(r.id)) choose([r.id]);
    });
    if (document.getElementById("fb-0") && document.getElementById("fn-0")) choose(["fb-0", "fn-0"]);
    if (document.getElementById("ft-0") && document.getElementById("fd-48h")) choose(["ft-0", "fd-48h"]);
    // topic and network: the time charts follow the topic, and say so
    if (document.getElementById("ft-0") && document.getElementById("fn-1")) choose(["ft-0", "fn-1"]);
    // brand, network and date range; then all four groups at once
    if (document.getElementById("fb-0") && document.getElementById("fn-1") && document.getElementById("fd-48h"))
        choose(["fb-0", "fn-1", "fd-48h"]);
    if (document.getElementById("fb-0") && document.getElementById("ft-0") && document.getElementById("fn-2") && document.getElementById("fd-48h"))
        choose(["fb-0", "ft-0", "fn-2", "fd-48h"]);
    choose([]);
    var doc = window.parent !== window ? window.parent.document : document;
    var pre = doc.createElement("pre");
    pre.id = "filter-check";
    pre.textContent = JSON.stringify(out);
    doc.body.appendChild(pre);
})();
