/* Installed as <earshot/file.h>. Opening a file the configuration names without trusting what it is: a
 * FIFO would block open(2) or read(2) forever, a directory or device reads
 * as garbage or nothing. */
#ifndef EARSHOT_FILE_H
#define EARSHOT_FILE_H

#include <stddef.h>
#include <sys/stat.h>

#include <earshot/plugin.h>

/* Opens path read-only (following a symlink) without blocking, and keeps it
 * only if it is a regular file. Returns the descriptor (close-on-exec,
 * blocking again) with *st filled in (st may be NULL), or a negative ES_E*
 * code with a message such as "is a FIFO, not a regular file" or
 * strerror's text in err. */
ES_API int es_file_open_regular(const char *path, struct stat *st, char *err, size_t errlen);

#endif
