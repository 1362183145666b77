// tcpscope lab load generator and helper listener (compiled on first use into .cache/lab/churn with cc -O2).
//
//   churn server --port P [--backlog N]
//       epoll accept loop; closes each accepted socket at once (the server is the active closer, so TIME_WAIT
//       builds on the server side and the client never runs out of ports). Prints "ready" when listening.
//   churn client --host ADDR --port P --duration-ms MS [--rate N|max] [--concurrency C]
//       non-blocking connects; when the server's FIN arrives, close() (passive close, no client TIME_WAIT) and start
//       the next one. --rate N caps new connections at N per second; max runs as fast as the machine allows.
//       Prints one JSON line: {"completed":n,"failed":n,"elapsedMs":n,"ratePerSec":x,"errors":{...}}
//   churn listen --port P --backlog N
//       listen(N) and never accept (accept-queue overflow). Prints "ready", then sleeps until killed; on SIGUSR1
//       starts accepting (and holding) connections: a queue that drains late.
//   churn connect --host ADDR --port P --count N [--timeout-ms MS]
//       N non-blocking connects at once, each timed with CLOCK_MONOTONIC from connect() to the poll() wake-up that
//       reports it done (the lab's own connect latency truth); sockets stay open until exit. Prints one JSON line:
//       {"connectUs":[...],"failMs":[...],"errors":{"ECONNREFUSED":n},"pending":n}
//
// No SO_LINGER anywhere. IPv4 or IPv6 (dual-stack listener on ::).
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char *arg(int argc, char **argv, const char *name, const char *def) {
  for (int i = 2; i + 1 < argc; i++)
    if (strcmp(argv[i], name) == 0) return argv[i + 1];
  return def;
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int make_listener(int port, int backlog) {
  int fd = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) { perror("socket"); exit(2); }
  int one = 1, zero = 0;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
  struct sockaddr_in6 a;
  memset(&a, 0, sizeof a);
  a.sin6_family = AF_INET6;
  a.sin6_addr = in6addr_any;
  a.sin6_port = htons((unsigned short)port);
  if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) { perror("bind"); exit(2); }
  if (listen(fd, backlog) < 0) { perror("listen"); exit(2); }
  return fd;
}

static volatile sig_atomic_t start_accepting = 0;
static void on_usr1(int sig) { (void)sig; start_accepting = 1; }

static int run_listen(int argc, char **argv) {
  int port = atoi(arg(argc, argv, "--port", "8080"));
  int backlog = atoi(arg(argc, argv, "--backlog", "2"));
  signal(SIGUSR1, on_usr1);
  int lfd = make_listener(port, backlog);
  printf("ready\n");
  fflush(stdout);
  while (!start_accepting) pause();
  int flags = fcntl(lfd, F_GETFL);
  fcntl(lfd, F_SETFL, flags & ~O_NONBLOCK);
  for (;;) if (accept4(lfd, NULL, NULL, SOCK_CLOEXEC) < 0 && errno != EINTR && errno != ECONNABORTED) pause();
  return 0;
}

static int run_server(int argc, char **argv) {
  int port = atoi(arg(argc, argv, "--port", "8080"));
  int backlog = atoi(arg(argc, argv, "--backlog", "4096"));
  int lfd = make_listener(port, backlog);
  int ep = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event ev = {.events = EPOLLIN, .data.fd = lfd};
  epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
  printf("ready\n");
  fflush(stdout);
  struct epoll_event evs[16];
  for (;;) {
    int n = epoll_wait(ep, evs, 16, -1);
    if (n < 0 && errno != EINTR) { perror("epoll_wait"); return 2; }
    for (;;) {
      int c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
      if (c < 0) break;
      close(c);
    }
  }
}

enum { MAXC = 4096 };

