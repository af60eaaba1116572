/*
 * The shootout's load generator in C: one thread, Linux epoll, level-triggered. Opens N
 * connections to an echo server on 127.0.0.1, keeps K messages of S bytes in flight on each, and
 * measures messages per second and each message's latency (from the moment it is queued to the
 * moment its last byte is back). Each readable connection is read once per wake-up and its next
 * messages are written at once, so the generator answers as soon as a reply arrives and costs
 * a few hundred nanoseconds per message: well below what any server it drives costs.
 *
 * Why C: a Java generator on one CPU is slower per message than the servers it measures, and
 * then it measures itself. Worse, its cost per message falls when replies arrive in bursts (one
 * select returns many keys), so it rewards a server that holds replies back and batches them.
 *
 * Talks to the shootout on stdout like the Java LoadGenerator: "CONNECTED n", then "MEASURING"
 * when the measured window opens, "PROGRESS elapsedMillis messages" about once a second,
 * "MEASURED" when it closes, and "RESULT key=value ...". With --idle it only connects, prints
 * "CONNECTED n" and holds the connections until stdin says "close" or ends.
 *
 * --unix PATH connects to a Unix domain socket instead of 127.0.0.1:P. --tls (only when built
 * with -DWITH_OPENSSL) speaks TLS through OpenSSL, without checking the server's certificate; the
 * handshakes of the long-lived connections are done, one after the other, before the load starts.
 * --churn is scenario F: each of the N connection slots connects (and shakes hands), sends one
 * message, waits for its echo, closes and starts again, so one "message" is one connection; its
 * latency runs from the connect to the echo's return.
 *
 * Build: gcc -O2 -o load_epoll load_epoll.c   (with TLS: add -DWITH_OPENSSL ... -lssl -lcrypto)
 * Run:   ./load_epoll --port P | --unix PATH --connections N [--size S --in-flight K --warmup-ms W
 *                     --duration-ms D] [--idle] [--tls] [--churn]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#ifdef WITH_OPENSSL
#include <openssl/err.h>
#include <openssl/ssl.h>
static SSL_CTX *tls_context;
#endif

#define IO_BUFFER (64 * 1024)
#define MAX_EVENTS 1024

/* Log-linear latency buckets, the same scheme as LatencyHistogram.java: 64 per power of two. */
#define SUB_BITS 6
#define SUB_BUCKETS (1 << SUB_BITS)
#define BUCKETS ((64 - SUB_BITS + 1) * SUB_BUCKETS)
static uint64_t counts[BUCKETS];
static uint64_t recorded;
static uint64_t longest;

struct conn {
    int fd;
    void *ssl;       /* the connection's SSL object under --tls, else NULL */
    int state;       /* --churn only: where the connection is in its short life */
    int64_t started; /* --churn only: when its connect began */
    int oldest;      /* ring index of the oldest message in flight */
    int in_flight;
    long partial;    /* bytes of the message being received that have arrived */
    long owed;       /* bytes queued for sending and not yet written */
    int wants_write; /* EPOLLOUT is on */
    int64_t *queued_at;
};

static int epfd;
static long size = 64;
static int depth = 1;
static int port = -1;
static const char *unix_path;
static int use_tls;
static char negotiated[128] = "";
static char in_buf[IO_BUFFER];
static char out_buf[IO_BUFFER];

static void die(const char *what) {
    perror(what);
    exit(1);
}

