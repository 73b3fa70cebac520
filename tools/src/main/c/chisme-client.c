/*
 * chisme-client: the chisme CLI without a JVM, for the calls cron, hooks, publishers, rpcd and CGI make
 * (shared-state, shared-state-async, shared-state-multiwriter, status, get, ...). It sends the command line to the running node's
 * admin socket as one JSON line and prints what the node's CLI printed (admin op "cli",
 * tools/src/main/java/chisme/tools/CliOp.java):
 *
 *   -> {"op":"cli","argv":["shared-state","get","dnsmasq-hosts"],"stdin":"..."}\n
 *   <- {"ok":true,"result":{"exit":0,"out64":"BASE64","err":"..."}}\n   (stdout as base64: it may be binary)
 *   <- {"ok":false,"code":"NOT_FOUND","error":"..."}\n          (an admin error)
 *
 * The socket is found as the Java CLI finds it (node/.../config/AdminPaths.java): --admin SOCKET or
 * --data DIR on the command line, else $CHISME_ADMIN, $CHISME_DATA/admin.sock, the system config file
 * ($CHISME_CONFIG, else /etc/chisme/chisme.conf: admin-socket, else data + /admin.sock), else
 * $HOME/.chisme/data/admin.sock. Exit statuses are the command's own; 3 when no node runs there.
 * Plain C99 + POSIX, no library beyond libc, so it builds with any OpenWrt SDK (musl) or gcc -static.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_STDIN (3 << 20)          /* as ShelfCommands.MAX_STDIN_BYTES */
#define MAX_REPLY (64 << 20)
#define EXIT_NO_NODE 3
#define EXIT_FAILED 4

typedef struct { char *p; size_t n, cap; } buf;

static void die(int code, const char *a, const char *b) {
    fprintf(stderr, "chisme: %s%s\n", a, b ? b : "");
    exit(code);
}

static void put(buf *b, const char *s, size_t n) {
    if (b->n + n + 1 > b->cap) {
        size_t c = b->cap ? b->cap : 4096;
        while (c < b->n + n + 1) c *= 2;
        char *q = realloc(b->p, c);
        if (!q) die(EXIT_FAILED, "out of memory", NULL);
        b->p = q; b->cap = c;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}

static void puts_(buf *b, const char *s) { put(b, s, strlen(s)); }

/* A JSON string literal; bytes >= 0x80 pass through (UTF-8 text). */
static void put_json_string(buf *b, const char *s, size_t n) {
    put(b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char) s[i];
        char esc[8];
        if (c == '"' || c == '\\') { esc[0] = '\\'; esc[1] = (char) c; put(b, esc, 2); }
        else if (c == '\n') put(b, "\\n", 2);
        else if (c == '\r') put(b, "\\r", 2);
        else if (c == '\t') put(b, "\\t", 2);
        else if (c < 0x20) { snprintf(esc, sizeof esc, "\\u%04x", c); put(b, esc, 6); }
        else put(b, (const char *) &s[i], 1);
    }
    put(b, "\"", 1);
}

/* ---- socket path ---------------------------------------------------------------------------- */

static char *strip(char *s) {
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r')) s[--n] = 0;
    return s;
}

static char *join_sock(const char *dir) {
    size_t n = strlen(dir);
    char *s = malloc(n + 12);
    if (!s) die(EXIT_FAILED, "out of memory", NULL);
    snprintf(s, n + 12, "%s%sadmin.sock", dir, n && dir[n - 1] == '/' ? "" : "/");
    return s;
}

static char *from_config(const char *file) {
    FILE *f = fopen(file, "r");
    if (!f) return NULL;
    char line[4096], *admin = NULL, *data = NULL;
    while (fgets(line, sizeof line, f)) {
        char *l = strip(line), *eq = strchr(l, '=');
        if (*l == '#' || !eq) continue;
        *eq = 0;
        char *k = strip(l), *v = strip(eq + 1);
        if (!*v) continue;
        if (!strcmp(k, "admin-socket")) { free(admin); admin = strdup(v); }
        else if (!strcmp(k, "data")) { free(data); data = strdup(v); }
    }
    fclose(f);
    if (admin) { free(data); return admin; }
    if (data) { char *s = join_sock(data); free(data); return s; }
    return NULL;
}

static char *socket_path(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--")) break;
        if (!strcmp(argv[i], "--admin") && i + 1 < argc) return strdup(argv[i + 1]);
        if (!strncmp(argv[i], "--admin=", 8)) return strdup(argv[i] + 8);
        if (!strcmp(argv[i], "--data") && i + 1 < argc) return join_sock(argv[i + 1]);
        if (!strncmp(argv[i], "--data=", 7)) return join_sock(argv[i] + 7);
    }
    const char *e = getenv("CHISME_ADMIN");
    if (e && *e) return strdup(e);
    e = getenv("CHISME_DATA");
    if (e && *e) return join_sock(e);
    e = getenv("CHISME_CONFIG");
    char *s = from_config(e && *e ? e : "/etc/chisme/chisme.conf");
    if (s) return s;
    e = getenv("HOME");
    buf b = {0};
    puts_(&b, e && *e ? e : "/root");
    puts_(&b, "/.chisme/data");
    s = join_sock(b.p);
    free(b.p);
    return s;
}

