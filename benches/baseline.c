/* The yardstick for `make bench`: a bare C director doing the same process operations and
 * /proc polls as procdemo's six lifecycle demos, with no script, no rendering, no front end.
 * procdemo aims to stay within about 2x of it, start-up and output included.
 *
 *   baseline zombie|orphan|fork-cow|wait|sigchld-ignore|double-fork [MiB]
 *
 * Each scenario forks its actors, drives them over pipes, polls /proc/PID/stat until the
 * expected state holds (exit 1 if it does not within 2 s), and reaps everything. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
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

static void zombie(void) {
    int cmd[2], rep[2];
    pipe(cmd); pipe(rep);
    pid_t parent = fork();
    if (parent == 0) {
        pid_t child = fork();
        if (child == 0) _exit(7);
        write(rep[1], &child, sizeof child);
        next(cmd[0]);
        int st;
        waitpid(child, &st, 0);
        write(rep[1], &st, sizeof st);
        next(cmd[0]);
        _exit(0);
    }
    pid_t child;
    read(rep[0], &child, sizeof child);
    await(parent, 'S', 0);
    await(child, 'Z', 0);
    write(cmd[1], "w", 1);
    int st;
    read(rep[0], &st, sizeof st);
    await(child, 0, 0);
    kill(parent, SIGKILL);
    waitpid(parent, NULL, 0);
}

static void orphan(void) {
    int rep[2], go[2];
    pipe(rep); pipe(go);
    pid_t parent = fork();
    if (parent == 0) {
        pid_t child = fork();
        if (child == 0) { next(go[0]); _exit(3); }
        write(rep[1], &child, sizeof child);
        _exit(0);
    }
    pid_t child;
    read(rep[0], &child, sizeof child);
    waitpid(parent, NULL, 0);
    await(child, 'P', getpid());
    write(go[1], "x", 1);
    await(child, 'Z', 0);
    waitpid(child, NULL, 0);
    await(child, 0, 0);
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

static void wait_demo(void) {
    /* blocking wait, waitpid of one of two, WNOHANG, killed by a signal, WNOWAIT, ECHILD */
    int go[2], rep[2];
    pipe(go); pipe(rep);
    pid_t parent = fork();
    if (parent == 0) {
        pid_t a = fork();
        if (a == 0) { next(go[0]); _exit(1); }
        pid_t b = fork();
        if (b == 0) { for (;;) pause(); }
        pid_t ids[2] = {a, b};
        write(rep[1], ids, sizeof ids);
        int st;
        waitpid(a, &st, 0);                        /* blocks until a exits */
        int zeros = 0;
        while (waitpid(-1, &st, WNOHANG) == 0 && zeros < 3) zeros++;
        kill(b, SIGTERM);
        siginfo_t si;
        waitid(P_PID, b, &si, WEXITED | WNOWAIT);  /* peek */
        waitpid(b, &st, 0);
        waitpid(-1, &st, 0);                       /* ECHILD */
        write(rep[1], &st, sizeof st);
        next(go[0]);
        _exit(0);
    }
    pid_t ids[2];
    read(rep[0], ids, sizeof ids);
    await(parent, 'S', 0);
    write(go[1], "x", 1);
    int st;
    read(rep[0], &st, sizeof st);
    await(ids[0], 0, 0);
    await(ids[1], 0, 0);
    kill(parent, SIGKILL);
    waitpid(parent, NULL, 0);
}

static void sigchld_ignore(void) {
    /* default: the exited child is a zombie until waited for; SIG_IGN: reaped at once, ECHILD */
    int rep[2], go[2];
    pipe(rep); pipe(go);
    pid_t parent = fork();
    if (parent == 0) {
        pid_t a = fork();
        if (a == 0) _exit(0);
        write(rep[1], &a, sizeof a);
        next(go[0]);
        waitpid(a, NULL, 0);
        signal(SIGCHLD, SIG_IGN);
        pid_t b = fork();
        if (b == 0) _exit(0);
        write(rep[1], &b, sizeof b);
        int r = waitpid(b, NULL, 0);
        write(rep[1], &r, sizeof r);
        next(go[0]);
        _exit(0);
    }
    pid_t a, b;
    int r;
    read(rep[0], &a, sizeof a);
    await(a, 'Z', 0);
    write(go[1], "w", 1);
    read(rep[0], &b, sizeof b);
    await(b, 0, 0);
    read(rep[0], &r, sizeof r);
    kill(parent, SIGKILL);
    waitpid(parent, NULL, 0);
}

static void double_fork(void) {
    int rep[2], go[2];
    pipe(rep); pipe(go);
    pid_t parent = fork();
    if (parent == 0) {
        pid_t first = fork();
        if (first == 0) {
            pid_t grand = fork();
            if (grand == 0) { next(go[0]); setsid(); next(go[0]); _exit(0); }
            write(rep[1], &grand, sizeof grand);
            _exit(0);
        }
        waitpid(first, NULL, 0);
        write(rep[1], "w", 1);
        for (;;) pause();
    }
    pid_t grand;
    char c;
    read(rep[0], &grand, sizeof grand);
    read(rep[0], &c, 1);
    await(grand, 'P', getpid());
    write(go[1], "s", 1);
    write(go[1], "x", 1);
    await(grand, 'Z', 0);
    waitpid(grand, NULL, 0);
    kill(parent, SIGKILL);
    waitpid(parent, NULL, 0);
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    prctl(PR_SET_CHILD_SUBREAPER, 1);
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
