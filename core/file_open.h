/* Opening a file the configuration names without trusting what it is: a
 * FIFO would block open(2) or read(2) forever, a directory or device reads
 * as garbage or nothing. */
#ifndef ES_FILE_OPEN_H
#define ES_FILE_OPEN_H

#include <stddef.h>
#include <sys/stat.h>

/* Opens path read-only (following a symlink) without blocking, and keeps it
 * only if it is a regular file. Returns the descriptor (close-on-exec,
 * blocking again) with *st filled in (st may be NULL), or a negative ES_E*
 * code with a message such as "is a FIFO, not a regular file" or
 * strerror's text in err. */
int es_file_open_regular(const char *path, struct stat *st, char *err, size_t errlen);

#endif
