/* es__accounts_load (core/accounts/inventory.c): the account inventory CSV, RFC 4180
 * quoting, any column order. Every loaded account is then looked up again
 * and its handle folded, as the stages do for each mention. */
#include <stdlib.h>

#include "fuzz.h"
#include "inventory.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0;
    const char *path = fuzz_file("accounts.csv", data, size);
    es_accounts_t *a = NULL;
    es_diag_t d = {0};
    if (es__accounts_load(path, &a, &d) == 0 && a) {
        for (size_t i = 0; i < a->n; i++) {
            const es_account_t *acc = &a->v[i];
            if (!acc->network || !acc->handle)
                abort();
            if (!es__accounts_find(a, acc->network, acc->handle))
                abort(); /* every loaded account is found by its own key */
            char folded[128];
            es__handle_fold(acc->handle, folded, sizeof folded);
        }
    }
    es__accounts_free(a);
    es__diag_free(&d);
    return 0;
}
