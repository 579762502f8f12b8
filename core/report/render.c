/*
 * The page: a header saying what was read and for which window, then the
 * filters, then the sections. Styles are inline in <style>, one inline
 * script (script.c) recomputes figures for the filters; no external
 * asset, so the file can be mailed or archived as is.
 */
#include "report.h"

#include <string.h>

#include <earshot/plugin.h>

static const char css[] =
    "body{font:14px/1.45 -apple-system,'Segoe UI',Roboto,'DejaVu Sans',Arial,sans-serif;color:#1f2933;"
    "background:#f5f7fa;margin:0}"
    "main{max-width:1040px;margin:0 auto;padding:24px 20px 60px}"
    "header h1{font-size:26px;margin:0 0 4px}"
    "header p{margin:2px 0;color:#52606d}"
    "section{background:#fff;border:1px solid #dde3ea;border-radius:6px;padding:16px 20px;margin:18px 0}"
    "section h2{font-size:19px;margin:0 0 6px}"
    "section h3{font-size:15px;margin:16px 0 4px}"
    "p.note{color:#616e7c;margin:4px 0 10px;font-size:13px}"
    "p.empty{color:#7b8794;font-style:italic}"
    /* A chart fills its box down to its min-width (svg.c: text >= 10 px),
     * then scrolls sideways inside that box, never the page. */
    ".chart{max-width:100%;overflow-x:auto;overflow-y:hidden}"
    ".chart>svg{display:block;width:100%;height:auto}"
    "svg text{font-family:'DejaVu Sans',Arial,sans-serif;fill:#323f4b}"
    "svg .axis{stroke:#9aa5b1;stroke-width:1}"
    "svg .grid{stroke:#e4e7eb;stroke-width:1}"
    "table{border-collapse:collapse;width:100%;margin:8px 0 4px;font-size:13px}"
    "th,td{border-bottom:1px solid #e4e7eb;padding:4px 8px;text-align:left;vertical-align:top}"
    "th{background:#f0f4f8;font-weight:600}"
    "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
    "td.text{max-width:340px;overflow-wrap:anywhere}"
    ".grid2{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(480px,100%),1fr));gap:4px 16px}"
    ".chip{display:inline-block;background:#fde8e8;color:#8a1c1c;border-radius:10px;padding:0 8px;"
    "margin:1px 2px;white-space:nowrap}"
    ".badge{display:inline-block;background:#e8890c;color:#fff;border-radius:3px;padding:0 5px;"
    "font-size:11px;margin-left:4px}"
    "a{color:#1f5fa8;overflow-wrap:anywhere}"
    "nav a{margin-right:12px;white-space:nowrap;display:inline-block}"
    /* Narrow screens: tables shrink by wrapping words, never by overflowing. */
    "table{table-layout:auto}th,td{overflow-wrap:anywhere}"
    /* Headers and figures never break inside a word or a number. */
    "th{overflow-wrap:normal}td.n{white-space:nowrap}"
    "td.who{overflow-wrap:normal;word-break:normal;min-width:6em}"
    ".tag{display:inline-block;background:#eef2f7;border-radius:3px;padding:0 6px;margin:1px 2px;white-space:nowrap}"
    ".chip.phrase{background:#e8f0fb;color:#1f3f6e}"
    "form.filters{background:#fff;border:1px solid #dde3ea;border-radius:6px;padding:8px 12px;margin:12px 0}"
    "form.filters fieldset{border:0;margin:0;padding:2px 0;display:flex;flex-wrap:wrap;gap:2px 4px;align-items:center}"
    "form.filters legend{float:left;font-weight:600;margin-right:8px;padding:0}"
    "form.filters input{position:absolute;opacity:0;width:1px;height:1px}"
    "form.filters label{border:1px solid #c5ced8;border-radius:12px;padding:0 9px;cursor:pointer;font-size:13px;"
    "overflow-wrap:anywhere}"
    "form.filters input:checked+label{background:#1f5fa8;color:#fff;border-color:#1f5fa8}"
    "form.filters input:focus-visible+label{outline:2px solid #e8890c}"
    "@media (max-width:600px){main{padding:12px 8px 40px}section{padding:10px 8px}"
    "header h1{font-size:21px}th,td{padding:3px 4px}"
    /* A wide table scrolls sideways in its own box rather than breaking
     * its headers mid-word; long texts and URLs still wrap. */
    "table{font-size:12px;display:block;overflow-x:auto;max-width:100%}th,td{overflow-wrap:normal}"
    "td.text{overflow-wrap:anywhere}}";

int es__report_render(FILE *f, const es_report_page_t *p)
{
    char from[32], to[32], gen[40], csp[ES_REPORT_CSP_LEN];
    es__report_csp(csp, sizeof csp);
    es__report_fmt_time(p->opts->since, from, sizeof from);
    es__report_fmt_time(p->opts->now, to, sizeof to);
    es__report_fmt_time(p->opts->now, gen, sizeof gen);
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"",
          f);
    fprintf(f, "%s\">\n<title>earshot report", csp);
    if (p->opts->brand) {
        fputs(" \xE2\x80\x94 ", f);
        es__report_esc(f, p->opts->brand, 0, 0);
    }
    fprintf(f, "</title>\n<style>%s</style>\n", css);
    es__report_filters_css(f, p);
    fputs("</head>\n<body>\n<main>\n<header>\n<h1>earshot report", f);
    if (p->opts->brand) {
        fputs(": ", f);
        es__report_esc(f, p->opts->brand, 0, 0);
    }
    fprintf(f, "</h1>\n<p>Mentions from <b>%s</b> to <b>%s</b>.</p>\n<p>Source: ", from, to);
    es__report_esc(f, p->db_label, 0, 0);
    fprintf(f, ". Generated %s.</p>\n", gen);
    fputs("<nav><a href=\"#sov\">Share of voice</a><a href=\"#sentiment\">Sentiment</a>"
          "<a href=\"#trend\">Sentiment over time</a><a href=\"#timeline\">Volume</a>"
          "<a href=\"#alerts\">Alerts</a><a href=\"#topics\">Topics</a><a href=\"#issues\">Negative issues</a>"
          "<a href=\"#people\">Authors</a><a href=\"#channels\">Channels</a><a href=\"#breakdown\">Owned and earned</a>"
          "<a href=\"#responses\">Responses</a><a href=\"#accounts\">Accounts</a></nav>\n</header>\n",
          f);
    es__report_filters_render(f, p);
    if (!json_is_true(json_object_get(p->model, "has_tables")))
        fputs("<section id=\"no-data\"><h2>No data yet</h2><p class=\"empty\">The database has no earshot "
              "tables yet: the sql sink creates them on its first write. Configure a <code>plugin = sql</code> "
              "sink, run the agent, then build the report again.</p></section>\n",
              f);
    /* Most read first: who is talked about, how, and what went wrong. */
    es__report_section_sov(f, p);
    es__report_section_sentiment(f, p);
    es__report_section_trend(f, p);
    es__report_section_timeline(f, p);
    es__report_section_alerts(f, p);
    es__report_section_topics(f, p);
    es__report_section_issues(f, p);
    es__report_section_people(f, p);
    es__report_section_channels(f, p);
    es__report_section_breakdown(f, p);
    es__report_section_responses(f, p);
    es__report_section_accounts(f, p);
    es__report_script_render(f, p);
    fputs("</main>\n</body>\n</html>\n", f);
    return ferror(f) ? ES_EIO : 0;
}
