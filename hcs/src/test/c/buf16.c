/*
 * UTF-16 string helpers, a growable UTF-16 JSON writer, and the registry of result documents
 * handed to the caller (so tests can prove every document was freed exactly once).
 */
#include "double.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *checked(void *p)
{
    if (!p) {
        fputs("computecore double: out of memory\n", stderr);
        abort();
    }
    return p;
}

static void reserve(buf16 *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap) {
        return;
    }
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1) {
        cap *= 2;
    }
    b->data = checked(realloc(b->data, cap * sizeof(char16_t)));
    b->cap = cap;
}

static void b_char(buf16 *b, char16_t c)
{
    reserve(b, 1);
    b->data[b->len++] = c;
}

void b_ascii(buf16 *b, const char *s)
{
    while (*s) {
        b_char(b, (char16_t)(unsigned char)*s++);
    }
}

static void b_escaped(buf16 *b, char16_t c)
{
    static const char hex[] = "0123456789abcdef";
    switch (c) {
    case '"': b_ascii(b, "\\\""); return;
    case '\\': b_ascii(b, "\\\\"); return;
    case '\n': b_ascii(b, "\\n"); return;
    case '\r': b_ascii(b, "\\r"); return;
    case '\t': b_ascii(b, "\\t"); return;
    default: break;
    }
    if (c < 0x20) {
        char esc[7] = {'\\', 'u', '0', '0', hex[(c >> 4) & 0xF], hex[c & 0xF], 0};
        b_ascii(b, esc);
    } else {
        b_char(b, c);
    }
}

void b_quoted(buf16 *b, const char16_t *s)
{
    b_char(b, '"');
    for (; *s; s++) {
        b_escaped(b, *s);
    }
    b_char(b, '"');
}

void b_quoted_ascii(buf16 *b, const char *s)
{
    b_char(b, '"');
    for (; *s; s++) {
        b_escaped(b, (char16_t)(unsigned char)*s);
    }
    b_char(b, '"');
}

void b_i64(buf16 *b, int64_t v)
{
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%lld", (long long)v);
    b_ascii(b, tmp);
}

void b_u64(buf16 *b, uint64_t v)
{
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)v);
    b_ascii(b, tmp);
}

char16_t *b_finish(buf16 *b)
{
    reserve(b, 0);
    b->data[b->len] = 0;
    char16_t *out = b->data;
    b->data = NULL;
    b->len = b->cap = 0;
    return out;
}

size_t u16len(const char16_t *s)
{
    size_t n = 0;
    while (s[n]) {
        n++;
    }
    return n;
}

char16_t *u16dup(const char16_t *s)
{
    if (!s) {
        return NULL;
    }
    size_t bytes = (u16len(s) + 1) * sizeof(char16_t);
    return memcpy(checked(malloc(bytes)), s, bytes);
}

int u16eq(const char16_t *a, const char16_t *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

int u16eq_ascii(const char16_t *a, const char *b)
{
    while (*a && *a == (char16_t)(unsigned char)*b) {
        a++;
        b++;
    }
    return *a == (char16_t)(unsigned char)*b;
}

/* ---- documents owned by the caller until LocalFree ---- */

static void **g_docs;
static size_t g_doc_count;
static size_t g_doc_cap;

char16_t *doc_publish(const char16_t *src)
{
    if (!src) {
        return NULL;
    }
    if (g_doc_count == g_doc_cap) {
        g_doc_cap = g_doc_cap ? g_doc_cap * 2 : 16;
        g_docs = checked(realloc(g_docs, g_doc_cap * sizeof(void *)));
    }
    char16_t *copy = u16dup(src);
    g_docs[g_doc_count++] = copy;
    return copy;
}

int doc_release(void *p)
{
    for (size_t i = 0; i < g_doc_count; i++) {
        if (g_docs[i] == p) {
            free(p);
            g_docs[i] = g_docs[--g_doc_count];
            return 1;
        }
    }
    return 0;
}

int doc_outstanding(void)
{
    return (int)g_doc_count;
}

void doc_reset(void)
{
    for (size_t i = 0; i < g_doc_count; i++) {
        free(g_docs[i]);
    }
    g_doc_count = 0;
}
