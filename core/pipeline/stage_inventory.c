/*
 * The inventory stage: who wrote the mention (official account, lookalike,
 * public), which official accounts it is written to, and therefore which
 * team owns it. It also feeds the state DB what reconciliation needs:
 * official posting activity, mentions addressed to each account and when
 * they were answered, and lookalike sightings.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "account_store.h"
#include "inventory.h"
#include "log.h"
#include "stages.h"
#include "util.h"

struct es_inventory {
    es_accounts_t *accounts; /* NULL: no inventory configured */
    es_acct_store_t *store;  /* NULL without a state DB (tests) */
    const es_config_t *cfg;  /* brands, for the keyword lookalike rule */
};

int es__inventory_load(const char *path, es_accounts_t **out, es_diag_t *diag)
{
    *out = NULL;
    if (!path || !*path)
        return 0;
    size_t before = diag->count;
    es_accounts_t *accounts = NULL;
    int rc = es__accounts_load(path, &accounts, diag);
    /* A bad row fails the whole file: half an inventory would make some
     * official accounts public, and their mentions go to the wrong team. */
    if (rc < 0 || diag->count > before) {
        es__accounts_free(accounts);
        return rc < 0 ? rc : ES_ECONFIG;
    }
    *out = accounts;
    return 0;
}

int es__inventory_new_from(const es_config_t *cfg, es_state_t *st, es_accounts_t *accounts, es_inventory_t **out)
{
    *out = NULL;
    es_inventory_t *inv = calloc(1, sizeof *inv);
    if (!inv) {
        es__accounts_free(accounts);
        return ES_ENOMEM;
    }
    inv->cfg = cfg;
    inv->accounts = accounts;
    int rc;
    if (st && (rc = es__acct_store_new(st, &inv->store)) < 0) {
        es__inventory_free(inv);
        return rc;
    }
    if (inv->store && inv->accounts)
        es__acct_store_snapshot(inv->store, inv->accounts);
    *out = inv;
    return 0;
}

int es__inventory_new(const es_config_t *cfg, es_state_t *st, es_inventory_t **out, es_diag_t *diag)
{
    *out = NULL;
    es_accounts_t *accounts;
    int rc = es__inventory_load(cfg->inventory, &accounts, diag);
    return rc < 0 ? rc : es__inventory_new_from(cfg, st, accounts, out);
}

void es__inventory_free(es_inventory_t *inv)
{
    if (!inv)
        return;
    es__accounts_free(inv->accounts);
    es__acct_store_free(inv->store);
    free(inv);
}

size_t es__inventory_size(const es_inventory_t *inv) { return inv->accounts ? inv->accounts->n : 0; }

/* Calls visit for each @handle in text (letters, digits, '_', '.'). */
static void each_at_handle(const char *text, void (*visit)(const char *h, void *arg), void *arg)
{
    if (!text)
        return;
    for (const char *p = text; (p = strchr(p, '@')) != NULL; p++) {
        if (p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '_'))
            continue; /* e-mail addresses are not handles */
        const char *s = p + 1, *e = s;
        while (isalnum((unsigned char)*e) || *e == '_' || *e == '.')
            e++;
        while (e > s && e[-1] == '.')
            e--; /* a sentence's full stop */
        if (e - s >= 1 && e - s < 64) {
            char h[64];
            memcpy(h, s, (size_t)(e - s));
            h[e - s] = '\0';
            visit(h, arg);
        }
        p = e > p ? e - 1 : p;
    }
}

typedef struct addr_ctx {
    es_inventory_t *inv;
    const char *network;
    const es_account_t *found[8];
    size_t n;
} addr_ctx_t;

static void add_addressed(const char *handle, void *arg)
{
    addr_ctx_t *c = arg;
    const es_account_t *ac = es__accounts_find(c->inv->accounts, c->network, handle);
    if (!ac || c->n == 8)
        return;
    for (size_t i = 0; i < c->n; i++)
        if (c->found[i] == ac)
            return;
    c->found[c->n++] = ac;
}