static int64_t now_nanos(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int bucket_of(uint64_t value) {
    if (value < SUB_BUCKETS) return (int) value;
    int magnitude = 63 - __builtin_clzll(value) - SUB_BITS + 1;
    int sub = (int) (value >> (magnitude - 1)) & (SUB_BUCKETS - 1);
    return magnitude * SUB_BUCKETS + sub;
}

static uint64_t upper_edge(int index) {
    int magnitude = index >> SUB_BITS;
    uint64_t sub = (uint64_t) (index & (SUB_BUCKETS - 1));
    if (magnitude == 0) return sub;
    return ((SUB_BUCKETS + sub + 1) << (magnitude - 1)) - 1;
}

static void record(int64_t nanos) {
    uint64_t value = nanos < 0 ? 0 : (uint64_t) nanos;
    counts[bucket_of(value)]++;
    recorded++;
    if (value > longest) longest = value;
}

static uint64_t percentile(double quantile) {
    if (recorded == 0) return 0;
    uint64_t rank = (uint64_t) (quantile * (double) recorded + 0.999999);
    if (rank < 1) rank = 1;
    uint64_t seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
        seen += counts[i];
        if (seen >= rank) {
            uint64_t edge = upper_edge(i);
            return edge < longest ? edge : longest;
        }
    }
    return longest;
}

/*
 * One read or write on a connection, in plaintext or through its SSL object: the byte count, 0
 * at the end of the stream, -1 with errno EAGAIN when it would block, -2 on an error.
 */
static ssize_t conn_read(struct conn *c, char *buf, size_t len) {
#ifdef WITH_OPENSSL
    if (c->ssl) {
        int n = SSL_read(c->ssl, buf, (int) len);
        if (n > 0) return n;
        int error = SSL_get_error(c->ssl, n);
        if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
            errno = EAGAIN;
            return -1;
        }
        return error == SSL_ERROR_ZERO_RETURN ? 0 : -2;
    }
#endif
    ssize_t n = read(c->fd, buf, len);
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? (errno = EAGAIN, -1) : -2;
    return n;
}

static ssize_t conn_write(struct conn *c, const char *buf, size_t len) {
#ifdef WITH_OPENSSL
    if (c->ssl) {
        int n = SSL_write(c->ssl, buf, (int) len);
        if (n > 0) return n;
        int error = SSL_get_error(c->ssl, n);
        if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
            errno = EAGAIN;
            return -1;
        }
        return -2;
    }
#endif
    ssize_t n = write(c->fd, buf, len);
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? (errno = EAGAIN, -1) : -2;
    return n;
}

static void conn_close(struct conn *c) {
#ifdef WITH_OPENSSL
    if (c->ssl) {
        SSL_shutdown(c->ssl); /* sends close_notify; the echo is complete, so no need to wait for the peer's */
        SSL_free(c->ssl);
        c->ssl = NULL;
    }
#endif
    close(c->fd);
}

static void queue_message(struct conn *c, int64_t now) {
    int slot = (c->oldest + c->in_flight) % depth;
    c->queued_at[slot] = now;
    c->in_flight++;
    c->owed += size;
}

static void send_owed(struct conn *c) {
    while (c->owed > 0) {
        long chunk = c->owed < IO_BUFFER ? c->owed : IO_BUFFER;
        ssize_t n = conn_write(c, out_buf, (size_t) chunk);
        if (n == -1) break;
        if (n < 0) die("write to the server");
        c->owed -= n;
        if (n < chunk) break;
    }
    int wants = c->owed > 0;
    if (wants != c->wants_write) {
        c->wants_write = wants;
        struct epoll_event ev = {.events = EPOLLIN | (wants ? EPOLLOUT : 0), .data.ptr = c};
        if (epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev) < 0) die("epoll_ctl");
    }
}

static long measured;

static void receive(struct conn *c, int measuring) {
    /* Plaintext: one read per wake-up. TLS: read until OpenSSL would block, since records it has
     * already taken from the socket are invisible to epoll. */
    do {
        ssize_t n = conn_read(c, in_buf, IO_BUFFER);
        if (n == 0) {
            fprintf(stderr, "the server closed a connection\n");
            exit(1);
        }
        if (n == -1) return;
        if (n < 0) die("read from the server");
        int64_t now = now_nanos();
        long bytes = c->partial + n;
        while (bytes >= size) {
            bytes -= size;
            int64_t queued = c->queued_at[c->oldest];
            c->oldest = (c->oldest + 1) % depth;
            c->in_flight--;
            if (measuring) {
                record(now - queued);
                measured++;
            }
            queue_message(c, now);
        }
        c->partial = bytes;
        if (c->owed > 0) send_owed(c);
    } while (c->ssl);
}

