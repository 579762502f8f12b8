/*
 * The webhook sink's payload layer on its own: Slack rendering of alerts
 * and account findings (which the end-to-end test cannot produce from a
 * jsonl source), mixed batches, templates on non-mention records, template
 * errors, and the HMAC against RFC 4231's test vector.
 */
#include <jansson.h>
#include <string.h>

#include "mention.h"
#include "payload.h"
#include "sign.h"
#include "tap.h"
#include "template.h"

static es_rec_t *rec_json(es_record_kind_t kind, const char *text)
{
    json_t *o = json_loads(text, 0, NULL);
    if (!o) {
        diag("bad fixture JSON: %s", text);
        exit(1);
    }
    return es__rec_from_fields(kind, o);
}

static json_t *render(es_wh_format_t fmt, const es_wh_template_t *tpl, es_rec_t **recs, size_t n,
                      int single)
{
    const es_record_t *pub[8];
    for (size_t i = 0; i < n; i++)
        pub[i] = &recs[i]->pub;
    size_t len = 0;
    char *body = es_wh_payload(fmt, tpl, pub, n, single, &len);
    if (!body)
        return NULL;
    json_error_t je;
    json_t *doc = json_loadb(body, len, 0, &je);
    if (!doc)
        diag("not JSON (%s): %s", je.text, body);
    free(body);
    return doc;
}