static int run_client(int argc, char **argv) {
  const char *host = arg(argc, argv, "--host", "198.18.0.1");
  int port = atoi(arg(argc, argv, "--port", "8080"));
  double duration = atof(arg(argc, argv, "--duration-ms", "3000"));
  const char *rate_s = arg(argc, argv, "--rate", "max");
  double rate = strcmp(rate_s, "max") == 0 ? 0 : atof(rate_s);
  int conc = atoi(arg(argc, argv, "--concurrency", "64"));
  if (conc < 1) conc = 1;
  if (conc > MAXC) conc = MAXC;

  struct sockaddr_storage ss;
  socklen_t slen;
  memset(&ss, 0, sizeof ss);
  struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
  struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
  if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
    a4->sin_family = AF_INET;
    a4->sin_port = htons((unsigned short)port);
    slen = sizeof *a4;
  } else if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons((unsigned short)port);
    slen = sizeof *a6;
  } else {
    fprintf(stderr, "bad host %s\n", host);
    return 2;
  }

  int ep = epoll_create1(EPOLL_CLOEXEC);
  long started = 0, completed = 0, failed = 0, inflight = 0;
  long e_refused = 0, e_reset = 0, e_timeout = 0, e_other = 0, e_addr = 0;
  double t0 = now_ms(), end = t0 + duration;
  struct epoll_event evs[256];
  char buf[256];

  for (;;) {
    double t = now_ms();
    if (t >= end) break;
    // start new connections up to the concurrency cap (and the rate budget)
    while (inflight < conc) {
      if (rate > 0 && started >= (long)((t - t0) / 1000.0 * rate) + 1) break;
      int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      if (fd < 0) { e_other++; break; }
      started++;
      int r = connect(fd, (struct sockaddr *)&ss, slen);
      if (r < 0 && errno != EINPROGRESS) {
        if (errno == EADDRNOTAVAIL) e_addr++; else if (errno == ECONNREFUSED) e_refused++; else e_other++;
        failed++;
        close(fd);
        continue;
      }
      struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP, .data.fd = fd};
      epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
      inflight++;
    }
    int n = epoll_wait(ep, evs, 256, 1);
    for (int i = 0; i < n; i++) {
      int fd = evs[i].data.fd;
      int err = 0;
      socklen_t el = sizeof err;
      getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el);
      if (err) {
        if (err == ECONNREFUSED) e_refused++; else if (err == ECONNRESET) e_reset++;
        else if (err == ETIMEDOUT) e_timeout++; else e_other++;
        failed++;
      } else {
        // EOF from the server (its FIN): drain and close → passive close on our side
        while (read(fd, buf, sizeof buf) > 0) {}
        completed++;
      }
      epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
      close(fd);
      inflight--;
    }
  }
  double el = now_ms() - t0;
  printf("{\"completed\":%ld,\"failed\":%ld,\"started\":%ld,\"inflightAtEnd\":%ld,\"elapsedMs\":%.0f,\"ratePerSec\":%.1f,"
         "\"errors\":{\"ECONNREFUSED\":%ld,\"ECONNRESET\":%ld,\"ETIMEDOUT\":%ld,\"EADDRNOTAVAIL\":%ld,\"other\":%ld}}\n",
         completed, failed, started, inflight, el, completed * 1000.0 / el, e_refused, e_reset, e_timeout, e_addr, e_other);
  fflush(stdout);
  return 0;
}

static int run_connect(int argc, char **argv) {
  const char *host = arg(argc, argv, "--host", "198.18.0.1");
  int port = atoi(arg(argc, argv, "--port", "8080"));
  int n = atoi(arg(argc, argv, "--count", "1"));
  int timeout = atoi(arg(argc, argv, "--timeout-ms", "20000"));
  if (n < 1 || n > 1000) { fprintf(stderr, "--count 1..1000\n"); return 2; }
  struct sockaddr_in a4;
  memset(&a4, 0, sizeof a4);
  a4.sin_family = AF_INET;
  a4.sin_port = htons((unsigned short)port);
  if (inet_pton(AF_INET, host, &a4.sin_addr) != 1) { fprintf(stderr, "bad --host\n"); return 2; }
  struct pollfd *p = calloc((size_t)n, sizeof *p);
  double *t0 = calloc((size_t)n, sizeof *t0);
  long *us = calloc((size_t)n, sizeof *us);
  long *fail = calloc((size_t)n, sizeof *fail);
  int *errs = calloc((size_t)n, sizeof *errs);
  int nok = 0, nfail = 0, left = n;
  for (int i = 0; i < n; i++) {
    p[i].fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    p[i].events = POLLOUT;
    t0[i] = now_ms();
    if (connect(p[i].fd, (struct sockaddr *)&a4, sizeof a4) == 0) { us[nok++] = 0; p[i].fd = -p[i].fd - 1; left--; }
    else if (errno != EINPROGRESS) { errs[nfail] = errno; fail[nfail++] = 0; p[i].fd = -p[i].fd - 1; left--; }
  }
  double end = now_ms() + timeout;
  while (left > 0 && now_ms() < end) {
    int r = poll(p, (nfds_t)n, 50);
    if (r < 0 && errno != EINTR) break;
    double t = now_ms();
    for (int i = 0; i < n && r > 0; i++) {
      if (p[i].fd < 0 || !p[i].revents) continue;
      int err = 0;
      socklen_t len = sizeof err;
      getsockopt(p[i].fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err == 0) us[nok++] = (long)((t - t0[i]) * 1000);
      else { errs[nfail] = err; fail[nfail++] = (long)(t - t0[i]); }
      p[i].fd = -p[i].fd - 1;
      left--;
    }
  }
  printf("{\"connectUs\":[");
  for (int i = 0; i < nok; i++) printf("%s%ld", i ? "," : "", us[i]);
  printf("],\"failMs\":[");
  for (int i = 0; i < nfail; i++) printf("%s%ld", i ? "," : "", fail[i]);
  printf("],\"errors\":{");
  int refused = 0, timedout = 0, other = 0;
  for (int i = 0; i < nfail; i++) { if (errs[i] == ECONNREFUSED) refused++; else if (errs[i] == ETIMEDOUT) timedout++; else other++; }
  printf("\"ECONNREFUSED\":%d,\"ETIMEDOUT\":%d,\"other\":%d},\"pending\":%d}\n", refused, timedout, other, left);
  fflush(stdout);
  return 0;
}

int main(int argc, char **argv) {
  signal(SIGPIPE, SIG_IGN);
  if (argc < 2) { fprintf(stderr, "usage: churn server|client|listen ...\n"); return 2; }
  if (strcmp(argv[1], "server") == 0) return run_server(argc, argv);
  if (strcmp(argv[1], "client") == 0) return run_client(argc, argv);
  if (strcmp(argv[1], "listen") == 0) return run_listen(argc, argv);
  if (strcmp(argv[1], "connect") == 0) return run_connect(argc, argv);
  fprintf(stderr, "unknown mode %s\n", argv[1]);
  return 2;
}
