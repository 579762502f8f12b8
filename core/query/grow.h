/* The growable arrays of core/query/: room for `need` elements of `elem`
 * bytes in *p, doubling from 16. 0, or -1 on ENOMEM (*p unchanged). */
#ifndef ES_QUERY_GROW_H
#define ES_QUERY_GROW_H

#include <stdlib.h>

static inline int es__query_grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t nc = *cap ? *cap : 16;
    while (nc < need)
        nc *= 2;
    void *np = realloc(*p, nc * elem);
    if (!np)
        return -1;
    *p = np;
    *cap = nc;
    return 0;
}

#endif
