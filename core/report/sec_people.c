/*
 * Who carries the conversation: the authors with the widest reach
 * (followers) per brand, and the mentions people engaged with most
 * (likes, reposts, replies, quotes), each with its link.
 */
#include <string.h>

#include "sections.h"

static void count_cell(FILE *f, json_t *o, const char *k, int compact)
{
    json_t *v = json_object_get(o, k);
    char s[32];
    if (!json_is_integer(v)) {
        fputs("<td class=\"n\">\xE2\x80\x94</td>", f);
        return;
    }
    if (compact)
        es_numfmt_compact((double)json_integer_value(v), s, sizeof s);
    else
        es_numfmt_int((long long)json_integer_value(v), s, sizeof s);
    fprintf(f, "<td class=\"n\">%s</td>", s);
}

void es__report_section_people(FILE *f, const es_report_page_t *p)
{
    json_t *brands = json_object_get(p->model, "brands"), *b, *a;
    size_t i, k, na = 0, ne = 0;
    json_array_foreach(brands, i, b) {
        na += json_array_size(json_object_get(b, "authors"));
        ne += json_array_size(json_object_get(b, "engaged"));
    }
    fputs("<section id=\"people\">\n<h2>Top authors and most engaged mentions</h2>\n", f);
    fputs("<h3>Authors by reach</h3>\n<p class=\"note\">Per brand, up to 10 authors of earned mentions with the most "
          "followers (as the source counted them), then the most engagement with their mentions. Under the filters the "
          "rows follow the brand and the network; the ten, and their counts, are the window's over every topic and "
          "date, not recomputed for a topic or a date range.</p>\n",
          f);
    if (!na) {
        rs_empty(f, p, "No author");
    } else {
        fputs("<table class=\"authors\"><tr><th>Brand</th><th>Author</th><th>Network</th><th>Kind</th>"
              "<th class=\"n\">Followers</th><th class=\"n\">Mentions</th><th class=\"n\">Engagement</th>"
              "<th>Latest link</th></tr>\n",
              f);
        json_array_foreach(brands, i, b) json_array_foreach(json_object_get(b, "authors"), k, a) {
            const char *net = json_string_value(json_object_get(a, "network"));
            const char *name = json_string_value(json_object_get(a, "name"));
            fputs("<tr", f);
            es__report_fattrs(f, p, rs_raw_name(b), NULL, net, -1);
            fputs("><td>", f);
            es__report_esc(f, rs_bname(b), 0, 0);
            fputs("</td><td class=\"who\">", f);
            es__report_esc_wrap(f, json_string_value(json_object_get(a, "author")));
            if (name && *name) {
                fputs("<br><small>", f);
                es__report_esc(f, name, 220, 12);
                fputs("</small>", f);
            }
            fputs("</td><td>", f);
            es__report_esc(f, net, 0, 0);
            fputs("</td><td>", f);
            es__report_esc(f, json_string_value(json_object_get(a, "kind")), 0, 0);
            fputs("</td>", f);
            count_cell(f, a, "followers", 1);
            count_cell(f, a, "n", 0);
            count_cell(f, a, "engagement", 0);
            fputs("<td class=\"text\">", f);
            const char *url = json_string_value(json_object_get(a, "url"));
            if (es__report_href_ok(url))
                rs_link(f, url, "open", 0);
            else
                fputs("\xE2\x80\x94", f);
            fputs("</td></tr>\n", f);
        }
        fputs("</table>\n", f);
    }
    fputs("<h3>Most engaged mentions</h3>\n<p class=\"note\">Per brand, up to 5 earned mentions with the most likes, "
          "reposts, replies and quotes together. Under the filters the rows follow the brand, the network and the date "
          "range; the five are the window's most engaged, so a selection may show fewer than five rather than its "
          "own top five, and a topic does not hide them.</p>\n",
          f);
    if (!ne) {
        rs_empty(f, p, "No engagement counted");
    } else {
        fputs("<table class=\"engaged\"><tr><th>Brand</th><th>Mention</th><th>Author</th><th class=\"n\">Likes</th>"
              "<th class=\"n\">Reposts</th><th class=\"n\">Replies</th><th class=\"n\">Followers</th><th>Sentiment</th>"
              "<th>When</th></tr>\n",
              f);
        json_array_foreach(brands, i, b) json_array_foreach(json_object_get(b, "engaged"), k, a) {
            const char *net = json_string_value(json_object_get(a, "network"));
            const char *title = json_string_value(json_object_get(a, "title"));
            const char *text = json_string_value(json_object_get(a, "text"));
            char when[40];
            es__report_fmt_time(rs_int(a, "at"), when, sizeof when);
            fputs("<tr", f);
            es__report_fattrs(f, p, rs_raw_name(b), NULL, net, rs_int(a, "at"));
            fputs("><td>", f);
            es__report_esc(f, rs_bname(b), 0, 0);
            fputs("</td><td class=\"text\">", f);
            rs_link(f, json_string_value(json_object_get(a, "url")), title && *title ? title : text, 330);
            fputs("</td><td class=\"who\">", f);
            es__report_esc_wrap(f, json_string_value(json_object_get(a, "author")));
            fputs("<br><small>", f);
            es__report_esc(f, net, 0, 0);
            fputs("</small></td>", f);
            count_cell(f, a, "likes", 0);
            count_cell(f, a, "reposts", 0);
            count_cell(f, a, "replies", 0);
            count_cell(f, a, "followers", 1);
            fputs("<td>", f);
            es__report_esc(f, json_string_value(json_object_get(a, "label")), 0, 0);
            fprintf(f, "</td><td>%s</td></tr>\n", when);
        }
        fputs("</table>\n", f);
    }
    fputs("</section>\n", f);
}