/* Opens a socket to the server and connects it, or with nonblocking set starts connecting over
 * TCP (*pending is then set while the connect has not finished). A Unix socket always connects
 * blocking: its nonblocking connect fails with EAGAIN, without connecting, when the backlog is full. */
static int open_connection(int nonblocking, int *pending) {
    int fd = socket(unix_path ? AF_UNIX : AF_INET, SOCK_STREAM, 0);
    if (fd < 0) die("socket");
    int result;
    if (unix_path) {
        struct sockaddr_un addr = {.sun_family = AF_UNIX};
        strncpy(addr.sun_path, unix_path, sizeof addr.sun_path - 1);
        result = connect(fd, (struct sockaddr *) &addr, sizeof addr);
        if (nonblocking) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    } else {
        if (nonblocking) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((unsigned short) port)};
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        result = connect(fd, (struct sockaddr *) &addr, sizeof addr);
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    *pending = 0;
    if (result < 0) {
        if (nonblocking && (errno == EINPROGRESS || errno == EAGAIN)) {
            *pending = 1;
        } else {
            die(errno == EADDRNOTAVAIL ? "connect (out of local ports: too many in TIME_WAIT?)" : "connect");
        }
    }
    return fd;
}

#ifdef WITH_OPENSSL
static void tls_setup(void) {
    tls_context = SSL_CTX_new(TLS_client_method());
    if (!tls_context) die("SSL_CTX_new");
    SSL_CTX_set_min_proto_version(tls_context, TLS1_2_VERSION);
    /* One TLS 1.3 suite, so every server runs the same cryptography: left to choose, the JDK's
     * engine prefers AES-256-GCM with SHA-384 and Netty (on either engine) AES-128-GCM with
     * SHA-256, and the comparison would then be of ciphers, not of servers. */
    if (!SSL_CTX_set_ciphersuites(tls_context, "TLS_AES_128_GCM_SHA256")) {
        ERR_print_errors_fp(stderr);
        exit(1);
    }
    SSL_CTX_set_verify(tls_context, SSL_VERIFY_NONE, NULL); /* the servers' certificate is a throw-away self-signed one */
    SSL_CTX_set_session_cache_mode(tls_context, SSL_SESS_CACHE_OFF); /* every handshake is a full one */
    SSL_CTX_set_mode(tls_context, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    SSL_CTX_set_read_ahead(tls_context, 1); /* fewer read calls; receive() drains what it buffers */
}

static SSL *tls_attach(int fd) {
    SSL *ssl = SSL_new(tls_context);
    if (!ssl) die("SSL_new");
    SSL_set_fd(ssl, fd);
    SSL_set_tlsext_host_name(ssl, "localhost");
    return ssl;
}

static void tls_remember(SSL *ssl) {
    if (!negotiated[0]) snprintf(negotiated, sizeof negotiated, "%s,%s", SSL_get_version(ssl), SSL_get_cipher_name(ssl));
}

static void tls_failed(const char *what) {
    fprintf(stderr, "%s: ", what);
    ERR_print_errors_fp(stderr);
    fprintf(stderr, "\n");
    exit(1);
}
#endif

/* A connection for the long-lived scenarios: connected, TLS handshake done, then nonblocking. */
static void connect_long_lived(struct conn *c) {
    int pending;
    c->fd = open_connection(0, &pending);
#ifdef WITH_OPENSSL
    if (use_tls) {
        c->ssl = tls_attach(c->fd);
        if (SSL_connect(c->ssl) != 1) tls_failed("TLS handshake");
        tls_remember(c->ssl);
    }
#endif
    fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
}

/* ------------------------------------------------------------------ --churn (scenario F) */

enum { CONNECTING, HANDSHAKING, SENDING, RECEIVING };

static void want(struct conn *c, unsigned events, int op) {
    struct epoll_event ev = {.events = events, .data.ptr = c};
    if (epoll_ctl(epfd, op, c->fd, &ev) < 0) die("epoll_ctl");
}

static void churn_start(struct conn *c, int64_t now) {
    int pending;
    c->fd = open_connection(1, &pending);
    c->started = now;
    c->partial = 0;
    c->state = CONNECTING;
    want(c, EPOLLOUT, EPOLL_CTL_ADD);
}

/* Moves one connection of scenario F on as far as it can go without waiting. */
static void churn_step(struct conn *c, int measuring) {
    for (;;) {
        if (c->state == CONNECTING) {
            int error = 0;
            socklen_t len = sizeof error;
            getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &error, &len);
            if (error == EINPROGRESS || error == EALREADY) return;
            if (error) {
                errno = error;
                die("connect");
            }
#ifdef WITH_OPENSSL
            if (use_tls) {
                c->ssl = tls_attach(c->fd);
                c->state = HANDSHAKING;
                continue;
            }
#endif
            c->state = SENDING;
        } else if (c->state == HANDSHAKING) {
#ifdef WITH_OPENSSL
            int result = SSL_connect(c->ssl);
            if (result != 1) {
                int error = SSL_get_error(c->ssl, result);
                if (error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE) tls_failed("TLS handshake");
                want(c, error == SSL_ERROR_WANT_READ ? EPOLLIN : EPOLLOUT, EPOLL_CTL_MOD);
                return;
            }
            tls_remember(c->ssl);
#endif
            c->state = SENDING;
        } else if (c->state == SENDING) {
            ssize_t n = conn_write(c, out_buf + c->partial, (size_t) (size - c->partial));
            if (n == -1) {
                want(c, EPOLLOUT, EPOLL_CTL_MOD);
                return;
            }
            if (n < 0) die("write to the server");
            c->partial += n;
            if (c->partial < size) continue;
            c->partial = 0;
            c->state = RECEIVING;
            want(c, EPOLLIN, EPOLL_CTL_MOD);
        } else {
            ssize_t n = conn_read(c, in_buf, IO_BUFFER);
            if (n == -1) return;
            if (n == 0) {
                fprintf(stderr, "the server closed a connection before its echo\n");
                exit(1);
            }
            if (n < 0) die("read from the server");
            c->partial += n;
            if (c->partial < size) continue;
            int64_t now = now_nanos();
            if (measuring) {
                record(now - c->started);
                measured++;
            }
            epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
            conn_close(c);
            churn_start(c, now);
            return;
        }
    }
}

