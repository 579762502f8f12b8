/* Secrets named in config values: ${file:/path} and ${credential:NAME}.
 * Kept apart from the parser so the rules about who may read a secret
 * live in one place. */
#ifndef ES_CONFIG_SECRET_H
#define ES_CONFIG_SECRET_H

#include <stddef.h>

/* Reads the first line of the secret file `path` (without its line end)
 * into a malloc'd string at *out. The file must be a regular file that
 * neither group nor others can read: a secret one chmod away from every
 * local user is not one. Returns 0, ES_ENOMEM, or ES_EIO / ES_ECONFIG (mode) with a
 * message in err that names the file. */
int es__secret_read_file(const char *path, char **out, char *err, size_t errlen);

/* Reads the systemd credential NAME (LoadCredential=NAME:PATH in the unit)
 * from $CREDENTIALS_DIRECTORY. systemd puts credentials in a directory
 * only the service's user (a DynamicUser= too) can enter, so the file's
 * mode bits are not checked. NAME must be a plain file name. Returns 0,
 * ES_ENOMEM, or ES_EINVAL / ES_EIO with a message in err. */
int es__secret_read_credential(const char *name, char **out, char *err, size_t errlen);

#endif
