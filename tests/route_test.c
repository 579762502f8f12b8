#include <stdlib.h>
#include <string.h>

#include "mention.h"
#include "stages.h"
#include "tap.h"
#include "util.h"

static es_rec_t *mk(const char *network, const char *text, const char *brand, const char *label,
                    double compound)
{
    es_mention_t m = {.id = "x:1", .network = network, .text = text};
    es_rec_t *r = es__rec_from_mention(&m, "src", NULL);
    es__rec_set_stage(r, 0, brand);
    if (label) {
        r->m.sentiment.label = label;
        r->m.sentiment.compound = compound;
    }
    return r;
}

static void set_list(char ***items, size_t *n, const char *s)
{
    es__split_list(s, items, n);
}

int main(void)
{
    /* brand keyword matching */
    ok(es__brand_text_has("I love Acme!", "acme"), "case-insensitive word match");
    ok(es__brand_text_has("#acme rocks", "acme"), "hashtag matches");
    ok(es__brand_text_has("cc @acme", "acme"), "handle matches");
    ok(es__brand_text_has("acme", "acme"), "whole text matches");
    ok(!es__brand_text_has("acmeville is nice", "acme"), "no match inside a longer word");
    ok(!es__brand_text_has("the macme thing", "acme"), "no match at a word's end");
    ok(!es__brand_text_has("acm\xC3\xA9", "acm"), "a UTF-8 letter continues the word");
    ok(es__brand_text_has("Acme Corp support", "acme corp"), "multi-word keyword");
    ok(!es__brand_text_has(NULL, "acme"), "NULL text");

    es_route_t any = {0};
    es_rec_t *r = mk("twitter", "bad", "acme", "negative", -0.7);
    ok(es__route_match(&any, r), "empty route accepts everything");

    es_route_t k = {0};
    set_list(&k.kinds, &k.n_kinds, "alert");
    ok(!es__route_match(&k, r), "match.kind = alert rejects a mention");
    es__strv_free(k.kinds, k.n_kinds);

    es_route_t b = {0};
    set_list(&b.brands, &b.n_brands, "other, acme");
    set_list(&b.networks, &b.n_networks, "twitter");
    ok(es__route_match(&b, r), "brand and network lists accept");
    es_rec_t *r2 = mk("rss", "bad", "acme", "negative", -0.7);
    ok(!es__route_match(&b, r2), "network not in list rejects");
    es_rec_t *r3 = mk("twitter", "bad", NULL, "negative", -0.7);
    ok(!es__route_match(&b, r3), "brand filter rejects a record without brand");

    es_route_t l = {0};
    set_list(&l.labels, &l.n_labels, "negative");
    ok(es__route_match(&l, r), "label negative accepted");
    es_rec_t *pos = mk("twitter", "good", "acme", "positive", 0.8);
    ok(!es__route_match(&l, pos), "label positive rejected");
    es_rec_t *unscored = mk("twitter", "x", "acme", NULL, 0);
    ok(!es__route_match(&l, unscored), "unscored mention rejected by a label filter");

    es_route_t c = {.has_max = 1, .compound_max = -0.5};
    ok(es__route_match(&c, r), "compound -0.7 <= -0.5 accepted");
    c.compound_max = -0.8;
    ok(!es__route_match(&c, r), "compound -0.7 > -0.8 rejected");
    es_route_t c2 = {.has_min = 1, .compound_min = 0.5};
    ok(es__route_match(&c2, pos), "compound_min accepts 0.8");
    ok(!es__route_match(&c2, r), "compound_min rejects -0.7");

    json_t *f = json_pack("{s:s,s:s}", "brand", "acme", "owner", "care");
    es_rec_t *alert = es__rec_from_fields(ES_RECORD_ALERT, f);
    es_route_t ak = {0};
    set_list(&ak.kinds, &ak.n_kinds, "alert");
    set_list(&ak.owners, &ak.n_owners, "care");
    ok(es__route_match(&ak, alert), "alert routed by kind and owner from its fields");
    like(es_record_json(&alert->pub, NULL), "\"kind\":\"alert\"", "alert JSON names its kind");

    /* A deletion goes wherever the mention may be: only kind and network
     * narrow it. */
    es_rec_t *del = es__rec_from_fields(ES_RECORD_DELETION, json_pack("{s:s,s:s,s:s}", "id", "twitter:9",
                                                                     "network", "twitter", "action", "delete"));
    ok(es__route_match(&any, del), "a deletion goes to a sink without filters");
    ok(es__route_match(&b, del), "... and past brand filters (the mention's brand is not known)");
    ok(es__route_match(&l, del) && es__route_match(&c, del) && es__route_match(&ak, del) == 0,
       "... and past label and compound filters, not past match.kind");
    ok(!es__route_match(&b, r2) && es__route_match(&b, del), "... network filters still apply");
    es_rec_t *del_rss = es__rec_from_fields(ES_RECORD_DELETION, json_pack("{s:s,s:s}", "id", "rss:1", "network", "rss"));
    ok(!es__route_match(&b, del_rss), "a deletion of another network is not routed by a network filter");
    like(es_record_json(&del->pub, NULL), "\"kind\":\"deletion\"", "deletion JSON names its kind");
    es_rec_t *back = es__rec_from_json(es_record_json(&del->pub, NULL));
    ok(back && back->pub.kind == ES_RECORD_DELETION, "a spooled deletion is read back as one");
    es__rec_free(back);
    es__rec_free(del);
    es__rec_free(del_rss);

    es__strv_free(b.brands, b.n_brands);
    es__strv_free(b.networks, b.n_networks);
    es__strv_free(l.labels, l.n_labels);
    es__strv_free(ak.kinds, ak.n_kinds);
    es__strv_free(ak.owners, ak.n_owners);
    es__rec_free(r);
    es__rec_free(r2);
    es__rec_free(r3);
    es__rec_free(pos);
    es__rec_free(unscored);
    es__rec_free(alert);
    return done_testing();
}
