/*
 * One page from start to end: open the sink's database read-only, read
 * the figures and the state DB's reconciliation, render. Shared by
 * `earshot report` and the daemon's /report (live.c), so both pages are
 * the same page.
 */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include <earshot/plugin.h>
#include "reconcile.h"

int es__report_page_write(FILE *out, const es_report_source_t *src, const es_report_opts_t *o, char *err,
                         size_t errlen)
{
    es_report_page_t page = {.opts = o};
    es_report_db_t *db = NULL;
    int rc = es__report_db_open(src->dsn, src->state_dir, &db, err, errlen);
    if (rc < 0)
        return rc;
    page.db_label = es__report_db_label(db);
    es__report_db_cancel_on(db, src->cancel);
    char e2[256];
    rc = es__report_collect(db, o, &page.model, e2, sizeof e2);
    if (rc < 0) {
        snprintf(err, errlen, "reading %s: %s", page.db_label, e2);
        goto done;
    }
    es_state_t *st = src->state, *own = NULL;
    if (!st && es__state_open_readonly(src->state_dir, &own, e2, sizeof e2) == 0)
        st = own; /* beside the agent that keeps writing (WAL) */
    if (!st || es__state_reconcile(st, o->since, o->now, &page.recon) < 0) {
        /* The page is still worth having without the accounts part. */
        page.recon = NULL;
        page.recon_error = "the state database could not be read";
        if (src->on_warning)
            src->on_warning(src->state_dir);
    }
    es__state_close(own);
    es__report_filters_index(&page);
    rc = es__report_render(out, &page);
    if (rc < 0)
        snprintf(err, errlen, "cannot write the page");
done:
    json_decref(page.fidx);
    json_decref(page.model);
    json_decref(page.recon);
    es__report_db_close(db);
    return rc;
}
