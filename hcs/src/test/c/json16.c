/*
 * A validating JSON reader over UTF-16 text, enough for the double to reject malformed
 * documents with HCS_E_INVALID_JSON and to read the handful of fields it acts on.
 * Lookups re-scan the text; they assume json_valid() accepted the document.
 */
#include "double.h"

#include <stdlib.h>

#define MAX_DEPTH 64

static int is_digit(char16_t c) { return c >= '0' && c <= '9'; }

static int hex_value(char16_t c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static const char16_t *ws(const char16_t *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
        p++;
    }
    return p;
}

static const char16_t *skip_string(const char16_t *p)
{
    if (*p != '"') return NULL;
    for (p++;;) {
        char16_t c = *p;
        if (c == '"') return p + 1;
        if (c < 0x20) return NULL; /* includes the terminating NUL */
        if (c != '\\') {
            p++;
            continue;
        }
        switch (p[1]) {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
            p += 2;
            break;
        case 'u':
            for (int i = 2; i < 6; i++) {
                if (hex_value(p[i]) < 0) return NULL;
            }
            p += 6;
            break;
        default:
            return NULL;
        }
    }
}

static const char16_t *skip_number(const char16_t *p)
{
    if (*p == '-') p++;
    if (*p == '0') {
        p++;
    } else if (*p >= '1' && *p <= '9') {
        while (is_digit(*p)) p++;
    } else {
        return NULL;
    }
    if (*p == '.') {
        if (!is_digit(*++p)) return NULL;
        while (is_digit(*p)) p++;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-') p++;
        if (!is_digit(*p)) return NULL;
        while (is_digit(*p)) p++;
    }
    return p;
}

static const char16_t *skip_literal(const char16_t *p, const char *lit)
{
    for (; *lit; lit++, p++) {
        if (*p != (char16_t)*lit) return NULL;
    }
    return p;
}

static const char16_t *skip_value(const char16_t *p, int depth);

static const char16_t *skip_container(const char16_t *p, int depth, char16_t close, int object)
{
    p = ws(p + 1);
    if (*p == close) return p + 1;
    for (;;) {
        if (object) {
            p = skip_string(p);
            if (!p) return NULL;
            p = ws(p);
            if (*p != ':') return NULL;
            p++;
        }
        p = skip_value(p, depth + 1);
        if (!p) return NULL;
        p = ws(p);
        if (*p == close) return p + 1;
        if (*p != ',') return NULL;
        p = ws(p + 1);
    }
}

/* Returns the position just after the value starting at p (after white space), or NULL. */
static const char16_t *skip_value(const char16_t *p, int depth)
{
    if (depth > MAX_DEPTH) return NULL;
    p = ws(p);
    switch (*p) {
    case '{': return skip_container(p, depth, '}', 1);
    case '[': return skip_container(p, depth, ']', 0);
    case '"': return skip_string(p);
    case 't': return skip_literal(p, "true");
    case 'f': return skip_literal(p, "false");
    case 'n': return skip_literal(p, "null");
    default: return skip_number(p);
    }
}

int json_valid(const char16_t *s)
{
    if (!s) return 0;
    const char16_t *end = skip_value(s, 0);
    return end && *ws(end) == 0;
}

char16_t json_kind(const char16_t *value)
{
    return value ? *ws(value) : 0;
}

char16_t *json_string_dup(const char16_t *value)
{
    if (json_kind(value) != '"') return NULL;
    const char16_t *p = ws(value) + 1;
    char16_t *out = malloc((u16len(p) + 1) * sizeof(char16_t));
    size_t n = 0;
    while (*p != '"') {
        if (*p != '\\') {
            out[n++] = *p++;
            continue;
        }
        char16_t e = p[1];
        p += 2;
        switch (e) {
        case 'b': out[n++] = '\b'; break;
        case 'f': out[n++] = '\f'; break;
        case 'n': out[n++] = '\n'; break;
        case 'r': out[n++] = '\r'; break;
        case 't': out[n++] = '\t'; break;
        case 'u':
            out[n++] = (char16_t)(hex_value(p[0]) << 12 | hex_value(p[1]) << 8
                                  | hex_value(p[2]) << 4 | hex_value(p[3]));
            p += 4;
            break;
        default: out[n++] = e; break;
        }
    }
    out[n] = 0;
    return out;
}

const char16_t *json_member(const char16_t *obj, const char *key)
{
    if (json_kind(obj) != '{') return NULL;
    const char16_t *p = ws(ws(obj) + 1);
    while (*p == '"') {
        char16_t *name = json_string_dup(p);
        int match = u16eq_ascii(name, key);
        free(name);
        p = ws(ws(skip_string(p)) + 1); /* past the ':' */
        if (match) return p;
        p = ws(skip_value(p, 0));
        if (*p != ',') return NULL;
        p = ws(p + 1);
    }
    return NULL;
}

const char16_t *json_path(const char16_t *doc, const char *const *keys)
{
    for (; doc && *keys; keys++) {
        doc = json_member(doc, *keys);
    }
    return doc;
}

const char16_t *json_first(const char16_t *array)
{
    if (json_kind(array) != '[') return NULL;
    const char16_t *p = ws(ws(array) + 1);
    return *p == ']' ? NULL : p;
}

const char16_t *json_next(const char16_t *element)
{
    const char16_t *p = ws(skip_value(element, 0));
    return *p == ',' ? ws(p + 1) : NULL;
}

/* The value of an object's first member, or NULL; the member's key is skipped. */
const char16_t *json_first_value(const char16_t *obj)
{
    if (json_kind(obj) != '{') return NULL;
    const char16_t *p = ws(ws(obj) + 1);
    return *p == '"' ? ws(ws(skip_string(p)) + 1) : NULL;
}

/* The value of the member after the one whose value is `value`, or NULL. */
const char16_t *json_next_value(const char16_t *value)
{
    const char16_t *p = ws(skip_value(value, 0));
    if (*p != ',') return NULL;
    p = ws(p + 1);
    return *p == '"' ? ws(ws(skip_string(p)) + 1) : NULL;
}

int json_u64(const char16_t *value, uint64_t *out)
{
    if (!value) return 0;
    const char16_t *p = ws(value);
    if (!is_digit(*p)) return 0;
    uint64_t v = 0;
    for (; is_digit(*p); p++) {
        v = v * 10 + (uint64_t)(*p - '0');
    }
    if (*p == '.' || *p == 'e' || *p == 'E') return 0;
    *out = v;
    return 1;
}

int json_bool(const char16_t *value, int *out)
{
    char16_t k = json_kind(value);
    if (k != 't' && k != 'f') return 0;
    *out = k == 't';
    return 1;
}
