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
 * Build: gcc -O2 -o load_epoll load_epoll.c
 * Run:   ./load_epoll --port P --connections N [--size S --in-flight K --warmup-ms W
 *                     --duration-ms D] [--idle]
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
#include <time.h>
#include <unistd.h>

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

static void queue_message(struct conn *c, int64_t now) {
    int slot = (c->oldest + c->in_flight) % depth;
    c->queued_at[slot] = now;
    c->in_flight++;
    c->owed += size;
}

static void send_owed(struct conn *c) {
    while (c->owed > 0) {
        long chunk = c->owed < IO_BUFFER ? c->owed : IO_BUFFER;
        ssize_t n = write(c->fd, out_buf, (size_t) chunk);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) break;
            die("write to the server");
        }
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
    ssize_t n = read(c->fd, in_buf, IO_BUFFER);
    if (n == 0) {
        fprintf(stderr, "the server closed a connection\n");
        exit(1);
    }
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
        die("read from the server");
    }
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
}

static int connect_to(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) die("socket");
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((unsigned short) port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *) &addr, sizeof addr) < 0) die("connect");
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
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

int main(int argc, char **argv) {
    int port = (int) option(argc, argv, "--port", -1);
    int connections = (int) option(argc, argv, "--connections", 1);
    size = option(argc, argv, "--size", 64);
    depth = (int) option(argc, argv, "--in-flight", 1);
    int64_t warmup = option(argc, argv, "--warmup-ms", 1000) * 1000000LL;
    int64_t duration = option(argc, argv, "--duration-ms", 3000) * 1000000LL;
    int idle = flag(argc, argv, "--idle");
    if (port <= 0 || connections <= 0 || (!idle && (size <= 0 || depth <= 0))) {
        fprintf(stderr, "need --port > 0, --connections > 0 and, unless --idle, --size > 0 and --in-flight > 0\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
    memset(out_buf, 'A', sizeof out_buf);

    struct conn *conns = calloc((size_t) connections, sizeof *conns);
    if (!conns) die("calloc");
    for (int i = 0; i < connections; i++) {
        conns[i].fd = connect_to(port);
    }
    printf("CONNECTED %d\n", connections);
    fflush(stdout);
    if (idle) {
        hold_until_told();
        return 0;
    }

    epfd = epoll_create1(0);
    if (epfd < 0) die("epoll_create1");
    int64_t start = now_nanos();
    for (int i = 0; i < connections; i++) {
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
        if (now >= measure_until) break;
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
            if (events[i].events & EPOLLOUT) send_owed(c);
            if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) receive(c, measuring);
        }
    }
    printf("MEASURED\n");
    printf("RESULT messages=%ld bytes=%ld nanos=%lld p50=%llu p99=%llu p999=%llu max=%llu\n", measured,
           measured * size, (long long) duration, (unsigned long long) percentile(0.50),
           (unsigned long long) percentile(0.99), (unsigned long long) percentile(0.999),
           (unsigned long long) longest);
    fflush(stdout);
    for (int i = 0; i < connections; i++) close(conns[i].fd);
    return 0;
}