/* ---- which commands read stdin ------------------------------------------------------------- */

static int reads_stdin(int argc, char **argv) {
    int i = 1;
    while (i < argc && argv[i][0] == '-') i += (!strcmp(argv[i], "--admin") || !strcmp(argv[i], "--data")) ? 2 : 1;
    if (i >= argc) return 0;
    const char *cmd = argv[i];
    const char *act = NULL;
    for (int j = i + 1; j < argc; j++) {
        if (argv[j][0] == '-') { if (!strcmp(argv[j], "--admin") || !strcmp(argv[j], "--data")) j++; continue; }
        act = argv[j];
        break;
    }
    if (!act) return 0;
    if (!strcmp(cmd, "shared-state")) return !strcmp(act, "insert") || !strcmp(act, "remove") || !strcmp(act, "reqsync");
    if (!strcmp(cmd, "shared-state-async")) return !strcmp(act, "insert");
    if (!strcmp(cmd, "shared-state-multiwriter")) return !strcmp(act, "insert") || !strcmp(act, "reqsync");
    if (!strcmp(cmd, "shelf")) return !strcmp(act, "insert") || !strcmp(act, "remove");
    return 0;
}

/* ---- reply parsing (our own daemon's JSON) -------------------------------------------------- */

static const char *ws(const char *p) { while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++; return p; }

static void put_utf8(buf *b, unsigned long cp) {
    char u[4];
    if (cp < 0x80) { u[0] = (char) cp; put(b, u, 1); }
    else if (cp < 0x800) { u[0] = (char) (0xC0 | cp >> 6); u[1] = (char) (0x80 | (cp & 0x3F)); put(b, u, 2); }
    else if (cp < 0x10000) { u[0] = (char) (0xE0 | cp >> 12); u[1] = (char) (0x80 | (cp >> 6 & 0x3F)); u[2] = (char) (0x80 | (cp & 0x3F)); put(b, u, 3); }
    else { u[0] = (char) (0xF0 | cp >> 18); u[1] = (char) (0x80 | (cp >> 12 & 0x3F)); u[2] = (char) (0x80 | (cp >> 6 & 0x3F)); u[3] = (char) (0x80 | (cp & 0x3F)); put(b, u, 4); }
}

static const char *hex4(const char *p, unsigned long *v) {
    *v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0) return NULL;
        *v = *v * 16 + (unsigned long) d;
    }
    return p + 4;
}

/* Parses a string literal at p (on '"') into out (may be NULL); returns the position after it or NULL. */
static const char *str(const char *p, buf *out) {
    if (*p != '"') return NULL;
    p++;
    while (*p && *p != '"') {
        if (*p != '\\') { const char *q = p; while (*q && *q != '"' && *q != '\\') q++; if (out) put(out, p, (size_t) (q - p)); p = q; continue; }
        p++;
        char c = *p++;
        char o = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c == 'b' ? '\b' : c == 'f' ? '\f' : c;
        if (c == 'u') {
            unsigned long cp, lo;
            if (!(p = hex4(p, &cp))) return NULL;
            if (cp >= 0xD800 && cp < 0xDC00 && p[0] == '\\' && p[1] == 'u' && hex4(p + 2, &lo) && lo >= 0xDC00 && lo < 0xE000) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                p += 6;
            }
            if (out) put_utf8(out, cp);
        } else if (out) put(out, &o, 1);
    }
    return *p == '"' ? p + 1 : NULL;
}

