/* Inventory CSV parsing, handle lookup, lookalike detection (both ways:
 * impostors flagged, ordinary customers not) and the stage built from a
 * read done apart (a reload on the thread pool). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inventory.h"
#include "stages.h"
#include "tap.h"

static char path[256];

static char *load_text(const char *text, es_accounts_t **out)
{
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    es_diag_t d = {0};
    es__accounts_load(path, out, &d);
    size_t n = 1;
    for (size_t i = 0; i < d.count; i++)
        n += strlen(d.msgs[i]) + 1;
    char *s = calloc(1, n);
    for (size_t i = 0; i < d.count; i++)
        strcat(strcat(s, d.msgs[i]), "\n");
    es__diag_free(&d);
    return s;
}

static void flagged(const es_accounts_t *a, const es_config_t *cfg, const char *handle, const char *why)
{
    es_lookalike_t lk;
    int r = es__lookalike_check(a, cfg, "twitter", handle, &lk);
    ok(r, "@%s is a lookalike (%s)", handle, why);
    if (r)
        diag("  reason: %s (score %.2f)", lk.reason, lk.score);
}

static void clean(const es_accounts_t *a, const es_config_t *cfg, const char *handle, const char *why)
{
    es_lookalike_t lk;
    int r = es__lookalike_check(a, cfg, "twitter", handle, &lk);
    ok(!r, "@%s is not flagged (%s)", handle, why);
    if (r)
        diag("  wrongly flagged: %s", lk.reason);
}

int main(void)
{
    snprintf(path, sizeof path, "/tmp/es-inventory-test.%d.csv", (int)getpid());
    es_accounts_t *a = NULL;
    char *msgs;

    msgs = load_text("network,handle,brand,owner,status\n"
                     "twitter,Ok,acme,care,active\n"
                     "twitter,Bad,acme,care,retired\n"
                     "twitter,,acme,care,active\n"
                     "twitter,\"Open,acme,care,active\n"
                     "twitter,ok,acme,care,dormant\n",
                     &a);
    like(msgs, ":3: status must be active, dormant or sunset, got 'retired'", "bad status reported with file:line");
    like(msgs, ":4: network and handle are required", "missing handle reported");
    like(msgs, ":5: unterminated quote", "unterminated quote reported");
    like(msgs, ":6: duplicate account twitter:ok (first at line 2)", "case-insensitive duplicate reported");
    is_int(a->n, 1, "the good row is kept");
    free(msgs);
    es__accounts_free(a);

    msgs = load_text("handle,network,brand\nx,twitter,acme\n", &a);
    like(msgs, ":1: header lacks the column 'owner'", "missing column named");
    free(msgs);
    es__accounts_free(a);

    const char *src = getenv("top_srcdir");
    char inv[512];
    snprintf(inv, sizeof inv, "%s/tests/data/accounts/inventory.csv", src ? src : ".");
    es_diag_t d = {0};
    int rc = es__accounts_load(inv, &a, &d);
    ok(rc == 0 && d.count == 0, "fixture inventory loads cleanly");
    is_int(a->n, 27, "27 accounts");
    es__diag_free(&d);
    const es_account_t *ac = es__accounts_find(a, "twitter", "@acmesupport");
    ok(ac && !strcmp(ac->owner, "care"), "lookup ignores case and a leading @");
    ok(!es__accounts_find(a, "reddit", "AcmeSupport"), "lookup is per network");
    ac = es__accounts_find(a, "twitter", "AcmeFrance");
    is_str(ac ? ac->notes : NULL, "compte FR, support en français", "quoted field with a comma");

    char f[64];
    es__handle_fold("@Acme_Supp0rt", f, sizeof f);
    is_str(f, "acmesupport", "fold: case, @, '_' and 0->o");
    es__handle_fold("A.c-r-n-e", f, sizeof f);
    is_str(f, "acrne", "fold: separators removed before pairs are seen");
    es__handle_fold("Acrne", f, sizeof f);
    is_str(f, "acme", "fold: rn->m");
    es__handle_fold("VVidget5", f, sizeof f);
    is_str(f, "wldgets", "fold: vv->w, 5->s, and i->l (I, l and 1 look alike)");
    es__handle_fold("G10b3x", f, sizeof f);
    is_str(f, "globex", "fold: 1->l, 0->o, 3->e");
    is_int(es__edit_distance("acmesupport", "acmesuport", 2), 1, "edit distance 1");
    is_int(es__edit_distance("kitten", "sitting", 5), 3, "edit distance 3");
    is_int(es__edit_distance("abc", "abcdefgh", 2), 3, "capped distance");

    /* Brands for the keyword rule. */
    es_config_t cfg = {0};
    es_brand_cfg_t brands[2] = {0};
    char *acme_kw[] = {"acme"}, *globex_kw[] = {"globex"};
    brands[0].name = "acme", brands[0].keywords = acme_kw, brands[0].n_keywords = 1;
    brands[1].name = "globex", brands[1].keywords = globex_kw, brands[1].n_keywords = 1;
    cfg.brands = brands;
    cfg.n_brands = 2;

    flagged(a, &cfg, "Acme_Support", "separator variant of @AcmeSupport");
    flagged(a, &cfg, "AcmeSupp0rt", "0 for o");
    flagged(a, &cfg, "AcmeSupporl", "l for t, one edit");
    flagged(a, &cfg, "AcmeSuport", "one letter dropped");
    flagged(a, &cfg, "AcrneSupport", "rn for m");
    flagged(a, &cfg, "Acrne", "rn for m on a short handle");
    flagged(a, &cfg, "G1obexCare", "1 for l");
    flagged(a, &cfg, "GIobexCare", "capital I for l");
    flagged(a, &cfg, "VVidgetWorks", "vv for w");
    flagged(a, &cfg, "Widget5", "5 for s");
    flagged(a, &cfg, "Acm3UK", "3 for e");
    flagged(a, &cfg, "AcmeHelpDesk", "brand + service words");
    flagged(a, &cfg, "OfficialAcme", "service word before the brand");
    flagged(a, &cfg, "acme_care_us", "brand + service word + country code");
    flagged(a, &cfg, "GlobexSupportUK", "other brand + service word + country");

    clean(a, &cfg, "acmefan", "brand + an ordinary word");
    clean(a, &cfg, "john_acme", "a customer's name with the brand");
    clean(a, &cfg, "acme_lover_92", "fan account");
    clean(a, &cfg, "Acne", "a different short word one edit away");
    clean(a, &cfg, "Acmeville", "a town");
    clean(a, &cfg, "SupportAcmeWorkers", "brand inside other words");
    clean(a, &cfg, "jdoe", "unrelated");
    clean(a, &cfg, "AcmeSupportFan99", "too far from any official handle");
    es_lookalike_t lk;
    ok(!es__lookalike_check(a, &cfg, "reddit", "AcmeSupp0rt", &lk) || lk.like == NULL,
       "rule 1 compares only with accounts of the same network");

    FILE *out = fopen(path, "w");
    es__accounts_write_csv(a, out);
    fclose(out);
    es_accounts_t *b = NULL;
    es__accounts_load(path, &b, &d);
    ok(b && b->n == a->n && d.count == 0, "write_csv round-trips");
    int same = b && b->n == a->n;
    for (size_t i = 0; same && i < a->n; i++)
        same = !strcmp(a->v[i].key, b->v[i].key) && !strcmp(a->v[i].owner, b->v[i].owner) &&
               !strcmp(a->v[i].notes, b->v[i].notes) && a->v[i].status == b->v[i].status;
    ok(same, "every field survives the round trip");
    es__diag_free(&d);
    es__accounts_free(b);
    es__accounts_free(a);

    /* The daemon reads a changed file on the thread pool
     * (es__inventory_load) and builds the stage on the loop
     * (es__inventory_new_from): the read alone must refuse what a start
     * refuses, and hand over nothing then. */
    out = fopen(path, "w");
    fputs("network,handle,brand,owner,status\ntwitter,Ok,acme,care,active\ntwitter,Bad,acme,care,retired\n", out);
    fclose(out);
    a = (es_accounts_t *)&d; /* must be reset */
    is_int(es__inventory_load(path, &a, &d), ES_ECONFIG, "load: a bad row fails the file");
    ok(a == NULL && d.count == 1, "with nothing loaded and the row's diagnostic");
    es__diag_free(&d);
    unlink(path);
    is_int(es__inventory_load(path, &a, &d), ES_EIO, "load: a missing file is ES_EIO");
    like(d.count ? d.msgs[0] : "", "cannot open inventory", "and says so");
    es__diag_free(&d);
    ok(es__inventory_load(NULL, &a, &d) == 0 && a == NULL && d.count == 0, "load: no inventory configured");
    is_int(es__inventory_load(inv, &a, &d), 0, "load: the fixture");
    es_inventory_t *stage = NULL;
    is_int(es__inventory_new_from(&cfg, NULL, a, &stage), 0, "new_from builds the stage on what was loaded");
    is_int(stage ? es__inventory_size(stage) : 0, 27, "with its 27 accounts");
    es__inventory_free(stage);
    es__diag_free(&d);
    return done_testing();
}
