/* The accounts reconciliation tables (dormant, sunset but active,
 * lookalikes), from es__state_reconcile on the state DB. */
#include "report.h"

#include <string.h>

typedef struct {
    const char *key, *head;
    char type; /* 's' text, 't' time, 'n' number, 'u' link, 'h' handle */
} col_t;

static void cell(FILE *f, json_t *v, char type)
{
    if (json_is_null(v) || !v) {
        fputs("<td>\xE2\x80\x94</td>", f);
        return;
    }
    if (type == 't' && json_is_integer(v)) {
        char buf[40];
        es__report_fmt_time((int64_t)json_integer_value(v), buf, sizeof buf);
        fprintf(f, "<td>%s</td>", buf);
    } else if (json_is_integer(v)) {
        fprintf(f, "<td class=\"n\">%lld</td>", (long long)json_integer_value(v));
    } else if (json_is_real(v)) {
        fprintf(f, "<td class=\"n\">%.2f</td>", json_real_value(v));
    } else if (type == 'u' && es__report_href_ok(json_string_value(v))) {
        fputs("<td class=\"text\"><a rel=\"noopener noreferrer nofollow\" href=\"", f);
        es__report_esc(f, json_string_value(v), 0, 0);
        fputs("\">", f);
        es__report_esc(f, json_string_value(v), 260, 13);
        fputs("</a></td>", f);
    } else if (type == 'h') {
        /* Handles wrap at safe points, never mid-word. */
        fputs("<td class=\"who\">", f);
        es__report_esc_wrap(f, json_string_value(v));
        fputs("</td>", f);
    } else {
        fputs("<td class=\"text\">", f);
        es__report_esc(f, json_string_value(v), 0, 0);
        fputs("</td>", f);
    }
}

static void table(FILE *f, const es_report_page_t *p, const char *id, const char *title, const char *note,
                  const char *key, const col_t *cols, int ncols)
{
    json_t *rows = json_object_get(p->recon, key), *r;
    size_t i, n = 0;
    json_array_foreach(rows, i, r) {
        const char *b = json_string_value(json_object_get(r, "brand"));
        n += !p->opts->brand || (b && !strcmp(b, p->opts->brand));
    }
    fprintf(f, "<h3 id=\"%s\">%s (%zu)</h3>\n<p class=\"note\">%s</p>\n", id, title, n, note);
    if (!n) {
        fputs("<p class=\"empty\">None.</p>\n", f);
        return;
    }
    fprintf(f, "<table class=\"%s\"><tr>", id);
    for (int c = 0; c < ncols; c++)
        fprintf(f, "<th>%s</th>", cols[c].head);
    fputs("</tr>\n", f);
    json_array_foreach(rows, i, r) {
        const char *b = json_string_value(json_object_get(r, "brand"));
        if (p->opts->brand && !(b && !strcmp(b, p->opts->brand)))
            continue;
        fputs("<tr", f);
        es__report_fattrs(f, p, b, NULL, json_string_value(json_object_get(r, "network")), -1);
        fputs(">", f);
        for (int c = 0; c < ncols; c++)
            cell(f, json_object_get(r, cols[c].key), cols[c].type);
        fputs("</tr>\n", f);
    }
    fputs("</table>\n", f);
}

void es__report_section_accounts(FILE *f, const es_report_page_t *p)
{
    fputs("<section id=\"accounts\">\n<h2>Accounts reconciliation</h2>\n<p class=\"note\">Under the filters the "
          "rows follow the brand and the network; they are the window's, not recomputed for a topic or date "
          "range.</p>\n", f);
    if (!p->recon) {
        fputs("<p class=\"empty\">Not available: ", f);
        es__report_esc(f, p->recon_error ? p->recon_error : "no state database", 0, 0);
        fputs("</p>\n</section>\n", f);
        return;
    }
    static const col_t dormant[] = {{"network", "Network", 's'}, {"handle", "Handle", 'h'}, {"brand", "Brand", 's'},
                                    {"owner", "Owner", 's'},     {"status", "Status", 's'}, {"last_post", "Last post", 't'}};
    static const col_t sunset[] = {{"network", "Network", 's'}, {"handle", "Handle", 'h'},
                                   {"brand", "Brand", 's'},     {"owner", "Owner", 's'},
                                   {"last_post", "Last post", 't'}, {"last_addressed", "Last addressed", 't'}};
    static const col_t look[] = {{"network", "Network", 's'},     {"handle", "Handle", 'h'},
                                 {"brand", "Brand", 's'},         {"like", "Resembles", 'h'},
                                 {"reason", "Why", 's'},          {"count", "Mentions", 'n'},
                                 {"first_seen", "First seen", 't'}, {"last_seen", "Last seen", 't'},
                                 {"example_url", "Example", 'u'}};
    table(f, p, "dormant", "Dormant official accounts",
          "Inventory accounts not marked sunset that have not posted in the window.", "dormant", dormant, 6);
    table(f, p, "sunset-active", "Sunset but still active",
          "Accounts marked sunset that posted or were addressed in the window.", "sunset_active", sunset, 6);
    table(f, p, "lookalikes", "Lookalike accounts",
          "Authors whose handle resembles an official account, seen in the window.", "lookalikes", look, 9);
    fputs("</section>\n", f);
}