static const char *skip(const char *p) {
    p = ws(p);
    if (*p == '"') return str(p, NULL);
    if (*p == '{' || *p == '[') {
        char close = *p == '{' ? '}' : ']';
        p = ws(p + 1);
        if (*p == close) return p + 1;
        for (;;) {
            if (close == '}') { if (!(p = str(ws(p), NULL))) return NULL; p = ws(p); if (*p++ != ':') return NULL; }
            if (!(p = skip(p))) return NULL;
            p = ws(p);
            if (*p == ',') { p++; continue; }
            return *p == close ? p + 1 : NULL;
        }
    }
    while (*p && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\n') p++;
    return p;
}

typedef struct { int ok, exit; buf out, err, code, error; } reply;

static const char *object(const char *p, reply *r, int inResult) {
    p = ws(p);
    if (*p++ != '{') return NULL;
    p = ws(p);
    if (*p == '}') return p + 1;
    for (;;) {
        buf key = {0};
        if (!(p = str(ws(p), &key))) return NULL;
        p = ws(p);
        if (*p++ != ':') return NULL;
        p = ws(p);
        const char *k = key.p ? key.p : "";
        if (!inResult && !strcmp(k, "ok")) { r->ok = !strncmp(p, "true", 4); p = skip(p); }
        else if (!inResult && !strcmp(k, "result") && *p == '{') p = object(p, r, 1);
        else if (!inResult && !strcmp(k, "code") && *p == '"') p = str(p, &r->code);
        else if (!inResult && !strcmp(k, "error") && *p == '"') p = str(p, &r->error);
        else if (inResult && !strcmp(k, "exit")) { r->exit = atoi(p); p = skip(p); }
        else if (inResult && !strcmp(k, "out64") && *p == '"') p = str(p, &r->out);
        else if (inResult && !strcmp(k, "err") && *p == '"') p = str(p, &r->err);
        else p = skip(p);
        free(key.p);
        if (!p) return NULL;
        p = ws(p);
        if (*p == ',') { p++; continue; }
        return *p == '}' ? p + 1 : NULL;
    }
}

/* Decodes standard base64 in place (the daemon's own output: no line breaks); returns the length. */
static size_t unbase64(char *s, size_t n) {
    size_t o = 0;
    unsigned long acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        int v = c >= 'A' && c <= 'Z' ? c - 'A' : c >= 'a' && c <= 'z' ? c - 'a' + 26 : c >= '0' && c <= '9' ? c - '0' + 52
            : c == '+' ? 62 : c == '/' ? 63 : -1;
        if (v < 0) continue; /* '=' padding */
        acc = acc << 6 | (unsigned long) v;
        bits += 6;
        if (bits >= 8) { bits -= 8; s[o++] = (char) (acc >> bits & 0xFF); }
    }
    return o;
}

static int exit_for(const char *code) {
    if (!code) return EXIT_FAILED;
    if (!strcmp(code, "NOT_FOUND")) return 1;
    if (!strcmp(code, "BAD_REQUEST") || !strcmp(code, "TOO_LARGE") || !strcmp(code, "INVALID_ARGUMENT")) return 2;
    if (!strcmp(code, "UNKNOWN_OP") || !strcmp(code, "UNAVAILABLE")) return 6;
    return EXIT_FAILED;
}

static void write_all(int fd, const char *p, size_t n) {
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) { if (errno == EINTR) continue; return; }
        p += w; n -= (size_t) w;
    }
}

int main(int argc, char **argv) {
    if (argc < 2 || !strcmp(argv[1], "--help")) {
        fprintf(stderr, "usage: chisme-client COMMAND [ARGS...]  (shared-state, shared-state-async, shared-state-multiwriter, status, get, peers, stats, shelf)\n");
        return 2;
    }
    char *sock = socket_path(argc, argv);
    buf req = {0};
    puts_(&req, "{\"op\":\"cli\",\"argv\":[");
    for (int i = 1; i < argc; i++) {
        if (i > 1) puts_(&req, ",");
        put_json_string(&req, argv[i], strlen(argv[i]));
    }
    puts_(&req, "]");
    if (reads_stdin(argc, argv)) {
        buf in = {0};
        char chunk[65536];
        ssize_t n;
        while ((n = read(0, chunk, sizeof chunk)) != 0) {
            if (n < 0) { if (errno == EINTR) continue; die(2, "cannot read stdin: ", strerror(errno)); }
            put(&in, chunk, (size_t) n);
            if (in.n > MAX_STDIN) die(2, "JSON on stdin is larger than 3145728 bytes", NULL);
        }
        puts_(&req, ",\"stdin\":");
        put_json_string(&req, in.p ? in.p : "", in.n);
        free(in.p);
    }
    puts_(&req, "}\n");

    struct sockaddr_un addr;
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    if (strlen(sock) >= sizeof addr.sun_path) die(EXIT_FAILED, "admin socket path too long: ", sock);
    strcpy(addr.sun_path, sock);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0) die(EXIT_FAILED, "socket: ", strerror(errno));
    if (connect(fd, (struct sockaddr *) &addr, sizeof addr) != 0) {
        fprintf(stderr, "chisme: no chisme node is running at %s (%s)\n", sock, strerror(errno));
        return EXIT_NO_NODE;
    }
    write_all(fd, req.p, req.n);
    buf line = {0};
    char chunk[65536];
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0) { if (errno == EINTR) continue; die(EXIT_FAILED, "admin connection failed: ", strerror(errno)); }
        if (n == 0) break;
        put(&line, chunk, (size_t) n);
        if (memchr(chunk, '\n', (size_t) n)) break;
        if (line.n > MAX_REPLY) die(EXIT_FAILED, "reply too large", NULL);
    }
    close(fd);
    if (!line.p) die(EXIT_FAILED, "the node closed the admin connection without a reply at ", sock);
    reply r;
    memset(&r, 0, sizeof r);
    if (!object(line.p, &r, 0)) die(EXIT_FAILED, "unreadable reply from ", sock);
    if (!r.ok) {
        fprintf(stderr, "chisme: %s\n", r.error.p ? r.error.p : (r.code.p ? r.code.p : "failed"));
        return exit_for(r.code.p);
    }
    if (r.out.n) write_all(1, r.out.p, unbase64(r.out.p, r.out.n));
    if (r.err.n) write_all(2, r.err.p, r.err.n);
    return r.exit;
}
