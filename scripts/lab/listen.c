/* tslab-listen: the lab container's service, a TCP listener that never accept()s, so a small listen() backlog
 * overflows. Built with `cc -static` and `docker import`ed as the only binary of the lab image (no pulls).
 * usage: tslab-listen [port=8080] [backlog=2]   (dual-stack [::]:port; prints "listening PORT BACKLOG") */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
  int port = argc > 1 ? atoi(argv[1]) : 8080;
  int backlog = argc > 2 ? atoi(argv[2]) : 2;
  int s = socket(AF_INET6, SOCK_STREAM, 0);
  int one = 1, zero = 0;
  struct sockaddr_in6 a;
  if (s < 0) { perror("socket"); return 1; }
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
  memset(&a, 0, sizeof a);
  a.sin6_family = AF_INET6;
  a.sin6_port = htons((unsigned short)port);
  if (bind(s, (struct sockaddr *)&a, sizeof a) != 0 || listen(s, backlog) != 0) { perror("listen"); return 1; }
  printf("listening %d %d\n", port, backlog);
  fflush(stdout);
  for (;;) pause();
}
