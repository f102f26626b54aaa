/* The yardstick for `make bench`: a bare C director doing the same process operations and
 * /proc polls as procdemo's six lifecycle demos, with no script, no rendering, no front end.
 * procdemo aims to stay within about 2x of it, start-up and output included.
 *
 *   baseline zombie|orphan|fork-cow|wait|sigchld-ignore|double-fork [MiB]
 *
 * Like procdemo, each scenario forks actors that obey commands from a pipe and report on
 * another, performs the same system calls in the same order, polls /proc/PID/stat until each
 * awaited state holds (exit 1 if it does not within 2 s), reads stat and status at each
 * observation, and kills and reaps everything at the end. What it leaves out is all that
 * procdemo adds: the script, the front end, the JSON reports, the rendering. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

/* State letter and ppid from /proc/PID/stat; state 0 when gone. */
static char stat_of(pid_t pid, int *ppid, unsigned long *minflt) {
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *p = strrchr(buf, ')');
    if (!p) return 0;
    char state;
    int pp;
    unsigned long flt;
    sscanf(p + 2, "%c %d %*d %*d %*d %*d %*u %lu", &state, &pp, &flt);
    if (ppid) *ppid = pp;
    if (minflt) *minflt = flt;
    return state;
}

static void smaps(pid_t pid) {
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/smaps_rollup", pid);
    FILE *f = fopen(path, "r");
    if (!f) exit(1);
    while (fgets(line, sizeof line, f)) {}
    fclose(f);
}

/* Poll until pid is in `state` (0: gone), or its ppid is `ppid` when state is 'P'. */
static void await(pid_t pid, char state, int want_ppid) {
    double end = now() + 2.0;
    for (;;) {
        int ppid = 0;
        char s = stat_of(pid, &ppid, NULL);
        if (state == 'P' ? (s && ppid == want_ppid) : s == state) return;
        if (now() > end) {
            fprintf(stderr, "pid %d never reached %c\n", pid, state);
            exit(1);
        }
        sched_yield();
    }
}

/* An actor: block in read() on fd until a byte comes, then return it. */
static char next(int fd) {
    char c = 0;
    if (read(fd, &c, 1) != 1) _exit(0);
    return c;
}

/* ---- a bare actor protocol, as procdemo's: one command pipe per role, one report pipe ---- */
enum { FORK = 'f', EXIT = 'x', WAIT = 'w', NOHANG = 'n', NOHANG_LOOP = 'l', KILL = 'k', PEEK = 'e',
       IGNORE = 'i', NOCLDWAIT = 'h', SETSID = 's' };
struct cmd { char op; int arg; pid_t pid; int role; };
#define ROLES 16
static int cmdfd[ROLES][2], rep[2];
static pid_t pids[ROLES];

static void on_chld(int sig) { (void)sig; }

static void actor(int role) {
    for (;;) {
        struct cmd c;
        if (read(cmdfd[role][0], &c, sizeof c) != sizeof c) _exit(0);
        int r = 0, st = 0;
        switch (c.op) {
        case FORK: {
            pid_t p = fork();
            if (p == 0) { role = c.role; r = getpid(); write(rep[1], &r, sizeof r); continue; }
            r = p;
            break;
        }
        case EXIT: write(rep[1], &c.arg, sizeof c.arg); _exit(c.arg);
        case WAIT: r = waitpid(c.pid, &st, 0); break;
        case NOHANG: r = waitpid(c.pid, &st, WNOHANG); break;
        case NOHANG_LOOP: {
            /* As procdemo's loop: say it is under way after the first poll, and yield the CPU
               (which the director shares) then and every 64 polls. */
            int under_way = -2;
            unsigned long zeros = 0;
            while ((r = waitpid(-1, &st, WNOHANG)) == 0) {
                if (++zeros == 1) write(rep[1], &under_way, sizeof under_way);
                if (zeros == 1 || zeros % 64 == 0) sched_yield();
            }
            break;
        }
        case KILL: r = kill(c.pid, c.arg); break;
        case PEEK: { siginfo_t si; r = waitid(P_PID, c.pid, &si, WEXITED | WNOWAIT); break; }
        case IGNORE: signal(SIGCHLD, SIG_IGN); break;
        case NOCLDWAIT: {
            struct sigaction sa;
            memset(&sa, 0, sizeof sa);
            sa.sa_handler = on_chld;
            sa.sa_flags = SA_NOCLDWAIT | SA_RESTART;
            sigaction(SIGCHLD, &sa, NULL);
            break;
        }
        case SETSID: r = setsid(); break;
        }
        write(rep[1], &r, sizeof r);
    }
}

