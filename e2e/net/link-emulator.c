/*
 * A shaped Ethernet link in user space, for kernels built without tc netem (CONFIG_NET_SCH_NETEM),
 * as this machine's is. It opens two TAP devices, each in a network namespace and under a name of
 * its own, and carries frames between them, each direction on its own: random loss, then a rate
 * limit with a drop-tail queue, then a fixed one-way delay, as netem's `delay D loss L rate R
 * limit N` does. The benchmark puts one end in each of two namespaces (a point-to-point link); the
 * e2e tests put both in a switch's namespace and bridge them into a cable (e2e/net/shaping.ts).
 *
 *   link-emulator NS_A TAP_A NS_B TAP_B DELAY_MS LOSS_PERCENT RATE_MBIT LIMIT_PACKETS SEED [MAX_SECONDS]
 *
 * Prints "ready" once both devices exist (the caller then gives them addresses or bridges them,
 * and brings them up). The devices vanish when the process ends: on SIGTERM or SIGINT, when the
 * process that started it dies (a test runner killed outright), or after MAX_SECONDS (default
 * 1800) at the latest. On the way out it prints a line of counters per direction and its own CPU time.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define PACKET_MAX 2048
/* Ring slots per direction; LIMIT_PACKETS must stay below this. */
#define SLOTS 8192
/* Packets due this soon after the first due go out with it: at 100 Mbit/s a full frame takes 120 us,
 * and waking for each cost a fifth more CPU per packet here (15.5 against 12.3 us); 250 us early is
 * 0.6 % of a 40 ms round trip. */
#define SLACK_NS 250000ull

struct slot {
  uint64_t due_ns;       /* when it reaches the far end */
  uint64_t departs_ns;   /* when its last bit has left the rate limiter */
  uint16_t length;
  uint8_t bytes[PACKET_MAX];
};

struct direction {
  int from_fd, to_fd;
  struct slot *ring;
  unsigned head, count;  /* FIFO: due times only grow, as departures do and the delay is fixed */
  uint64_t wire_free_ns; /* the rate limiter is busy until then */
  unsigned long passed, lost, overflowed;
};

static volatile sig_atomic_t is_stopping = 0;
static uint64_t delay_ns, ns_per_byte_x1000, loss_threshold;
static unsigned limit_packets;
static uint64_t random_state;

/* SIGTERM, SIGINT, the parent's death (PR_SET_PDEATHSIG) and the lifetime's end (SIGALRM) all stop it. */
static void on_stop(int signal_number) { (void)signal_number; is_stopping = 1; }

static uint64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

/* xorshift64*: cheap, and seeded, so a run's losses can be repeated. */
static uint64_t next_random(void) {
  random_state ^= random_state >> 12;
  random_state ^= random_state << 25;
  random_state ^= random_state >> 27;
  return random_state * 2685821657736338717ull;
}

static int open_tun_in(const char *ns, const char *name) {
  char path[256];
  snprintf(path, sizeof path, "/run/netns/%s", ns);
  int ns_fd = open(path, O_RDONLY | O_CLOEXEC);
  if (ns_fd < 0 || setns(ns_fd, CLONE_NEWNET) != 0) { perror(path); exit(1); }
  close(ns_fd);
  int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) { perror("/dev/net/tun"); exit(1); }
  struct ifreq request;
  memset(&request, 0, sizeof request);
  request.ifr_flags = IFF_TAP | IFF_NO_PI;
  strncpy(request.ifr_name, name, IFNAMSIZ - 1);
  if (ioctl(fd, TUNSETIFF, &request) != 0) { perror("TUNSETIFF"); exit(1); }
  return fd;
}

/* Reads what the sending namespace has queued and admits each packet to the link, or drops it. */
static void take_in(struct direction *d, uint64_t now) {
  for (;;) {
    struct slot *slot = &d->ring[(d->head + d->count) % SLOTS];
    ssize_t length = read(d->from_fd, slot->bytes, PACKET_MAX);
    if (length <= 0) return;
    if (next_random() < loss_threshold) { d->lost++; continue; }
    if (d->count >= limit_packets) { d->overflowed++; continue; }
    uint64_t starts = d->wire_free_ns > now ? d->wire_free_ns : now;
    slot->departs_ns = starts + ((uint64_t)length * ns_per_byte_x1000) / 1000;
    slot->due_ns = slot->departs_ns + delay_ns;
    slot->length = (uint16_t)length;
    d->wire_free_ns = slot->departs_ns;
    d->count++;
  }
}