int main(void)
{
    es_rec_t *alert = rec_json(ES_RECORD_ALERT,
        "{\"brand\":\"acme\",\"state\":\"began\",\"series\":\"acme/all\",\"count\":12,"
        "\"expected\":2.5,\"p_value\":0.0001,\"share\":0.6,\"bucket_start\":1700000000,"
        "\"bucket_end\":1700000300,\"top_terms\":[\"refund\",\"outage\"],"
        "\"examples\":[\"https://x.example/1\",\"https://x.example/2|<!here>\"]}");
    es_rec_t *ended = rec_json(ES_RECORD_ALERT,
        "{\"brand\":\"acme\",\"state\":\"ended\",\"count\":1,\"expected\":2.0}");
    es_rec_t *account = rec_json(ES_RECORD_ACCOUNT,
        "{\"event\":\"lookalike_seen\",\"network\":\"twitter\",\"handle\":\"acme_supp0rt\","
        "\"brand\":\"acme\",\"like\":\"acmesupport\",\"reason\":\"edit distance 1 to @acmesupport\","
        "\"score\":0.9,\"example_url\":\"https://twitter.example/acme_supp0rt/1\"}");
    es_mention_t m = {.id = "twitter:9", .network = "twitter", .author = "dan",
                      .text = "acme is down <again> & again", .url = "https://t.example/9",
                      .followers = 1200, .followers_given = 1};
    m.metrics[ES_METRIC_LIKES] = 12;
    m.metrics[ES_METRIC_VIEWS] = 1540;
    m.metrics_given = 1u << ES_METRIC_LIKES | 1u << ES_METRIC_VIEWS;
    es_rec_t *mention = es__rec_from_mention(&m, "src", NULL);
    es__rec_set_stage(mention, 0, "acme");
    if (!alert || !ended || !account || !mention)
        return 1;

    /* ---- alerts --------------------------------------------------------- */
    json_t *doc = render(ES_WH_SLACK, NULL, &alert, 1, 1);
    ok(doc != NULL, "alert: Slack payload is JSON");
    json_t *blocks = json_object_get(doc, "blocks");
    is_str(json_string_value(json_object_get(doc, "text")),
           "Negative spike for acme: 12 negative mentions (2.5 expected)", "alert: notification text");
    json_t *b0 = json_array_get(blocks, 0);
    is_str(json_string_value(json_object_get(b0, "type")), "header", "alert: starts with a header block");
    is_str(json_string_value(json_object_get(json_object_get(b0, "text"), "text")),
           "🚨 Negative spike: acme", "alert: header names the brand");
    json_t *fields = json_object_get(json_array_get(blocks, 1), "fields");
    is_int((long)json_array_size(fields), 7, "alert: seven fields");
    is_str(json_string_value(json_object_get(json_array_get(fields, 0), "text")),
           "*Negative mentions*\n12", "alert: count field");
    is_str(json_string_value(json_object_get(json_array_get(fields, 1), "text")), "*Expected*\n2.5",
           "alert: expected field");
    is_str(json_string_value(json_object_get(json_array_get(fields, 2), "text")), "*p-value*\np < 0.001",
           "alert: a readable p-value, not 0.0001 or 8.796e-24");
    is_str(json_string_value(json_object_get(json_array_get(fields, 3), "text")), "*Negative share*\n60%",
           "alert: the share as a percentage, not a raw fraction");
    is_str(json_string_value(json_object_get(json_array_get(fields, 4), "text")),
           "*From*\n2023-11-14 22:13 UTC", "alert: bucket start as UTC time");
    is_str(json_string_value(json_object_get(json_array_get(blocks, 2), "text") ?
               json_object_get(json_object_get(json_array_get(blocks, 2), "text"), "text") : NULL),
           "*Top terms:* refund, outage", "alert: top terms");
    json_t *ctx = json_array_get(json_object_get(json_array_get(blocks, 3), "elements"), 0);
    is_str(json_string_value(json_object_get(ctx, "text")),
           "<https://x.example/1|example 1> · https://x.example/2|&lt;!here&gt;",
           "alert: example links; a URL that would break the link markup is plain escaped text");
    json_decref(doc);

    doc = render(ES_WH_SLACK, NULL, &ended, 1, 1);
    b0 = json_array_get(json_object_get(doc, "blocks"), 0);
    is_str(json_string_value(json_object_get(json_object_get(b0, "text"), "text")),
           "✅ Spike ended: acme", "ended alert: a distinct header");
    is_str(json_string_value(json_object_get(doc, "text")),
           "Negative spike ended for acme: 1 negative mentions (2 expected)", "ended alert: text");
    json_decref(doc);

    /* ---- account findings ----------------------------------------------- */
    doc = render(ES_WH_SLACK, NULL, &account, 1, 1);
    blocks = json_object_get(doc, "blocks");
    is_str(json_string_value(json_object_get(json_object_get(json_array_get(blocks, 0), "text"), "text")),
           "*Account finding:* lookalike_seen — @acme_supp0rt on twitter (brand acme)\n"
           "edit distance 1 to @acmesupport",
           "account: finding, handle, network, brand, reason");
    is_str(json_string_value(json_object_get(doc, "text")), "Account finding: lookalike_seen @acme_supp0rt",
           "account: notification text");
    json_decref(doc);

    /* ---- a mixed batch -------------------------------------------------- */
    es_rec_t *mix[3] = {mention, alert, account};
    doc = render(ES_WH_SLACK, NULL, mix, 3, 0);
    blocks = json_object_get(doc, "blocks");
    size_t dividers = 0, headers = 0;
    size_t i;
    json_t *b;
    json_array_foreach(blocks, i, b)
    {
        const char *t = json_string_value(json_object_get(b, "type"));
        dividers += t && !strcmp(t, "divider");
        headers += t && !strcmp(t, "header");
    }
    is_int((long)dividers, 2, "mixed batch: records separated by dividers");
    is_int((long)headers, 1, "mixed batch: only the alert has a header");
    ok(json_array_size(blocks) <= 50, "mixed batch: within Slack's 50 blocks");
    is_str(json_string_value(json_object_get(doc, "text")),
           "[acme] mention by @dan: acme is down &lt;again&gt; &amp; again\n"
           "Negative spike for acme: 12 negative mentions (2.5 expected)\n"
           "Account finding: lookalike_seen @acme_supp0rt",
           "mixed batch: one notification line per record, escaped");
    json_decref(doc);

    /* ---- reach ---------------------------------------------------------- */
    doc = render(ES_WH_SLACK, NULL, &mention, 1, 1);
    fields = json_object_get(json_array_get(json_object_get(doc, "blocks"), 0), "fields");
    is_str(json_string_value(json_object_get(json_array_get(fields, json_array_size(fields) - 1), "text")),
           "*Reach*\n12 likes · 1540 views · 1200 followers", "mention: a Reach field with the counts given");
    json_decref(doc);
    doc = render(ES_WH_JSON, NULL, &mention, 1, 1);
    ok(json_integer_value(json_object_get(json_object_get(doc, "metrics"), "views")) == 1540 &&
           json_integer_value(json_object_get(doc, "followers")) == 1200 &&
           !json_object_get(json_object_get(doc, "metrics"), "reposts"),
       "json: metrics and followers as the record has them");
    json_decref(doc);
    char terr[256] = "";
    es_wh_template_t *rt = es_wh_template_parse("{\"likes\":\"{{metrics.likes}}\",\"who\":\"{{author}} ({{followers}})\"}",
                                                "inline", terr, sizeof terr);
    doc = rt ? render(ES_WH_TEMPLATE, rt, &mention, 1, 1) : NULL;
    ok(doc && json_integer_value(json_object_get(doc, "likes")) == 12 &&
           !strcmp(json_string_value(json_object_get(doc, "who")) ? json_string_value(json_object_get(doc, "who")) : "",
                   "dan (1200)"),
       "template: {{metrics.likes}} and {{followers}}");
    json_decref(doc);
    es_wh_template_free(rt);

    /* ---- json format ---------------------------------------------------- */
    doc = render(ES_WH_JSON, NULL, mix, 3, 0);
    ok(json_is_array(doc) && json_array_size(doc) == 3, "json: an array of three");
    is_str(json_string_value(json_object_get(json_array_get(doc, 1), "kind")), "alert",
           "json: alerts carry kind");
    is_int((long)json_integer_value(json_object_get(json_array_get(doc, 1), "count")), 12,
           "json: alert fields as given");
    json_decref(doc);

    /* ---- templates ------------------------------------------------------ */
    char err[256] = "";
    es_wh_template_t *tpl = es_wh_template_parse(
        "{\"summary\":\"{{kind}} for {{brand}}: {{count}} ({{top_terms}})\",\"n\":\"{{count}}\","
        "\"all\":\"{{record}}\",\"nested\":[\"{{sentiment.label}}\",\"x{{nope}}y\"]}",
        "inline", err, sizeof err);
    ok(tpl != NULL, "template: parses (%s)", err);
    doc = render(ES_WH_TEMPLATE, tpl, &alert, 1, 1);
    is_str(json_string_value(json_object_get(doc, "summary")),
           "alert for acme: 12 ([\"refund\",\"outage\"])", "template: text substitution");
    is_int((long)json_integer_value(json_object_get(doc, "n")), 12, "template: a lone placeholder keeps its type");
    is_str(json_string_value(json_object_get(json_object_get(doc, "all"), "series")), "acme/all",
           "template: {{record}} is the whole record");
    ok(json_is_null(json_array_get(json_object_get(doc, "nested"), 0)), "template: a missing path is null");
    is_str(json_string_value(json_array_get(json_object_get(doc, "nested"), 1)), "xy",
           "template: a missing field inside text is empty");
    json_decref(doc);
    doc = render(ES_WH_TEMPLATE, tpl, mix, 2, 0);
    ok(json_is_array(doc) && json_array_size(doc) == 2, "template: batches are arrays of payloads");
    json_decref(doc);
    es_wh_template_free(tpl);

    tpl = es_wh_template_parse("{\"t\":\"{{count|int}} vs {{expected|number}}, {{p_value|p}}, {{share|percent}}\","
                               "\"alone\":\"{{share|percent}}\",\"text\":\"{{brand|percent}}\"}",
                               "inline", err, sizeof err);
    ok(tpl != NULL, "template with filters parses (%s)", err);
    doc = render(ES_WH_TEMPLATE, tpl, &alert, 1, 1);
    is_str(json_string_value(json_object_get(doc, "t")), "12 vs 2.5, p < 0.001, 60%",
           "template filters: int, number, p, percent");
    is_str(json_string_value(json_object_get(doc, "alone")), "60%", "a lone filtered placeholder is text");
    is_str(json_string_value(json_object_get(doc, "text")), "acme", "a filter leaves a non-number as it is");
    json_decref(doc);
    es_wh_template_free(tpl);

    static const char *const bad[] = {"{\"a\":\"{{x}\"}", "{\"a\":\"{{}}\"}", "{\"a\":\"{{a b}}\"}",
                                      "{\"a\":\"{{x}}\",\"a\":1}", "[1,", "{\"a\":\"{{x|bogus}}\"}",
                                      "{\"a\":\"{{x|}}\"}"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        err[0] = '\0';
        tpl = es_wh_template_parse(bad[k], "t.json", err, sizeof err);
        ok(tpl == NULL && !strncmp(err, "t.json", 6), "template refused: %s -> %s", bad[k], err);
        es_wh_template_free(tpl);
    }

    /* ---- signature: RFC 4231 test case 2, split across the two parts ---- */
    char hex[ES_WH_SIG_HEX_LEN + 1];
    ok(es_wh_sign("Jefe", 4, "what do ya ", "want for nothing?", 17, hex) == 0, "HMAC computed");
    is_str(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
           "HMAC-SHA256 matches RFC 4231 test case 2");

    /* A mention of two brands, one of which wrote it, and a topic. */
    es_mention_t m2 = {.id = "twitter:10", .network = "twitter", .author = "acmecare",
                       .text = "acme vs globex prices", .url = "https://t.example/10"};
    es_rec_t *multi = es__rec_from_mention(&m2, "src", NULL);
    const char *bn[] = {"acme", "globex"}, *tn[] = {"pricing"}, *to[] = {"sales"};
    es__rec_set_matches(multi, bn, 2, tn, to, 1);
    es__rec_set_owned(multi, 0);
    doc = render(ES_WH_SLACK, NULL, &multi, 1, 1);
    char *dump = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    like(dump, "Brands*\\n", "slack: the Brands field");
    like(dump, "acme (own post), globex", "slack: every brand, the owned one marked");
    like(dump, "*Topics*\\npricing (sales)", "slack: topics with their team");
    free(dump);
    json_decref(doc);
    doc = render(ES_WH_JSON, NULL, &multi, 1, 1);
    dump = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    like(dump, "\"brands\":[\"acme\",\"globex\"],\"owned\":[\"acme\"],\"topics\":[\"pricing\"]",
         "json: the record's lists");
    free(dump);
    json_decref(doc);
    es__rec_free(multi);

    es__rec_free(alert);
    es__rec_free(ended);
    es__rec_free(account);
    es__rec_free(mention);
    return done_testing();
}
