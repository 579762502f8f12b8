// Injected into a copy of the report by tests/report_layout_test.sh (the
// page itself has no script): measures the laid-out page and writes what
// it found as JSON into a pre element (id layout-check) for --dump-dom.
(function () {
    var out = {width: innerWidth, problems: [], charts: [], filter: {}};
    var W = innerWidth;
    if (document.documentElement.scrollWidth > W + 1)
        out.problems.push("the page is " + document.documentElement.scrollWidth + " px wide in a " + W + " px window");
    document.querySelectorAll("section").forEach(function (s) {
        var q = s.getBoundingClientRect();
        if (s.scrollWidth > s.clientWidth + 1)
            out.problems.push("section " + s.id + " overflows by " + (s.scrollWidth - s.clientWidth) + " px");
        s.querySelectorAll("table").forEach(function (t) {
            var r = t.getBoundingClientRect();
            if (r.right > q.right + 1) out.problems.push("a table of " + s.id + " overflows by " + Math.round(r.right - q.right) + " px");
        });
    });
    document.querySelectorAll("td, th, label, h2, h3, nav a, legend").forEach(function (e) {
        if (e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0)
            out.problems.push("clipped or spilling: \"" + e.textContent.slice(0, 50) + "\" (" + e.scrollWidth + " > " + e.clientWidth + ")");
    });
    document.querySelectorAll("svg").forEach(function (svg, i) {
        var sr = svg.getBoundingClientRect(), sec = svg.closest("section");
        var t = svg.querySelector(":scope > title");
        var c = {section: sec ? sec.id : "", label: svg.getAttribute("aria-label"),
                 title: !!(t && t.textContent.length), axis: svg.querySelectorAll(".axis-title").length,
                 legend: svg.querySelectorAll(".legend").length};
        out.charts.push(c);
        // A chart may scroll inside its own box (.chart), never the page.
        var box = svg.closest(".chart") || svg, br = box.getBoundingClientRect();
        if (br.right > W + 1) out.problems.push("chart " + c.label + " is wider than the window");
        if (box === svg) out.problems.push("chart " + c.label + " has no box of its own");
        // The size a reader sees: the font size times the chart's scale.
        var vb = svg.viewBox.baseVal, k = vb && vb.width ? sr.width / vb.width : 1;
        c.min_font = 99;
        svg.querySelectorAll("text").forEach(function (x) {
            var r = x.getBoundingClientRect();
            if (!r.width) return;
            var px = parseFloat(getComputedStyle(x).fontSize) * k;
            if (px < c.min_font) c.min_font = Math.round(px * 10) / 10;
            if (px < 9.95) out.problems.push("label \"" + x.textContent.slice(0, 40) + "\" renders at " + px.toFixed(1) + " px in chart " + c.label);
            if (r.left < sr.left - 1 || r.right > sr.right + 1 || r.top < sr.top - 1 || r.bottom > sr.bottom + 1)
                out.problems.push("label \"" + x.textContent.slice(0, 40) + "\" cut by the edge of chart " + c.label);
        });
    });
    // The brand filter: choosing the second brand hides the others' rows.
    var radio = document.getElementById("fb-1");
    if (radio) {
        radio.checked = true;
        var shown = 0, hidden = 0, own = 0;
        document.querySelectorAll("[data-fb]").forEach(function (e) {
            var visible = getComputedStyle(e).display !== "none";
            if (e.getAttribute("data-fb").split(" ").indexOf("b1") >= 0) own += visible ? 1 : 0;
            else if (visible) shown++; else hidden++;
        });
        out.filter = {others_shown: shown, others_hidden: hidden, own_shown: own};
        document.getElementById("fb-all").checked = true;
    }
    // Into the outer document when framed (srcdoc: same origin).
    var doc = window.parent !== window ? window.parent.document : document;
    var pre = doc.createElement("pre");
    pre.id = "layout-check";
    pre.textContent = JSON.stringify(out);
    doc.body.appendChild(pre);
})();