static void setup(void) {
    for (int i = 0; i < ROLES; i++) pipe(cmdfd[i]);
    pipe(rep);
}
static void send(int role, char op, int arg, pid_t pid) {
    struct cmd c = { op, arg, pid, 0 };
    write(cmdfd[role][1], &c, sizeof c);
}
static int reply(void) { int r; read(rep[0], &r, sizeof r); return r; }
static int act(int role, char op, int arg, pid_t pid) { send(role, op, arg, pid); return reply(); }
/* The runner forks role 1 itself; an actor forks the others. Both replies carry the pid. */
static void spawn(int parent, int role) {
    if (parent == 0) {
        pid_t p = fork();
        if (p == 0) {
            int me = getpid();
            write(rep[1], &me, sizeof me);
            actor(role);
        }
        reply();
        pids[role] = p;
        return;
    }
    struct cmd c = { FORK, 0, 0, role };
    write(cmdfd[parent][1], &c, sizeof c);
    reply();
    pids[role] = reply();
}
/* What procdemo reads at an observation: stat and status of each role. */
static void observe(int n, ...) {
    char path[64], buf[4096];
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        pid_t pid = pids[va_arg(ap, int)];
        stat_of(pid, NULL, NULL);
        snprintf(path, sizeof path, "/proc/%d/status", pid);
        FILE *f = fopen(path, "r");
        if (f) { while (fread(buf, 1, sizeof buf, f) > 0) {} fclose(f); }
    }
    va_end(ap);
}
/* The end of every run: kill and reap all that is left. */
static void clean_up(void) {
    for (int i = 1; i < ROLES; i++) if (pids[i] > 0) kill(pids[i], SIGKILL);
    while (wait(NULL) > 0 || errno == EINTR) {}
}

static void zombie(void) {
    enum { PARENT = 1, CHILD };
    setup();
    spawn(0, PARENT); spawn(PARENT, CHILD);
    await(pids[PARENT], 'S', 0); await(pids[CHILD], 'S', 0);
    observe(2, PARENT, CHILD);
    act(CHILD, EXIT, 7, 0);
    await(pids[CHILD], 'Z', 0);
    observe(2, PARENT, CHILD);
    act(PARENT, WAIT, 0, pids[CHILD]);
    await(pids[CHILD], 0, 0);
    observe(2, PARENT, CHILD);
    clean_up();
}

static void orphan(void) {
    enum { PARENT = 1, CHILD };
    setup();
    spawn(0, PARENT); spawn(PARENT, CHILD);
    observe(2, PARENT, CHILD);
    act(PARENT, EXIT, 0, 0);
    waitpid(pids[PARENT], NULL, 0);
    await(pids[CHILD], 'P', getpid());
    observe(1, CHILD);
    act(CHILD, EXIT, 3, 0);
    await(pids[CHILD], 'Z', 0);
    waitpid(pids[CHILD], NULL, 0);
    await(pids[CHILD], 0, 0);
    clean_up();
}

static void wait_demo(void) {
    enum { PARENT = 1, CHILD, FIRST, SECOND, TERMED, KILLED, PEEKED };
    setup();
    spawn(0, PARENT); spawn(PARENT, CHILD);
    send(PARENT, WAIT, 0, -1);                        /* blocking wait(), in the background */
    await(pids[PARENT], 'S', 0);
    observe(2, PARENT, CHILD);
    act(CHILD, EXIT, 1, 0);
    reply();
    observe(2, PARENT, CHILD);
    spawn(PARENT, FIRST); spawn(PARENT, SECOND);
    act(SECOND, EXIT, 2, 0);
    await(pids[SECOND], 'Z', 0);
    act(PARENT, WAIT, 0, pids[SECOND]);
    observe(2, FIRST, SECOND);
    act(PARENT, NOHANG, 0, -1);
    observe(2, PARENT, FIRST);
    send(PARENT, NOHANG_LOOP, 0, 0);
    reply();                                          /* under way */
    await(pids[PARENT], 'R', 0);
    act(FIRST, EXIT, 3, 0);
    reply();
    spawn(PARENT, TERMED);
    act(PARENT, KILL, SIGTERM, pids[TERMED]);
    await(pids[TERMED], 'Z', 0);
    act(PARENT, WAIT, 0, -1);
    spawn(PARENT, KILLED);
    act(PARENT, KILL, SIGKILL, pids[KILLED]);
    await(pids[KILLED], 'Z', 0);
    act(PARENT, WAIT, 0, pids[KILLED]);
    spawn(PARENT, PEEKED);
    act(PEEKED, EXIT, 5, 0);
    await(pids[PEEKED], 'Z', 0);
    act(PARENT, PEEK, 0, pids[PEEKED]);
    await(pids[PEEKED], 'Z', 0);
    act(PARENT, WAIT, 0, -1);
    await(pids[PEEKED], 0, 0);
    act(PARENT, WAIT, 0, -1);                         /* ECHILD */
    clean_up();
}