/* Hands the packets whose time has come to the receiving namespace; returns the next due time. */
static uint64_t deliver(struct direction *d, uint64_t now) {
  while (d->count > 0) {
    struct slot *slot = &d->ring[d->head];
    if (slot->due_ns > now) return slot->due_ns;
    /* A full receive queue drops the packet, as a congested interface would. */
    if (write(d->to_fd, slot->bytes, slot->length) == slot->length) d->passed++;
    d->head = (d->head + 1) % SLOTS;
    d->count--;
  }
  return UINT64_MAX;
}

int main(int argc, char **argv) {
  if (argc != 10 && argc != 11) {
    fprintf(stderr, "usage: %s NS_A TAP_A NS_B TAP_B DELAY_MS LOSS_PERCENT RATE_MBIT LIMIT_PACKETS SEED [MAX_SECONDS]\n", argv[0]);
    return 2;
  }
  /* Armed first, so a parent that dies while the devices are being made is not missed. */
  pid_t parent = getppid();
  signal(SIGTERM, on_stop);
  signal(SIGINT, on_stop);
  signal(SIGALRM, on_stop);
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() != parent) return 1;
  unsigned max_seconds = argc == 11 ? (unsigned)atoi(argv[10]) : 1800;
  alarm(max_seconds > 0 ? max_seconds : 1800);
  delay_ns = (uint64_t)(atof(argv[5]) * 1e6);
  double loss = atof(argv[6]) / 100.0;
  loss_threshold = (uint64_t)(loss * 18446744073709551615.0);
  double rate_bits_per_second = atof(argv[7]) * 1e6;
  if (rate_bits_per_second <= 0) { fprintf(stderr, "RATE_MBIT must be above 0\n"); return 2; }
  ns_per_byte_x1000 = (uint64_t)(8.0 * 1e9 * 1000.0 / rate_bits_per_second);
  limit_packets = (unsigned)atoi(argv[8]);
  if (limit_packets == 0 || limit_packets >= SLOTS) { fprintf(stderr, "LIMIT_PACKETS must be 1..%d\n", SLOTS - 1); return 2; }
  random_state = strtoull(argv[9], NULL, 10) | 1;
  /* Wake-ups on time to the microsecond, not the default 50 us slack on top of the timer. */
  prctl(PR_SET_TIMERSLACK, 1UL);

  struct direction ab = {0}, ba = {0};
  ab.from_fd = open_tun_in(argv[1], argv[2]);
  ba.from_fd = open_tun_in(argv[3], argv[4]);
  ab.to_fd = ba.from_fd;
  ba.to_fd = ab.from_fd;
  ab.ring = malloc(sizeof(struct slot) * SLOTS);
  ba.ring = malloc(sizeof(struct slot) * SLOTS);
  if (!ab.ring || !ba.ring) { fprintf(stderr, "out of memory\n"); return 1; }
  printf("ready\n");
  fflush(stdout);

  struct pollfd fds[2] = {{ab.from_fd, POLLIN, 0}, {ba.from_fd, POLLIN, 0}};
  while (!is_stopping) {
    uint64_t now = now_ns();
    uint64_t next_ab = deliver(&ab, now + SLACK_NS), next_ba = deliver(&ba, now + SLACK_NS);
    uint64_t next = next_ab < next_ba ? next_ab : next_ba;
    struct timespec timeout = {1, 0};
    if (next != UINT64_MAX) {
      uint64_t wait = next > now ? next - now : 0;
      timeout.tv_sec = (time_t)(wait / 1000000000ull);
      timeout.tv_nsec = (long)(wait % 1000000000ull);
    }
    if (ppoll(fds, 2, &timeout, NULL) < 0 && errno != EINTR) { perror("ppoll"); return 1; }
    now = now_ns();
    if (fds[0].revents & POLLIN) take_in(&ab, now);
    if (fds[1].revents & POLLIN) take_in(&ba, now);
  }
  printf("a->b passed %lu lost %lu overflowed %lu\n", ab.passed, ab.lost, ab.overflowed);
  printf("b->a passed %lu lost %lu overflowed %lu\n", ba.passed, ba.lost, ba.overflowed);
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  printf("emulator cpu %ld ms\n", usage.ru_utime.tv_sec * 1000 + usage.ru_utime.tv_usec / 1000 + usage.ru_stime.tv_sec * 1000 + usage.ru_stime.tv_usec / 1000);
  return 0;
}
