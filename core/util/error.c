/* es_strerror(): one table so every CLI message and log line names errors
 * the same way. */
#include <earshot/plugin.h>

const char *es_strerror(int err)
{
    switch (err) {
    case ES_OK: return "success";
    case ES_ENOMEM: return "out of memory";
    case ES_EINVAL: return "invalid argument";
    case ES_EIO: return "input/output error";
    case ES_ENOENT: return "not found";
    case ES_EPARSE: return "parse error";
    case ES_EABI: return "plugin ABI mismatch";
    case ES_ECONFIG: return "invalid configuration";
    case ES_EHTTP: return "HTTP transfer failed";
    case ES_ETIMEDOUT: return "timed out";
    case ES_EDB: return "state database error";
    case ES_EAGAIN: return "resource temporarily unavailable";
    case ES_EEXIST: return "already exists";
    case ES_ECANCELED: return "operation cancelled";
    case ES_ETOOBIG: return "too large";
    case ES_ENOTSUP: return "not supported";
    case ES_ESTATE: return "invalid state for this operation";
    default: return "unknown error";
    }
}
