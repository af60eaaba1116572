/*
 * The shootout's ceiling: a minimal single-threaded echo server on Linux epoll, level-triggered,
 * one 64 KiB read buffer for every connection. What the kernel cannot take at once is kept per
 * connection, and reading from that connection stops until it has gone out, so memory stays
 * bounded. Speaks the same stdin protocol as the Java servers: prints "LISTENING port" (or
 * "LISTENING path"); stdin "exit" or end-of-file stops it; "stats" prints "STATS heap=-1" (RSS is
 * read from /proc). With --unix PATH it listens on a Unix domain socket there (removed on exit).
 *
 * Build: gcc -O2 -o echo_epoll echo_epoll.c     Run: ./echo_epoll [port | --unix PATH]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define READ_SIZE (64 * 1024)
#define MAX_EVENTS 256

struct pending {
    char *data;
    size_t offset;
    size_t length;
};

static struct pending *pending; /* indexed by descriptor */
static int max_fds;
static int epfd;
static int tcp = 1;

static void die(const char *what) {
    perror(what);
    exit(1);
}

static void watch(int fd, unsigned events, int op) {
    struct epoll_event ev = {.events = events, .data.fd = fd};
    if (epoll_ctl(epfd, op, fd, &ev) < 0 && op != EPOLL_CTL_DEL) die("epoll_ctl");
}

static void close_conn(int fd) {
    epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
    free(pending[fd].data);
    pending[fd].data = NULL;
    pending[fd].length = pending[fd].offset = 0;
    close(fd);
}

/* Writes what is still pending on fd; returns 1 when nothing is left. */
static int flush_pending(int fd) {
    struct pending *p = &pending[fd];
    while (p->offset < p->length) {
        ssize_t n = write(fd, p->data + p->offset, p->length - p->offset);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
            return -1;
        }
        p->offset += (size_t) n;
    }
    free(p->data);
    p->data = NULL;
    p->offset = p->length = 0;
    return 1;
}

static void echo(int fd, char *buf) {
    ssize_t n = read(fd, buf, READ_SIZE);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
        close_conn(fd);
        return;
    }
    if (n < 0) return;
    ssize_t w = write(fd, buf, (size_t) n);
    if (w < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            close_conn(fd);
            return;
        }
        w = 0;
    }
    if (w < n) {
        /* The kernel's buffer is full: keep the rest and stop reading until it has gone. */
        struct pending *p = &pending[fd];
        p->length = (size_t) (n - w);
        p->offset = 0;
        p->data = malloc(p->length);
        if (!p->data) die("malloc");
        memcpy(p->data, buf + w, p->length);
        watch(fd, EPOLLOUT, EPOLL_CTL_MOD);
    }
}

static void accept_all(int listener) {
    for (;;) {
        int fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK);
        if (fd < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
            if (errno == EMFILE || errno == ENFILE) return; /* try again on the next event */
            die("accept4");
        }
        if (fd >= max_fds) {
            close(fd);
            continue;
        }
        if (tcp) {
            int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        }
        watch(fd, EPOLLIN, EPOLL_CTL_ADD);
    }
}

static int command(void) {
    char line[256];
    ssize_t n = read(0, line, sizeof line - 1);
    if (n <= 0) return 0;
    line[n] = 0;
    if (strstr(line, "exit")) return 0;
    if (strstr(line, "stats")) {
        printf("STATS heap=-1\n");
        fflush(stdout);
    }
    return 1;
}

/* Binds and listens on a Unix socket at path; returns the descriptor. */
static int listen_unix(const char *path) {
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof addr.sun_path) {
        fprintf(stderr, "--unix path too long: %zu bytes\n", strlen(path));
        exit(2);
    }
    strncpy(addr.sun_path, path, sizeof addr.sun_path - 1);
    int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (listener < 0) die("socket");
    if (bind(listener, (struct sockaddr *) &addr, sizeof addr) < 0) die("bind");
    if (listen(listener, 1024) < 0) die("listen");
    return listener;
}

int main(int argc, char **argv) {
    const char *unix_path = argc > 2 && strcmp(argv[1], "--unix") == 0 ? argv[2] : NULL;
    int port = argc > 1 && !unix_path ? atoi(argv[1]) : 0;
    signal(SIGPIPE, SIG_IGN);

    /* As the JVM does, raise the soft descriptor limit to the hard one. */
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
    max_fds = (int) (limit.rlim_cur > 1048576 ? 1048576 : limit.rlim_cur);
    pending = calloc((size_t) max_fds, sizeof *pending);
    if (!pending) die("calloc");

    int listener;
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((unsigned short) port)};
    if (unix_path) {
        tcp = 0;
        listener = listen_unix(unix_path);
    } else {
        listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        if (listener < 0) die("socket");
        int one = 1;
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (bind(listener, (struct sockaddr *) &addr, sizeof addr) < 0) die("bind");
        if (listen(listener, 1024) < 0) die("listen");
        socklen_t len = sizeof addr;
        getsockname(listener, (struct sockaddr *) &addr, &len);
    }

    epfd = epoll_create1(0);
    if (epfd < 0) die("epoll_create1");
    watch(listener, EPOLLIN, EPOLL_CTL_ADD);
    struct epoll_event in = {.events = EPOLLIN, .data.fd = 0};
    epoll_ctl(epfd, EPOLL_CTL_ADD, 0, &in); /* fails harmlessly when stdin is not pollable */

    if (unix_path) {
        printf("LISTENING %s\n", unix_path);
    } else {
        printf("LISTENING %d\n", ntohs(addr.sin_port));
    }
    fflush(stdout);

    static char buf[READ_SIZE];
    struct epoll_event events[MAX_EVENTS];
    for (;;) {
        int n = epoll_wait(epfd, events, MAX_EVENTS, -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("epoll_wait");
        }
        for (int i = 0; i < n; i++) {
            int fd = events[i].data.fd;
            unsigned ev = events[i].events;
            if (fd == listener) {
                accept_all(listener);
            } else if (fd == 0) {
                if (!command()) {
                    if (unix_path) unlink(unix_path);
                    return 0;
                }
            } else if (ev & EPOLLOUT) {
                int done = flush_pending(fd);
                if (done < 0) close_conn(fd);
                else if (done) watch(fd, EPOLLIN, EPOLL_CTL_MOD);
            } else if (ev & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
                echo(fd, buf);
            }
        }
    }
}