static void hold_until_told(void) {
    char line[256];
    for (;;) {
        ssize_t n = read(0, line, sizeof line - 1);
        if (n <= 0) return;
        line[n] = 0;
        if (strstr(line, "close")) return;
    }
}

static long option(int argc, char **argv, const char *name, long fallback) {
    for (int i = 1; i + 1 < argc; i++) {
        if (strcmp(argv[i], name) == 0) return atol(argv[i + 1]);
    }
    return fallback;
}

static int flag(int argc, char **argv, const char *name) {
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], name) == 0) return 1;
    }
    return 0;
}

static const char *text_option(int argc, char **argv, const char *name) {
    for (int i = 1; i + 1 < argc; i++) {
        if (strcmp(argv[i], name) == 0) return argv[i + 1];
    }
    return NULL;
}

int main(int argc, char **argv) {
    port = (int) option(argc, argv, "--port", -1);
    unix_path = text_option(argc, argv, "--unix");
    use_tls = flag(argc, argv, "--tls");
    int churn = flag(argc, argv, "--churn");
    int connections = (int) option(argc, argv, "--connections", 1);
    size = option(argc, argv, "--size", 64);
    depth = (int) option(argc, argv, "--in-flight", 1);
    int64_t warmup = option(argc, argv, "--warmup-ms", 1000) * 1000000LL;
    int64_t duration = option(argc, argv, "--duration-ms", 3000) * 1000000LL;
    int idle = flag(argc, argv, "--idle");
    if ((port <= 0 && !unix_path) || connections <= 0 || (!idle && (size <= 0 || depth <= 0))) {
        fprintf(stderr, "need --port > 0 or --unix PATH, --connections > 0 and, unless --idle, --size > 0 and --in-flight > 0\n");
        return 2;
    }
    if (unix_path && strlen(unix_path) >= sizeof ((struct sockaddr_un *) 0)->sun_path) {
        fprintf(stderr, "--unix path too long: %zu bytes\n", strlen(unix_path));
        return 2;
    }
#ifdef WITH_OPENSSL
    if (use_tls) tls_setup();
#else
    if (use_tls) {
        fprintf(stderr, "--tls needs a build with -DWITH_OPENSSL ... -lssl -lcrypto\n");
        return 2;
    }
#endif
    signal(SIGPIPE, SIG_IGN);
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
    memset(out_buf, 'A', sizeof out_buf);

    struct conn *conns = calloc((size_t) connections, sizeof *conns);
    if (!conns) die("calloc");
    epfd = epoll_create1(0);
    if (epfd < 0) die("epoll_create1");
    if (!churn) {
        for (int i = 0; i < connections; i++) connect_long_lived(&conns[i]);
    }
    printf("CONNECTED %d\n", connections);
    fflush(stdout);
    if (idle) {
        hold_until_told();
        return 0;
    }

    int64_t start = now_nanos();
    for (int i = 0; i < connections && churn; i++) churn_start(&conns[i], start);
    for (int i = 0; i < connections && !churn; i++) {
        struct conn *c = &conns[i];
        c->queued_at = calloc((size_t) depth, sizeof *c->queued_at);
        if (!c->queued_at) die("calloc");
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
        if (epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &ev) < 0) die("epoll_ctl");
        for (int k = 0; k < depth; k++) queue_message(c, start);
        send_owed(c);
    }

    int64_t measure_from = start + warmup;
    int64_t measure_until = measure_from + duration;
    int64_t next_progress = start + 1000000000LL;
    int window_open = 0;
    struct epoll_event events[MAX_EVENTS];
    for (;;) {
        int64_t now = now_nanos();
        if (!window_open && now >= measure_from) {
            window_open = 1;
            printf("MEASURING\n");
            fflush(stdout);
        }
        /* The window closes after the duration once a message has completed in it. A server that
         * has answered nothing yet (a cold JVM on a machine busy with other work) gets up to ten
         * durations in all: "no message" then means it is stuck, not that it was slow to start. */
        if (now >= measure_until && (measured > 0 || now >= measure_from + 10 * duration)) break;
        if (now >= next_progress) {
            printf("PROGRESS %lld %ld\n", (long long) ((now - start) / 1000000), window_open ? measured : 0L);
            fflush(stdout);
            next_progress += 1000000000LL;
        }
        int n = epoll_wait(epfd, events, MAX_EVENTS, 100);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("epoll_wait");
        }
        int measuring = window_open;
        for (int i = 0; i < n; i++) {
            struct conn *c = events[i].data.ptr;
            if (churn) {
                churn_step(c, measuring);
                continue;
            }
            if (events[i].events & EPOLLOUT) send_owed(c);
            if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) receive(c, measuring);
        }
    }
    int64_t window = now_nanos() - measure_from;
    printf("MEASURED\n");
    printf("RESULT messages=%ld bytes=%ld nanos=%lld p50=%llu p99=%llu p999=%llu max=%llu%s%s\n", measured,
           measured * size, (long long) window, (unsigned long long) percentile(0.50),
           (unsigned long long) percentile(0.99), (unsigned long long) percentile(0.999),
           (unsigned long long) longest, negotiated[0] ? " tls=" : "", negotiated);
    fflush(stdout);
    for (int i = 0; i < connections; i++) conn_close(&conns[i]);
    return 0;
}