static void sigchld_ignore(void) {
    enum { PLAIN = 1, IGNORER, HANDLER, PLAIN_KID, IGNORER_KID, HANDLER_KID };
    setup();
    spawn(0, PLAIN); spawn(0, IGNORER); spawn(0, HANDLER);
    act(IGNORER, IGNORE, 0, 0);
    act(HANDLER, NOCLDWAIT, 0, 0);
    spawn(PLAIN, PLAIN_KID); spawn(IGNORER, IGNORER_KID); spawn(HANDLER, HANDLER_KID);
    observe(6, PLAIN, IGNORER, HANDLER, PLAIN_KID, IGNORER_KID, HANDLER_KID);
    act(PLAIN_KID, EXIT, 4, 0); act(IGNORER_KID, EXIT, 4, 0); act(HANDLER_KID, EXIT, 4, 0);
    await(pids[PLAIN_KID], 'Z', 0); await(pids[IGNORER_KID], 0, 0); await(pids[HANDLER_KID], 0, 0);
    observe(3, PLAIN, IGNORER, HANDLER);
    act(PLAIN, WAIT, 0, -1); act(IGNORER, WAIT, 0, -1); act(HANDLER, WAIT, 0, -1);
    clean_up();
}

static void double_fork(void) {
    enum { PARENT = 1, FIRST, GRANDCHILD };
    setup();
    spawn(0, PARENT); spawn(PARENT, FIRST); spawn(FIRST, GRANDCHILD);
    observe(3, PARENT, FIRST, GRANDCHILD);
    act(FIRST, EXIT, 0, 0);
    act(PARENT, WAIT, 0, pids[FIRST]);
    await(pids[GRANDCHILD], 'P', getpid());
    observe(2, PARENT, GRANDCHILD);
    act(GRANDCHILD, SETSID, 0, 0);
    observe(1, GRANDCHILD);
    act(GRANDCHILD, EXIT, 0, 0);
    await(pids[GRANDCHILD], 'Z', 0);
    waitpid(pids[GRANDCHILD], NULL, 0);
    await(pids[GRANDCHILD], 0, 0);
    observe(1, PARENT);
    clean_up();
}

static void fork_cow(size_t mib) {
    size_t len = mib << 20, page = sysconf(_SC_PAGESIZE);
    int cmd[2], rep[2];
    pipe(cmd); pipe(rep);
    pid_t parent = fork();
    if (parent == 0) {
        char *r = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        madvise(r, len, MADV_NOHUGEPAGE);
        for (size_t o = 0; o < len; o += page) r[o] = 1;
        pid_t child = fork();
        if (child == 0) {
            next(cmd[0]);
            for (size_t o = 0; o < len; o += page) r[o] = 2;
            write(rep[1], "t", 1);
            for (;;) pause();
        }
        write(rep[1], &child, sizeof child);
        for (;;) pause();
    }
    pid_t child;
    read(rep[0], &child, sizeof child);
    await(child, 'S', 0);
    smaps(parent); smaps(child);
    write(cmd[1], "t", 1);
    char c;
    read(rep[0], &c, 1);
    smaps(parent); smaps(child);
    stat_of(child, NULL, NULL);
    kill(child, SIGKILL); kill(parent, SIGKILL);
    while (wait(NULL) > 0 || errno == EINTR) {}
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    /* Like procdemo's runner: every process of the run on the CPU it started on. */
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(sched_getcpu(), &one);
    sched_setaffinity(0, sizeof one, &one);
    const char *d = argv[1];
    if (!strcmp(d, "zombie")) zombie();
    else if (!strcmp(d, "orphan")) orphan();
    else if (!strcmp(d, "fork-cow")) fork_cow(argc > 2 ? strtoul(argv[2], NULL, 10) : 16);
    else if (!strcmp(d, "wait")) wait_demo();
    else if (!strcmp(d, "sigchld-ignore")) sigchld_ignore();
    else if (!strcmp(d, "double-fork")) double_fork();
    else return 2;
    /* A line of output, as procdemo prints its record. */
    printf("%s done\n", d);
    return 0;
}