int es__inventory_apply(es_inventory_t *inv, es_rec_t *rec, json_t **account_event)
{
    *account_event = NULL;
    es_mention_t *m = &rec->m;
    int64_t at = m->created_at ? m->created_at : es__now_s();
    const es_account_t *author = es__accounts_find(inv->accounts, m->network, m->author);
    int rc = 0;

    /* Accounts the mention is written to: the author it replies to, the
     * handles the source listed, and @handles in the text. */
    addr_ctx_t ac = {.inv = inv, .network = m->network};
    if (es__inventory_size(inv)) { /* else no handle can be an account */
        if (m->reply_to_author)
            add_addressed(m->reply_to_author, &ac);
        for (size_t i = 0; i < m->n_addressed; i++)
            add_addressed(m->addressed[i], &ac);
        each_at_handle(m->text, add_addressed, &ac);
    }

    if (author) {
        es__rec_set_stage_literal(rec, 1, "official");
        if (rc == 0)
            rc = es__rec_set_stage(rec, 2, author->owner && *author->owner ? author->owner : NULL);
        if (inv->store) {
            es__acct_store_post(inv->store, author, at);
            if (m->in_reply_to || m->reply_to_author)
                es__acct_store_reply(inv->store, author, m->in_reply_to, m->reply_to_author, at);
        }
    } else if (m->author && *m->author) {
        es_lookalike_t lk;
        /* Without an inventory nothing is known to be official, so
         * nothing can be said to imitate it. */
        if (inv->accounts && es__lookalike_check(inv->accounts, inv->cfg, m->network, m->author, &lk)) {
            es__rec_set_stage_literal(rec, 1, "lookalike");
            /* An impostor's post concerns the brand it imitates, named or not. */
            if (rc == 0 && !m->brand && lk.brand && *lk.brand)
                rc = es__rec_set_stage(rec, 0, lk.brand);
            char handle[128];
            snprintf(handle, sizeof handle, "%s", m->author[0] == '@' ? m->author + 1 : m->author);
            for (char *p = handle; *p; p++)
                *p = (char)tolower((unsigned char)*p);
            int first = inv->store ? es__acct_store_lookalike(inv->store, m->network, handle, lk.brand,
                                                             lk.like ? lk.like->handle : NULL, lk.reason,
                                                             lk.score, m->url, at)
                                   : 1;
            if (first == 1)
                *account_event = json_pack("{s:s,s:s,s:s,s:s?,s:s?,s:s,s:f,s:s?,s:s,s:I}", "event",
                                           "lookalike_seen", "network", m->network, "handle", handle,
                                           "brand", lk.brand, "like", lk.like ? lk.like->handle : NULL,
                                           "reason", lk.reason, "score", lk.score, "example_url", m->url,
                                           "mention_id", m->id, "first_seen", (json_int_t)at);
        } else {
            es__rec_set_stage_literal(rec, 1, "public");
        }
        if (ac.n && rc == 0) {
            rc = es__rec_set_stage(rec, 2, ac.found[0]->owner && *ac.found[0]->owner ? ac.found[0]->owner : NULL);
            if (inv->store)
                for (size_t i = 0; i < ac.n; i++)
                    es__acct_store_addressed(inv->store, m->id, ac.found[i], m->author, at);
        }
    }
    if (ac.n && rc == 0)
        rc = es__rec_set_stage(rec, 3, ac.found[0]->handle);
    /* A mention written to or by one of the brand's accounts is about the
     * brand even when it never names it. */
    if (!m->brand && rc == 0) {
        const es_account_t *b = author ? author : ac.n ? ac.found[0] : NULL;
        if (b && b->brand && *b->brand)
            rc = es__rec_set_stage(rec, 0, b->brand);
    }
    /* Owned, not earned: the brand's own account wrote it. An account
     * listed without a brand speaks for every brand it names. */
    if (author && rc == 0)
        for (size_t i = 0; i < m->n_brands; i++)
            if (!author->brand || !*author->brand || !strcmp(author->brand, m->brands[i]))
                es__rec_set_owned(rec, i);
    return rc;
}
