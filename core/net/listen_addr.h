/* "ADDRESS:PORT" as metrics_listen takes it, parsed in one place so `check`
 * refuses exactly what `run` would. */
#ifndef ES_LISTEN_ADDR_H
#define ES_LISTEN_ADDR_H

#include <stddef.h>
#include <sys/socket.h>

/* Parses "127.0.0.1:9464" or "[::1]:9464" (a numeric address and a port
 * 1..65535) into *ss. Returns 0, or ES_EINVAL with a message naming the
 * value in err. */
int es__listen_addr_parse(const char *listen, struct sockaddr_storage *ss, char *err, size_t errlen);

#endif
