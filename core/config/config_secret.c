#include "config_secret.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <earshot/file.h>
#include <earshot/plugin.h>
#include "util.h"

/* Reads the first line of an opened file; an empty file is an empty
 * secret (the caller may then refuse it as a value). */
static int first_line(int fd, char **out, const char *path, char *err, size_t errlen)
{
    FILE *f = fdopen(fd, "r");
    if (!f) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        close(fd);
        return ES_EIO;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t r = getline(&line, &cap, f);
    int rc = 0;
    if (r < 0) {
        free(line);
        line = NULL;
        if (ferror(f)) {
            snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
            rc = ES_EIO;
        } else if (!(line = es__strdup(""))) {
            rc = ES_ENOMEM;
        }
    } else {
        line[strcspn(line, "\r\n")] = '\0';
    }
    fclose(f);
    *out = line;
    return rc;
}

int es__secret_read_file(const char *path, char **out, char *err, size_t errlen)
{
    struct stat st;
    char ferr[256];
    *out = NULL;
    int fd = es_file_open_regular(path, &st, ferr, sizeof ferr);
    if (fd < 0) {
        snprintf(err, errlen, "cannot read secret file %s: %s", path, ferr);
        return ES_EIO;
    }
    if (st.st_mode & 077) {
        close(fd);
        snprintf(err, errlen, "secret file %s must not be readable by group or others (chmod 600)", path);
        return ES_ECONFIG;
    }
    return first_line(fd, out, path, err, errlen);
}

int es__secret_read_credential(const char *name, char **out, char *err, size_t errlen)
{
    *out = NULL;
    if (!*name || strchr(name, '/') || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
        snprintf(err, errlen, "credential name '%s' is not a plain file name", name);
        return ES_EINVAL;
    }
    const char *dir = getenv("CREDENTIALS_DIRECTORY");
    if (!dir || !*dir) {
        snprintf(err, errlen,
                 "credential %s: CREDENTIALS_DIRECTORY is not set (give the unit LoadCredential=%s:/path/to/file)",
                 name, name);
        return ES_EINVAL;
    }
    char *path = es__asprintf("%s/%s", dir, name);
    if (!path)
        return ES_ENOMEM;
    struct stat st;
    char ferr[256];
    int fd = es_file_open_regular(path, &st, ferr, sizeof ferr);
    int rc;
    if (fd < 0) {
        snprintf(err, errlen, "cannot read credential %s (%s): %s", name, path, ferr);
        rc = ES_EIO;
    } else {
        rc = first_line(fd, out, path, err, errlen);
    }
    free(path);
    return rc;
}
