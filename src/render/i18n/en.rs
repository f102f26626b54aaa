//! English: every word procdemo prints.
//!
//! `say` is the table of the presenter's messages ([`Msg`]): an exhaustive `match` with no `_`
//! arm and no decision but a plural's form, so a new message does not compile until it has its
//! words here (and in `zh.rs`). The other functions are word lists over the model's enums, as
//! exhaustive.

use crate::engine::model::{Disposition, ExitStatus, Memory, State, Unable};
use crate::render::i18n::present::Msg;
use crate::render::i18n::present::{errno_name, size, strerror};
use crate::render::reference::{Reference, Topic};
use crate::render::words::{
    Help, InspectLabels, MemoryHeaders, ObservationHeaders, PageWords, ShareHeaders, TimelineWords,
    Words,
};
use crate::script::actions::list_words;
use crate::script::actions::{Call, NoPython, Purpose, Rule, SigchldMode};
use crate::script::{FieldPlace, Found, ParseProblem, TicketProblem};

/// Printed if an allocation fails (exit 1): a fixed line, since nothing more can be allocated.
pub const OUT_OF_MEMORY: &str = "procdemo: out of memory: an allocation failed (is a limit such as `ulimit -v` or `prlimit --as` set?); everything procdemo started ends with it\n";

/// English.
pub struct En;

/// What --stable output shows instead of a value that depends on privilege.
const PRIVILEGE_HIDDEN: &str = "depends on privilege: not shown with --stable";

impl En {
    fn unable(&self, why: Unable) -> &'static str {
        match why {
            Unable::Gone => "it is gone",
            Unable::Zombie => "it has exited (state Z)",
            Unable::Stopped => "it is stopped (state T)",
            Unable::TracingStop => "it is stopped by a tracer (state t)",
        }
    }

    fn sigchld_mode(&self, mode: SigchldMode) -> &'static str {
        match mode {
            SigchldMode::Default => "SIG_DFL",
            SigchldMode::Ignore => "SIG_IGN",
            SigchldMode::NoCldWait => "handler with SA_NOCLDWAIT",
            SigchldMode::ReapOne => "a handler that calls waitpid(-1, WNOHANG) once per signal",
            SigchldMode::ReapAll => {
                "a handler that calls waitpid(-1, WNOHANG) until it returns 0 or -1"
            }
        }
    }
}

impl En {}

impl Words for En {
    fn parse_problem(&self, p: &ParseProblem) -> String {
        parse_problem(p)
    }

    fn help(&self, h: Help) -> &'static str {
        match h {
            Help::About => "Stage real Linux process lifecycles and show what the kernel reports",
            Help::LongAbout => {
                "\
procdemo creates real processes (fork, exit, wait, signals...) and reads /proc at every step,
so you see the PID, PPID and state letter (R S D T Z...) the kernel reports, not a drawing.
Every number printed was read from the kernel during that run.

Start with `procdemo list`, then try `procdemo zombie --explain`.
The guides, a teacher's included: README.md and docs/ in procdemo's source."
            }
            Help::Examples => {
                "\
Examples:
  procdemo list                 every built-in demo, one line each
  procdemo zombie               make a zombie and watch it get reaped
  procdemo orphan --explain     orphan a child, see it adopted, narrated
  procdemo all                  every demo, then a summary
  procdemo run my.demo          run your own script (see demos/README.md)
  procdemo zombie --json        one JSON document with the real PIDs
  procdemo zombie --html z.html a page for the projector or a handout
  procdemo show zombie          the zombie demo's script, to start your own
  procdemo explain wait-status  a reference table (`explain` lists them)
  procdemo watch -- python3 hw.py  every process your program makes

Exit codes: 0 ok, 1 a demo failed (an awaited state was not seen in time), 2 usage or
script error (nothing was run), 128+N stopped by signal N after cleaning up (130 Ctrl-C,
143 SIGTERM, 129 SIGHUP, 131 Ctrl-\\)."
            }
            Help::Commands => "Demos and commands",
            Help::Explain => "Narrate each step for a classroom, with this run's values",
            Help::Json => "Print one JSON document per demo (real PIDs)",
            Help::RecordEvents => "The engine's own events (for the render tests' fixtures)",
            Help::JsonEvents => {
                "Print JSON Lines: one event per line, each as it happens (for programs that follow a run live)"
            }
            Help::Timeline => {
                "Draw a timeline after each demo: each role's state at every step (on with --explain)"
            }
            Help::NoTimeline => "No timeline, even with --explain",
            Help::Tree => "Draw every observation as a process tree instead of a table",
            Help::Stable => "Show roles instead of PIDs and no timings: the same text every run",
            Help::CheckPs => {
                "Also ask the real `ps -o stat=` about every process observed; fail if it disagrees"
            }
            Help::Python => {
                "Show beside each action the course's Python line that makes the same system call"
            }
            Help::Step => {
                "Pause before each step: Enter runs it, c runs the rest, q quits (needs a terminal); look at the processes with ps meanwhile"
            }
            Help::Predict => {
                "Ask the demo's questions on the terminal before the step that answers them, then show what the kernel did (needs a terminal)"
            }
            Help::Answers => {
                "After each demo, its questions and the answers this run showed: a worksheet and its key"
            }
            Help::Worksheet => {
                "Print the demo's questions (every demo's with `all`) without running it: a worksheet to hand out before the class; --answers gives the key"
            }
            Help::Count => {
                "How many exercises: the seeds from --seed on, then a key with the tree each one made when run (roles, not PIDs)"
            }
            Help::Lang => {
                "The language of the output: zh (Chinese) or en [default: from LC_ALL, LC_MESSAGES or LANG]"
            }
            Help::Timeout => {
                "Fail a demo still running after this long [default: 20, the most allowed]"
            }
            Help::Delay => {
                "Wait MS milliseconds before each step, for a projector (never used to synchronise)"
            }
            Help::Color => {
                "Colour the state letters: auto (a terminal, unless NO_COLOR, CLICOLOR=0 or TERM=dumb; CLICOLOR_FORCE=1 forces it), always, never"
            }
            Help::Size => {
                "Size of the memory region for fork-cow (any `alloc` step), in MiB [default: as the script says]"
            }
            Help::Html => {
                "Also write the run as one self-contained HTML page (a handout; `all`: every demo in one page)"
            }
            Help::Seed => {
                "Which exercise: the same seed gives the same exercise on any machine [default: from the clock, and printed]"
            }
            Help::Actions => "How many forks and exits",
            Help::Forks => "Percent of the actions that are forks (the rest are exits)",
            Help::Reverse => {
                "The other way round: show the final tree (run for real) and ask for the moves that made it"
            }
            Help::ShowScript => {
                "Print the exercise as a .demo script (edit it, run it with `procdemo run`)"
            }
            Help::List => "List the built-in demos",
            Help::Quiz => {
                "A generated fork/exit exercise: draw the final process tree, then see it run for real"
            }
            Help::Show => "Print a built-in demo's script (to start your own from it)",
            Help::ExplainCommand => {
                "Print a reference table: states, stat-flags, wait-status, orphan, sigchld"
            }
            Help::All => "Run every built-in demo in order, then print a summary",
            Help::Run => "Run a scenario script you wrote (the language: demos/README.md)",
            Help::Replay => {
                "Show a run recorded earlier (--record-events > FILE) again, with no process: as text, --explain, --lang, --timeline, --html"
            }
            Help::Watch => {
                "Run a program (your own Python homework) and show every process it makes: forks, execs, exits, zombies, orphans, reaps, states"
            }
            Help::WatchCommand => "The program to run and its arguments (after --)",
            Help::MaxProcs => {
                "Stop the program (kill and reap every process of it) when more than N of its processes are alive at once [default: 256]"
            }
            Help::NoSignals => {
                "Do not show the signals delivered to the program's processes (text and page; --json keeps them)"
            }
            Help::WatchAll => {
                "Show every process: wrappers' helpers and big families of similar processes are not folded"
            }
            Help::KillRest => {
                "When the program's first process ends, kill what is still alive (default: leave it alone and watch it to its end)"
            }
            Help::WatchNotes => {
                "\
The program keeps the terminal (stdin, stdout, stderr); procdemo's report goes to standard
error, or to -o FILE. --tree and --timeline change nothing (both are always drawn); the
options that only a demo takes (--explain, --step, --stable...) are refused. At most
--max-procs processes alive at once, else the whole family is killed and reaped.

Exit code: the program's own (its first process's), 128+N if a signal N ended it (137 when
stopped at --max-procs); 127 command not found, 126 not runnable; 1 procdemo could not trace it
(e.g. under strace -f); 130 Ctrl-C (the family killed and reaped)."
            }
            Help::WatchOutput => {
                "Write procdemo's report to FILE instead of standard error (the program keeps the terminal)"
            }
            Help::Exercises => {
                "List the homework tasks procdemo check can judge, or print one in full"
            }
            Help::ExercisesTask => "A task's name: print its statement, what is checked and hints",
            Help::Check => {
                "Run your program as watch does and judge a task's properties from what the kernel reported (exit 0: passed, 1: not)"
            }
            Help::CheckTask => {
                "A built-in task's name (procdemo exercises lists them) or a task file (./my-task.task)"
            }
            Help::CheckNotes => {
                "Example: procdemo check zombie -- python3 hw.py\n\nThe verdicts go to standard error (or -o FILE); --json writes them as one JSON document (schema/check.json); --html FILE also writes a page: the verdicts and the family drawn on a time axis."
            }
            // Delivery (#19).
            Help::RunFile => "The script to run; - reads it from standard input",
            Help::Completions => {
                "Print a shell's completion script (bash, zsh, fish, elvish, powershell)"
            }
            Help::Shell => "The shell to complete for",
            Help::Man => "Print the manual page (roff: `procdemo man | man -l -` shows it)",
            Help::ExitCodes => {
                "0\tevery demo ran and every awaited state was observed
1\ta demo failed (an awaited state was not seen in time, a fork was refused, a crash), or the system refused something procdemo needs (/proc missing...)
2\tusage or script error: nothing was run
126\tprocdemo watch: the command was found but could not be run
127\tprocdemo watch: the command was not found
128+N\tstopped by signal N after cleaning up every process it started: 130 Ctrl-C, 143 SIGTERM, 129 SIGHUP, 131 Ctrl-\\
other\tprocdemo watch: the watched program's own exit code (128+N when a signal N ended it)
0, 1\tprocdemo check: every property holds (0) or one does not (1), also when the program had not ended by --timeout (procdemo killed it)"
            }
            Help::CheckTimeout => {
                "Kill the program if it has not ended after SECONDS (default 10), saying what each process was still doing; the property ends-by-itself then does not hold (exit 1)"
            }
        }
    }

    fn json_failed(&self, demo: &str, message: &str) -> String {
        format!("{demo} failed: {message}")
    }

    fn demo_failed(&self) -> &'static str {
        "a demo failed (see above)"
    }

    fn interrupted(&self, signal: &str) -> String {
        format!("interrupted by {signal}: every process procdemo started was killed and reaped")
    }

    fn quit(&self) -> &'static str {
        "quit at a pause: every process procdemo started was killed and reaped"
    }

    fn lang(&self) -> crate::render::Lang {
        crate::render::Lang::En
    }

    fn state(&self, state: State) -> &'static str {
        match state {
            State::Running => "running or runnable",
            State::Sleeping => "sleeping, interruptible",
            State::DiskSleep => "sleeping, uninterruptible",
            State::Stopped => "stopped by a signal",
            State::TracingStop => "stopped by a tracer",
            State::Zombie => "zombie: exited, not yet reaped",
            State::Dead => "dead, being removed",
            State::Idle => "idle kernel thread",
            State::Parked => "parked",
            State::Gone => "gone: reaped, no longer in /proc",
        }
    }

    fn exit_status(&self, status: ExitStatus) -> String {
        match status {
            ExitStatus::Exited(code) => format!("WIFEXITED, WEXITSTATUS = {code}"),
            ExitStatus::Killed(sig) => {
                format!("WIFSIGNALED, WTERMSIG = {sig} ({})", self.signal(sig))
            }
            ExitStatus::Stopped(sig) => {
                format!("WIFSTOPPED, WSTOPSIG = {sig} ({})", self.signal(sig))
            }
            ExitStatus::Continued => "WIFCONTINUED".to_string(),
        }
    }

    fn signal(&self, signal: i32) -> String {
        crate::render::signal_name(signal)
    }

    fn errno(&self, errno: i32) -> String {
        format!("{} ({})", errno_name(errno), strerror(errno))
    }

    fn call_failed(&self, call: Call, errno: i32) -> String {
        format!("{} failed: {}", call.name(), self.errno(errno))
    }

    fn sigchld(&self, disposition: Option<Disposition>) -> &'static str {
        match disposition {
            Some(Disposition::Default) => "default",
            Some(Disposition::Ignored) => "ignored",
            Some(Disposition::Caught) => "caught",
            None => "-",
        }
    }

    fn sigchld_column(&self, disposition: Option<Disposition>) -> &'static str {
        match disposition {
            Some(Disposition::Default) => "default",
            Some(Disposition::Ignored) => "ignored (SigIgn)",
            Some(Disposition::Caught) => "handler (SigCgt)",
            None => "-",
        }
    }

    #[rustfmt::skip]
    fn say(&self, msg: &Msg) -> String {
        match msg {
            Msg::PipeMade { read_fd, write_fd, capacity } => format!("pipe() returned fd {read_fd} (the read end) and fd {write_fd} (the write end), both close-on-exec as Python's os.pipe() makes them; F_GETPIPE_SZ: it holds {capacity} bytes"),
            Msg::Closed { fd, end } => format!("close({fd}) returned 0: this process no longer holds the {} end", end_word(*end)),
            Msg::ReadEof { fd } => format!("read({fd}) returned 0: end of file, no process holds the write end any more"),
            Msg::ReadText { fd, bytes, text } => format!("read({fd}) returned {bytes} bytes: {text:?}"),
            Msg::ReadBytes { fd, bytes } => format!("read({fd}) returned {bytes} bytes"),
            Msg::Wrote { fd, bytes } => format!("write({fd}) returned {bytes}"),
            Msg::Filled { fd, bytes, capacity } => format!("write({fd}) of {bytes} bytes, the pipe's capacity ({capacity}) and a page more, returned {bytes}: a pipe holds at most its capacity, so the call could only return once a reader had taken bytes out"),
            Msg::WorkedHidden => "its loop ended: read() returned 0, end of file (which tasks it took is the scheduler's choice: not shown with --stable)".into(),
            Msg::WorkedNone => "took no task (the other workers took them all), then read() returned 0: end of file".into(),
            Msg::Worked { count: 1, done } => format!("took 1 task ({}), sent each result, then read() returned 0: end of file", done.join(", ")),
            Msg::Worked { count, done } => format!("took {count} tasks ({}), sent each result, then read() returned 0: end of file", done.join(", ")),
            Msg::Mapped { count, each, who } => format!("wrote {count} tasks one at a time, reading each result before the next task: {}{who}", each.join(", ")),
            Msg::MapItem { task, value } => format!("{task} → {value}"),
            Msg::MapItemFrom { task, value, pid } => format!("{task} → {value} from {pid}"),
            Msg::WorkersHidden => " (which worker computed each is the scheduler's choice: not shown with --stable)".into(),
            Msg::Workers { distinct } => format!(", from {distinct} different worker PIDs"),
            Msg::UnsharedPid => "unshare(CLONE_NEWPID) returned 0: its next child will be PID 1 of a new PID namespace".into(),
            Msg::UnsharedUser => "unshare(CLONE_NEWPID) alone was refused (EPERM: no CAP_SYS_ADMIN), so, as `unshare -Urpf` does, unshare(CLONE_NEWUSER | CLONE_NEWPID) returned 0: a new user namespace, in which it has that privilege, and its next child will be PID 1 of a new PID namespace".into(),
            Msg::SignalSet { signal, mode } => format!("sigaction() returned 0: {signal} is now {}", signal_mode(*mode)),
            Msg::Masked { how, set, blocked, after } => format!("sigprocmask({how}, {set}) returned 0; blocked now: {blocked}{after}"),
            Msg::Delivered { runs } => format!(". Before the call returned, the pending signal was delivered: {runs}"),
            Msg::NoHandlerRan => "; no handler ran".into(),
            Msg::NoHandlerYet => "no handler has run".into(),
            Msg::HandledSoFar { runs } => format!("so far {runs}"),
            Msg::HandlerRuns { ran, waits } => format!("{}{waits}", list_words(ran, "and")),
            Msg::HandlerRan { signal, times: 1 } => format!("the {signal} handler ran 1 time"),
            Msg::HandlerRan { signal, times } => format!("the {signal} handler ran {times} times"),
            Msg::HandlerWaits { each } => format!(": waitpid(-1, WNOHANG) returned {}", each.join(", then ")),
            Msg::WaitNone => "0 (children left, none of them ended)".into(),
            Msg::WaitError { errno } => format!("-1 ({errno})"),
            Msg::WaitPid { pid, status } => format!("{pid} ({status})"),
            Msg::Printed { bytes, pending } => format!("printf() put {bytes} bytes in its stdio buffer, where {pending} bytes now wait, not yet written (its stdout is a pipe: fully buffered)"),
            Msg::FlushedNothing => "fflush() found nothing waiting".into(),
            Msg::Flushed { bytes } => format!("fflush() wrote the {bytes} bytes that were waiting"),
            Msg::AtexitSet => "atexit() registered the handler: exit() will run it, _exit() will not".into(),
            Msg::ExitingFlushing { code, pending } => format!("exit({code}): it runs the atexit handlers, flushes its stdio buffer ({pending} bytes were waiting), then calls _exit({code})"),
            Msg::OpenedCloexec { fd } => format!("open() returned fd {fd}, close-on-exec: an execve() will close it"),
            Msg::Opened { fd } => format!("open() returned fd {fd}, not close-on-exec: an execve() keeps it"),
            Msg::Execed { pid } => format!("execve() did not return: procdemo's binary started afresh in the same process, and says so from PID {pid}"),
            Msg::RunningExe { comm, exe } => format!("execve() did not return: the process now runs {exe}, command name {comm}"),
            Msg::RunningExited { comm } => format!("execve() did not return: the process's command name is now {comm} (it has already exited: no exe left to read)"),
            Msg::RunningComm { comm } => format!("execve() did not return: the process's command name is now {comm}"),
            Msg::ForkedBoth { pid, returned } => format!("fork() returned {pid} to the parent, {returned} to the child"),
            Msg::Forked { pid } => format!("fork() returned {pid}, the new process's PID"),
            Msg::OwnPid { pid } => format!("getpid() returned {pid}: its own PID, as it sees it"),
            Msg::Vforked { pid, child } => format!("clone(CLONE_VFORK) returned {pid}, the new process's PID, once the child had ended (no CLONE_VM: the child had its own memory).{child}"),
            Msg::VforkChildSaid { returned } => format!(" In the new process it had returned {returned} (its own report)."),
            Msg::Reaped { pid, status, decoded } => format!("returned {pid} with status {status}: {decoded}"),
            Msg::NotYetOnce => "returned 0: a child exists but none has ended yet".into(),
            Msg::NotYet { polls } => format!("returned 0 {polls} times in a row: no child had ended yet"),
            Msg::ReapedAtFirst { pid, status, decoded } => format!("returned {pid} at the first call, with status {status}: {decoded}"),
            Msg::PolledThenReaped { zeros, pid, status, decoded } => format!("returned 0 {zeros} while no child had exited, then returned {pid} with status {status}: {decoded}"),
            Msg::ZerosHidden => "again and again (how many times varies: not shown with --stable)".into(),
            Msg::Zeros { times: 1 } => "once".into(),
            Msg::Zeros { times } => format!("{times} times"),
            Msg::Peeked { pid, how } => format!("waitid(WNOWAIT) read {pid} {how}, and left it unreaped"),
            Msg::CldExited { status } => format!("CLD_EXITED, exit status {status}"),
            Msg::CldKilled { signal } => format!("CLD_KILLED by {signal}"),
            Msg::CldDumped { signal } => format!("CLD_DUMPED by {signal}"),
            Msg::CldOther { code, status } => format!("si_code {code}, si_status {status}"),
            Msg::Blocking => "sleeping in read() until told otherwise".into(),
            Msg::Listening { fd, backlog, chose } => format!("socket() returned fd {fd}; bind() to 127.0.0.1 port 0 and listen(fd {fd}, {backlog}) returned 0; getsockname() says the kernel chose {chose}"),
            Msg::PortHidden => "a port (its number varies: not shown with --stable)".into(),
            Msg::Port { port } => format!("port {port}"),
            Msg::Accepted { fd, from, pid, child } => format!("accept() returned fd {fd}, a connection from {from}; fork() returned {pid}, the new process's PID{child}, which serves it; the server closed its copy of fd {fd}"),
            Msg::PeerHidden => "127.0.0.1 (the client's port varies: not shown with --stable)".into(),
            Msg::Peer { port } => format!("127.0.0.1 port {port}"),
            Msg::AcceptChildSaid { returned } => format!(" (in the new process it returned {returned}, its own report)"),
            Msg::Connected { first, fd, ports } => format!("{first}socket() returned fd {fd}, and connect() to 127.0.0.1, {ports}"),
            Msg::ClosedFirst { fd } => format!("closed its previous connection (fd {fd}); then "),
            Msg::PortsHidden => "the server's port, returned 0 (port numbers vary: not shown with --stable)".into(),
            Msg::Ports { port, local } => format!("port {port}, returned 0; this end is port {local}"),
            Msg::Sent { bytes } => format!("send() returned {bytes}: {bytes} bytes sent"),
            Msg::ReceivedEof => "recv() returned 0: the other end has closed the connection (end of file)".into(),
            Msg::Received { bytes, text } => format!("recv() returned {bytes} bytes: {text}"),
            Msg::Spinning => "running a busy loop".into(),
            Msg::CpuLooping => "running a busy loop that never yields the CPU of its own accord".into(),
            Msg::Reniced { pid, asked, nice } => format!("setpriority(PRIO_PROCESS, {pid}, {asked}) returned 0; getpriority() now reads {nice} for it"),
            Msg::Signalled { pid, signal } => format!("kill({pid}, {signal}) returned 0: the signal was sent"),
            Msg::SigchldSet { mode } => format!("SIGCHLD disposition is now {}", self.sigchld_mode(*mode)),
            Msg::NewSession { sid } => format!("setsid() returned {sid}: a new session and process group"),
            Msg::Niced { nice } => format!("nice value is now {nice}"),
            Msg::Threaded => "a second thread is running".into(),
            Msg::Locked { bytes } => format!("mlock() locked {bytes} bytes"),
            Msg::Terminal { sid } => format!("a pseudo-terminal is the controlling terminal of new session {sid}"),
            Msg::Traced { pid } => format!("ptrace(PTRACE_SEIZE) and ptrace(PTRACE_INTERRUPT) on {pid} both succeeded"),
            Msg::Untraced { pid } => format!("ptrace(PTRACE_DETACH) from {pid} succeeded"),
            Msg::Allocated { size, pages } => format!("mapped {size} and wrote all {pages} pages"),
            Msg::TouchedAbout { pages } => format!("wrote {pages} pages; its minor faults rose by about one per page written (the exact count varies: not shown with --stable)"),
            Msg::Touched { pages, before, after, faults } => format!("wrote {pages} pages; its minor faults went {before} -> {after}: +{faults} for {pages} pages written"),
            Msg::TicketFile { fd, left } => format!("memfd_create() returned fd {fd}: the ticket file (a file in memory that no directory names); pwrite() wrote the count, and pread() read back {left}"),
            Msg::TicketsLeft { left: 1 } => "1 ticket left".into(),
            Msg::TicketsLeft { left } => format!("{left} tickets left"),
            Msg::CountedHidden => "pread() read the count the race left (it depends on the scheduler: not shown with --stable)".into(),
            Msg::CountedRaced { left, sales } => format!("pread() read {left} after the race{sales} (the figure depends on where the scheduler switched between the processes)"),
            Msg::Counted { left, sales } => format!("pread() read the file: {left}{sales}"),
            Msg::Sales { count: 1, buyers } => format!(", 1 sale recorded: to {}", list_words(buyers, "and")),
            Msg::Sales { count, buyers } => format!(", {count} sales recorded: to {}", list_words(buyers, "and")),
            Msg::Bought { read, wrote } => format!("it had read {read}, so pwrite() wrote {wrote} back and write() appended its sale to the file: it bought a ticket"),
            Msg::SoldOut { read } => format!("it had read {read}: sold out, nothing written"),
            Msg::FileLocked { fd } => format!("open() gave it fd {fd}, an open file description of its own, and flock(fd, LOCK_EX) returned 0: it holds the lock"),
            Msg::FileUnlocked { fd } => format!("flock(fd {fd}, LOCK_UN) returned 0 and fd {fd} is closed: the lock is free"),
            Msg::Raced { steps } => format!("{steps} steps done, each pread() the count then pwrite() it back one less, with no lock"),
            Msg::TotalDeadline { timeout } => format!("the script ran longer than its total deadline of {timeout}"),
            Msg::CannotAct { role, step, why } => format!("`{role}` cannot perform `{step}`: {}", self.unable(*why)),
            Msg::TooBusy { role, step, waited, cpu } => format!("the machine was too busy: after {waited} on `{step}`, `{role}` was still runnable (R: ready to run or running) but had had only {cpu} of CPU time when the script's total deadline ran out. Nothing was wrong with the script or the kernel's answers; run it again when the machine is less loaded"),
            Msg::TargetGone { role, step, target } => format!("`{role}` cannot perform `{step}`: `{target}` is gone (it died and was reaped outside the script's steps), and its PID may now name another process, so nothing was sent"),
            Msg::CommandNotSent { role, step, failed } => format!("could not send `{step}` to `{role}`: {failed}"),
            Msg::ForkRefused { role, call, errno, limit } => format!("`{role}` could not create a process: {call} failed with {errno}{limit}"),
            Msg::NprocLimit { limit } => format!(". The kernel refuses new processes past the per-user limit RLIMIT_NPROC (`ulimit -u`, here {limit}) or the system's pid limits; end some processes or raise the limit"),
            Msg::Unlimited => "unlimited".into(),
            Msg::NoHello { role, within } => format!("the new process `{role}` did not report within {within}"),
            Msg::DiedDuring { role, step, seen } => format!("`{role}` died while it performed `{step}`, before it could report: {seen}. (A process the kernel's out-of-memory killer ends dies of SIGKILL; so does one sent `kill -9` from outside.)"),
            Msg::Needed { role, failed } => format!("`{role}`: {failed}. The steps after it count on what it would have made (a memory region, a second thread), so the demo stops here"),
            Msg::NoResult { role, step, within, seen, hint } => format!("`{role}` did not finish `{step}` within {within}; {seen}{hint}"),
            Msg::AmpersandHint { role } => format!(". If the action is meant to block, end the line with `&` and add `await {role} done` after the step that unblocks it"),
            Msg::NotStarted { role, step, within, seen } => format!("`{role}` did not start `{step}` within {within}; {seen}"),
            Msg::RunnerWaitTimeout { role, within, seen } => format!("the runner's waitpid for `{role}` did not return within {within}: the child has not exited; {seen}"),
            Msg::AwaitTimeout { role, cond, deadline, reads, seen } => format!("awaited `{role}` to be {cond} {deadline}, but after {reads} of /proc it was still not: {seen}"),
            Msg::Reads { reads: 1 } => "1 read".into(),
            Msg::Reads { reads } => format!("{reads} reads"),
            Msg::Within { within } => format!("within {within}"),
            Msg::BeforeTotal { total } => format!("before the script's total deadline of {total} ran out"),
            Msg::DoneTimeout { role, step, deadline, seen } => format!("awaited `{role}` to finish `{step}` {deadline}, but it did not; {seen}"),
            Msg::MeasureGone { role } => format!("cannot measure `{role}`: it is gone"),
            Msg::MeasureZombie { role } => format!("cannot measure `{role}`: no smaps (a zombie has no memory)"),
            Msg::RegionMissing { role, addr, pid } => format!("cannot measure `{role}`: its region at {addr:#x} is not in /proc/{pid}/smaps"),
            Msg::ExpectFailed { role, field, cmp, operand, wanted, actual, unit } => format!("expected `{role}`'s {field} {cmp} {operand} ({wanted}{unit}), but the kernel reported {actual}{unit}"),
            Msg::RegionSize => "the region's size".into(),
            Msg::FieldOf { role, field } => format!("`{role}`'s {field}"),
            Msg::FigureMissing { role, field } => format!("cannot check `{role}`'s {field}: its latest `measure` has no such figure (no `alloc` region, or a single measurement for `faults`)"),
            Msg::OperandMissing { operand } => format!("cannot check against {operand}: it was not measured"),
            Msg::OperandMissingOf { role, field } => format!("cannot check `{role}`'s {field}: what it is compared with was not measured"),
            Msg::TryNotRefusal { step, call, errno } => format!("`{step}`: {call} failed with {errno}, which is not a permission refusal: `try` only accepts EPERM or EACCES"),
            Msg::PsDisagrees { role, pid, ours, theirs } => format!("--check-ps: `{role}` (pid {pid}) has STAT {ours} from /proc but ps -o stat= says {theirs:?}"),
            Msg::PsFailed { errno } => format!("--check-ps: cannot run ps: {errno}"),
            Msg::PsUnavailable => "--check-ps: cannot run ps".into(),
            Msg::ProcUnreadable { path, role, pid, why } => format!("cannot read {path} for `{role}` (pid {pid}){why}. Is /proc mounted with hidepid, or is the process another user's?"),
            Msg::Because { errno } => format!(": {errno}"),
            Msg::NoProc { errno } => format!("cannot read /proc/self/stat ({errno}): procdemo reads every state from /proc, so procfs must be mounted (mount -t proc proc /proc)"),
            Msg::NoProcfs => "/proc/self/stat could not be understood: is /proc a real procfs?".into(),
            Msg::Setup { failed } => format!("the runner could not set itself up: {failed}"),
            Msg::GarbledReport => "a garbled report from an actor".into(),
            Msg::ShareGone { role } => format!("cannot read `{role}`'s CPU time: it is gone"),
            Msg::ShareZombie { role } => format!("cannot read `{role}`'s CPU time: it is a zombie, it runs no more"),
            Msg::NoSchedstat { role, pid } => format!("cannot read `{role}`'s CPU time: /proc/{pid}/schedstat is missing or all zeros (this kernel keeps no per-process CPU time there: CONFIG_SCHED_INFO)"),
            Msg::ShareDeadline { role, used, wanted, waited } => format!("`{role}` had used {used} of CPU time of the {wanted} wanted when the script's total deadline ran out, after {waited}: the machine is too busy, or it was not running"),
            Msg::RunnerCrashed { name, code, left } => format!("the runner for `{name}` crashed (exit code {code}){left}"),
            Msg::RunnerKilled { name, signal, left } => format!("the runner for `{name}` was killed by {signal}{left}"),
            Msg::RunnerOverran { name, left } => format!("the runner for `{name}` did not finish within its deadline and was killed{left}"),
            Msg::RunnerGarbled { name, left } => format!("the runner for `{name}` sent events that could not be read{left}"),
            Msg::RunnerLeft { left } => format!("; the front end killed and reaped the {left} process(es) it left"),
            Msg::DescribeGone { who } => format!("{who} was gone"),
            Msg::DescribeHidden { who } => format!("{who} was last seen in a state that {PRIVILEGE_HIDDEN}"),
            Msg::Describe { who, code, meaning, wchan, status, ppid } => format!("{who} was last seen in state {code} ({meaning}){wchan}{status}{ppid}"),
            Msg::Who { role, pid } => format!("`{role}` (pid {pid})"),
            Msg::Wchan { wchan } => format!(", waiting in {wchan}"),
            Msg::Holding { status, decoded } => format!(", holding status {status} ({decoded})"),
            Msg::PpidIs { ppid } => format!(", PPID {ppid}"),
            Msg::Unreadable => "its state could not be read from /proc".into(),
            Msg::Refused => " (a refusal: `try` accepts it, and steps that end `if permitted` are skipped)".into(),
            Msg::AlreadyTraced { tracer } => format!(" (not a want of privilege: the target already has a tracer, {tracer}, and a process has one tracer at a time; steps that end `if permitted` are skipped)"),
            Msg::TracerComm { comm, pid } => format!("{comm} (pid {pid})"),
            Msg::AnotherProcess => "another process".into(),
            Msg::TracerPid { pid } => format!("pid {pid}"),
            Msg::WatchBegin { watcher, limit, command } => format!("procdemo watches `{command}`: its watcher {watcher} traces every process the program makes (ptrace, as strace -f does) and is their subreaper. Times are since the program's first process was created; each exit and death is the kernel's report to the tracer, each reap the process's pidfd closing; states are read from /proc (a `t`, procdemo's own tracing stop, is never shown as the program's). At most {limit} processes alive at once."),
            Msg::WatchStarted { pid, watcher } => format!("{pid} started by procdemo's watcher {watcher}"),
            Msg::WatchCreated { parent, pid, how } => format!("{parent} created {pid} with {how}"),
            Msg::ByFork => "fork()".into(),
            Msg::ByVfork => "vfork() (it is suspended until the child execs or exits; /proc shows it D while it waits)".into(),
            Msg::ByClone => "clone() (a new process, not a thread)".into(),
            Msg::WatchThread { process, tid } => format!("{process} started thread {tid} (a thread is not a process: counted apart)"),
            Msg::WatchExec { pid, command } => format!("{pid} execs `{command}`"),
            Msg::WatchState { pid, letter, meaning } => format!("{pid} is {letter} ({meaning})"),
            Msg::WatchStopped { pid, signal } => format!("{pid} stopped by {signal}: T (the kernel shows t while procdemo, its tracer, holds the stop)"),
            Msg::WatchContinued { pid } => format!("{pid} continued (SIGCONT)"),
            Msg::WatchExit { pid, status, core } => format!("{pid} exits: {status}{core}"),
            Msg::CoreDumpedSuffix => " (core dumped)".into(),
            Msg::StatusExited { code } => format!("exit code {code}"),
            Msg::StatusKilled { signal } => format!("killed by {signal}"),
            Msg::StatusStopped { signal } => format!("stopped by {signal}"),
            Msg::StatusContinued => "continued".into(),
            Msg::WatchDeadWaited { pid, parent } => format!("{pid} is dead; its parent {parent} is already waiting for it in wait(), and takes its status at once"),
            Msg::WatchZombie { pid, parent } => format!("{pid} is a zombie (Z) until its parent {parent} waits for it"),
            Msg::WatcherSubreaper { pid } => format!("{pid} (procdemo's watcher, the subreaper)"),
            Msg::WatchSignal { pid, signal, from, what } => format!("{pid} receives {signal} from {from}: {what}"),
            Msg::FromKernelChild { code, child } => format!("the kernel ({code}: its child {child})"),
            Msg::FromSender { name, how } => format!("{name}, by {how}"),
            Msg::FromKernelCode { code } => format!("the kernel ({code})"),
            Msg::FromKernel => "the kernel".into(),
            Msg::ActionHandled => "its handler runs".into(),
            Msg::ActionIgnored => "ignored".into(),
            Msg::ActionStopped => "it stops".into(),
            Msg::ActionContinued => "it continues".into(),
            Msg::ActionKilled => "it is killed".into(),
            Msg::WatchRenamed { pid, comm } => format!("{pid} renamed itself {comm} (prctl(PR_SET_NAME), no exec)"),
            Msg::WatchReapedByParent { pid, parent, after } => format!("{pid} reaped by its parent {parent}{after}"),
            Msg::WatchReapedAtOnce { pid, parent } => format!("{pid} reaped by its parent {parent} at once (gone before procdemo could read it as Z)"),
            Msg::WatchReapedByWatcher { pid } => format!("{pid} reaped by procdemo's watcher, its parent (as a shell would)"),
            Msg::WatchReapedBySubreaper { pid, watcher, after } => format!("{pid} reaped by procdemo's watcher {watcher} as subreaper{after}: the program never waited for it"),
            Msg::WatchReleased { pid } => format!("{pid} released by the kernel at once: its parent ignores SIGCHLD, so it never waited as a zombie for it (under ptrace it waited only for procdemo, its tracer, to read its status)"),
            Msg::AfterZombie { time } => format!(", after {time} as a zombie"),
            Msg::WatchOrphaned { pid, from, to } => format!("{pid} is an orphan: its parent {from} is gone; the kernel reparented it to {to}"),
            Msg::WatchMainExited { pid, status, rest } => format!("{pid}, the program's first process, ended ({status}): procdemo exits with its code. {rest}"),
            Msg::NothingAlive => "Nothing of the family is alive any more.".into(),
            Msg::StillAlive { pids } => format!("Still alive: {}.", pids.join(", ")),
            Msg::WatchKilled { why, pids } => format!("{why}; SIGKILL to {}", pids.join(", ")),
            Msg::KillLimit => "more processes alive at once than the limit (--max-procs): procdemo stops the program".into(),
            Msg::KillSurvivors => "--kill-rest: procdemo kills what outlived the first process".into(),
            Msg::KillFrontEndGone => "procdemo is ending: nothing may outlive it".into(),
            Msg::WatchEnd => "every process of the family has been reaped".into(),
            Msg::WatchCounts { processes, threads, execs, peak } => format!("{processes} created (the first included), {threads}, {execs}; at most {peak} alive at once."),
            Msg::Processes { count: 1 } => "1 process".into(),
            Msg::Processes { count } => format!("{count} processes"),
            Msg::Threads { count: 1 } => "1 thread".into(),
            Msg::Threads { count } => format!("{count} threads"),
            Msg::Execs { count: 1 } => "1 exec".into(),
            Msg::Execs { count } => format!("{count} execs"),
            Msg::WatchWrappersRan { wrappers, processes } => format!("Before the program started, its wrappers ({}) ran {processes}: left out below (--all shows them).", wrappers.join(", ")),
            Msg::WatchReapedAtOnceList { shown } => format!("Reaped at once: {shown}: their parent was already blocked in wait() when they died, so it took their status the moment they died. That is the normal case, not a leak."),
            Msg::WatchPids { pids } => pids.join(", "),
            Msg::WatchPidsCut { pids, total } => format!("{}, … ({total} in all)", pids.join(", ")),
            Msg::WatchNoZombies => "Zombies that waited for their parent: none.".into(),
            Msg::WatchZombies { rows } => format!("Zombies that waited for their parent: {}. Each was dead while its parent was busy elsewhere, holding its PID and exit status until the parent called wait(); one whose parent never does is a leak (a long-lived parent fills the process table with them).", rows.join("; ")),
            Msg::ZombieRow { pid, how_long, by } => format!("{pid} for {how_long} ({by})"),
            Msg::UntilTheEnd => "until the end".into(),
            Msg::ZombieReapedBy { name } => format!("reaped by {name}"),
            Msg::ZombieReapedByProcdemo => "reaped by procdemo".into(),
            Msg::ZombieReleased => "released by the kernel".into(),
            Msg::ZombieNeverReaped => "never reaped while watched".into(),
            Msg::WatchReleasedList { pids } => format!("Never zombies (their parent ignored SIGCHLD): {}.", pids.join(", ")),
            Msg::WatchNoOrphans => "Orphans: none.".into(),
            Msg::WatchOrphans { rows } => format!("Orphans: {}.", rows.join("; ")),
            Msg::OrphanRow { pid, from, to } => format!("{pid} (parent {from} gone) → {to}"),
            Msg::TheWatcher { pid } => format!("procdemo's watcher {pid}"),
            Msg::WatchNeverReaped { pids } => format!("The program never reaped {}: procdemo, their subreaper, did.", pids.join(", ")),
            Msg::WatchFirstEnded { pid, status } => format!("The first process {pid} ended: {status}."),
            Msg::WatchAliveAtEnd { pids, fate } => format!("Alive when it ended: {}: {fate}.", pids.join(", ")),
            Msg::FateKilled => "killed by procdemo (--kill-rest)".into(),
            Msg::FateLeftAlone => "left alone and watched to their end (--kill-rest would kill them)".into(),
            Msg::WatchStoppedAtLimit { limit, processes } => format!("Stopped at the limit of {limit} processes alive at once: procdemo killed and reaped {processes}."),
            Msg::WatchKilledAsItEnded { processes } => format!("procdemo killed {processes} as it ended."),
            Msg::WatchInterrupted { signal } => format!("Interrupted by {signal}: procdemo killed and reaped the whole family."),
            Msg::WatchEndedEarly => "The watch ended early: the watcher stopped reporting.".into(),
            Msg::WatchParts { parts } => parts.join(", "),
            Msg::NodeExec { command } => format!("exec `{command}`"),
            Msg::NodeExecWrapped { command, count: 1, wrappers } => format!("exec `{command}`, through 1 wrapper: {}", wrappers.join(", ")),
            Msg::NodeExecWrapped { command, count, wrappers } => format!("exec `{command}`, through {count} wrappers: {}", wrappers.join(", ")),
            Msg::NodeAlive => "still alive".into(),
            Msg::NodeCoreDumped => "core dumped".into(),
            Msg::NodeReapedAtOnce => "reaped at once (its parent was waiting)".into(),
            Msg::NodeZombie { time } => format!("zombie {time}"),
            Msg::NodeSignals { count: 1 } => "1 signal".into(),
            Msg::NodeSignals { count } => format!("{count} signals"),
            Msg::NodeOrphanToProcdemo => "orphan, reparented to procdemo".into(),
            Msg::NodeOrphanTo { to } => format!("orphan, reparented to {to}"),
            Msg::NodeReapedBy { pid } => format!("reaped by {pid}"),
            Msg::NodeReapedByWatcher => "reaped by procdemo (its parent)".into(),
            Msg::NodeReapedBySubreaper => "reaped by procdemo (subreaper)".into(),
            Msg::NodeReleased => "released by the kernel (SIGCHLD ignored)".into(),
            Msg::WatchHelpers { processes, wrappers } => format!("{processes} run by the wrappers ({}) before the program started (--all shows them)", wrappers.join(", ")),
            Msg::WatchFoldBegins { parent, shown } => format!("{parent} has created {shown} children: from here on, the routine lines of its further children (created, exited with a code, a zombie, reaped by it, its SIGCHLD) are folded; anything else about them is still said (--all shows every line)"),
            Msg::WatchFolded { lines, children } => format!("{lines} routine lines about {children} children were folded; the summary and the tree below count every one of them"),
            Msg::GroupHead { count, parent, how } => format!("{count} children of {parent} like this: {how}"),
            Msg::GroupExited { code } => format!("exited {code}"),
            Msg::GroupExitedRange { lo, hi } => format!("exited {lo}–{hi}"),
            Msg::GroupKilled { count } => format!("{count} killed by a signal"),
            Msg::GroupReapedWithin { lo, hi } => format!("each reaped by its parent within {lo}–{hi} µs"),
            Msg::GroupZombies { count } => format!("{count} waited as zombies"),
            Msg::WatchNoInterpreter { command, interpreter, errno } => format!("{command}: cannot execute: its interpreter {interpreter} was not found (a bad #! line; execve: {errno})"),
            Msg::Unnamed => "(unnamed)".into(),
            Msg::WatchNotFound { command, errno } => format!("{command}: command not found (execvp: {errno})"),
            Msg::WatchCannotRun { command, errno } => format!("{command}: cannot run it (execvp: {errno})"),
            Msg::WatchTracedAlready { command, tracer, errno } => format!("cannot trace `{command}`: procdemo itself is traced (by process {tracer}, e.g. strace -f or gdb), and that tracer already follows the new process (PTRACE_SEIZE: {errno}). Run procdemo watch without a tracer."),
            Msg::WatchCannotTrace { command, errno } => format!("cannot trace `{command}` (PTRACE_SEIZE: {errno}): is ptrace forbidden here (a container's seccomp policy, kernel.yama.ptrace_scope = 3)?"),
            Msg::WatchSetupFailed { call, errno } => format!("procdemo watch could not set itself up: {call} failed: {errno}"),
            Msg::WatchLost => "procdemo's watcher ended before the watch did: every process it left was killed and reaped".into(),
            Msg::NotObserved => "(not observed)".into(),
            Msg::VaryingHidden => "(a count that varies: not shown with --stable)".into(),
            Msg::NoExitCodeKilled { signal } => format!("none (killed by {signal})"),
            Msg::NoExitCodeStopped { signal } => format!("none (stopped by {signal})"),
            Msg::NoExitCodeContinued => "none (continued)".into(),
            Msg::NothingWritten => "nothing".into(),
            Msg::PrivilegeHidden => format!("({PRIVILEGE_HIDDEN})"),
            Msg::SchedulerHidden => "(up to the scheduler: not shown with --stable)".into(),
            Msg::InState { code, meaning } => format!("in state {code} ({meaning})"),
            Msg::CondGone => "gone (reaped)".into(),
            Msg::CondReparented => "reparented".into(),
            Msg::ChildOf { role } => format!("a child of `{role}`"),
            Msg::CondDone => "done".into(),
            Msg::CondFlock => "blocked in flock() (S; /proc/locks lists its request as waiting)".into(),
            Msg::ShowingFlags { flags, count: 0 | 1 } => format!("showing the STAT flag {flags}"),
            Msg::ShowingFlags { flags, .. } => format!("showing the STAT flags {flags}"),
            Msg::StateColumn { meaning, wchan, status, traced } => format!("{meaning}{wchan}{status}{traced}"),
            Msg::InWchan { wchan } => format!(", in {wchan}"),
            Msg::HoldsStatus { status, decoded } => format!("; holds status {status} ({decoded})"),
            Msg::TracedBy { tracer } => format!(": {tracer} traces it, and under a tracer every stop shows as t"),
            Msg::SeenAfter { time, reads } => format!("seen after {time}{reads}"),
            Msg::ReadsOfProc { reads: 1 } => ", 1 read of /proc".into(),
            Msg::ReadsOfProc { reads } => format!(", {reads} reads of /proc"),
            Msg::ShareEndedStable { role, wanted, busy, floor } => format!("the window ended once `{role}` had used {wanted} of CPU time, by the kernel's own figure (on a machine too busy to give it that within {busy}: at {busy}, once it had used {floor})"),
            Msg::ShareCutShort { role, used, wanted, busy, floor, wall, reads } => format!("the machine was too busy to give `{role}` {wanted} of CPU time within {busy}: the window ended after {wall} of wall time, when it had used {used} by the kernel's own figure (at least {floor} needed), after {reads} reads of every role"),
            Msg::OutputIsInput { option, path } => format!("{option} {path}: that file is an input of this run; procdemo does not write over it"),
            Msg::OutputIsOtherOutput { option, path } => format!("{option} {path}: the other output names the same file"),
            Msg::OutputIsSymlink { option, path } => format!("{option} {path}: a symbolic link; procdemo does not write through one (it would truncate what the link points to)"),
            Msg::OutputNotAFile { option, path } => format!("{option} {path}: not a regular file (a FIFO, a device or a socket); procdemo writes its output to a file"),
            Msg::ForkWatcher { error } => format!("cannot start the watcher: fork failed: {error}"),
            Msg::FamilyLimit { limit, seen } => format!("more than {limit} processes of this run were alive at once ({seen} counted): a program started with `exec` made them, far more than a demo's own; every one was stopped, then killed"),
            Msg::ShareEnded { role, used, wanted, wall, reads } => format!("the window ended once `{role}` had used {used} of CPU time ({wanted} wanted), by the kernel's own figure: after {wall} of wall time and {reads} reads of every role"),
            Msg::OneCpu { which } => format!("All of them, and the runner that read /proc, may run only on {which} (Cpus_allowed_list): at any instant at most one of them is on it, and at each read it was the runner."),
            Msg::OneCpuStable => "one CPU".into(),
            Msg::CpuNumbered { cpu } => format!("CPU {cpu}"),
            Msg::NotOneCpu { each, runner } => format!("Not one CPU for all (Cpus_allowed_list: {}; the runner {runner}): they need not have competed for one.", each.join(", ")),
            Msg::WeightNote => "WEIGHT: the kernel's table sched_prio_to_weight (kernel/sched/core.c) for the nice value, copied from its source, not read from this kernel; BY WEIGHT: the share those weights give to tasks that compete for one CPU.".into(),
            Msg::StatesNoteStable => "STATES: every state letter read during the window. The CPU times and shares are up to the scheduler and the machine: not shown with --stable.".into(),
            Msg::CpuTimeNote { tick_ms } => format!("CPU TIME: from /proc/PID/schedstat (ns on a CPU); TICKS: utime + stime from /proc/PID/stat, in clock ticks of {tick_ms} ms, the figure ps's TIME adds up; STATES: every state letter read during the window."),
            Msg::APipe => "a pipe".into(),
            Msg::CloexecSuffix => ", close-on-exec".into(),
            Msg::FdOpened { target, line, cloexec } => format!("{target} (opened at line {line}{cloexec})"),
            Msg::FdOwnOutput { cloexec } => format!("a pipe: its own output, which procdemo reads{cloexec}"),
            Msg::FdOutputOf { role, cloexec } => format!("a pipe: `{role}`'s output{cloexec}"),
            Msg::FdCommandsOf { role, cloexec } => format!("a pipe: `{role}`'s commands{cloexec}"),
            Msg::FdReports { cloexec } => format!("a pipe: reports to procdemo{cloexec}"),
            Msg::FdOtherCloexec { target } => format!("{target} (close-on-exec)"),
            Msg::RegionIsMapped { size, at } => format!("{size}{at}: mapped"),
            Msg::RegionUnmapped { size, at } => format!("{size}{at}: no longer mapped"),
            Msg::At { addr } => format!(" at {addr:#x}"),
            Msg::ExeProcdemoStable => "procdemo's own binary".into(),
            Msg::ExeProcdemo { path } => format!("{path} (procdemo's own binary)"),
            Msg::CmdlineProcdemoStable => "procdemo's own command line (a fork keeps it)".into(),
            Msg::CmdlineProcdemo { args } => format!("{args} (procdemo's own: a fork keeps it)"),
            Msg::NsPids { outer, inner } => format!("{outer} outside, {} inside its PID namespace", inner.join(" then ")),
            Msg::OutputNothing => "wrote nothing".into(),
            Msg::OutputWrote { bytes: 1 } | Msg::OutputCut { bytes: 1, .. } => "wrote 1 byte:".into(),
            Msg::OutputWrote { bytes } => format!("wrote {bytes} bytes:"),
            Msg::OutputCut { bytes, shown } => format!("wrote {bytes} bytes; the first {shown} are shown:"),
            Msg::ProcdemoPipes { numbers, count: 1, cloexec } => format!("{numbers}: procdemo's own pipe (commands, reports, other roles' output){cloexec}"),
            Msg::ProcdemoPipes { numbers, cloexec, .. } => format!("{numbers}: procdemo's own pipes (commands, reports, other roles' output){cloexec}"),
            Msg::Holds => "holds".into(),
            Msg::HoldsCheck { check } => format!("holds: {check}"),
            Msg::TryPermitted { step } => format!("`{step}` was permitted: the demo goes on"),
            Msg::TryRefusedEnds { step } => format!("`{step}` was refused, and the rest of this demo needs it: the demo ends here, and passes (on this system, as this user, it cannot be shown)"),
            Msg::ScriptLine { source, runner } => format!("(script {source}, runner pid {runner})"),
            Msg::ScriptLineNoPid { source } => format!("(script {source})"),
            Msg::BuiltIn { path } => format!("{path}, built in"),
            Msg::UnknownDemo { name, closest, demos } => format!("unknown demo `{name}`.{closest} The demos are: {}. (`procdemo list` describes them; `procdemo run FILE` runs your own script.)", demos.join(", ")),
            Msg::DidYouMean { demo } => format!(" Did you mean `{demo}`?"),
            Msg::UnknownTopic { name, topics } => format!("unknown topic `{name}`. The topics are: {}.", topics.join(", ")),
            Msg::NoDemo { demos } => format!("expected a demo ({}) or a command (list, all, run FILE, show DEMO, explain [TOPIC]); `procdemo --help` explains them", demos.join(", ")),
            Msg::NoCommand => "expected a demo or a command".into(),
            Msg::CannotRead { path, error } => format!("cannot read the script {path}: {error}"),
            Msg::NotUtf8 { path, offset } => format!("{path}: not UTF-8 text (invalid byte at offset {offset}): a script is a text file"),
            Msg::TooLarge { path, max_mib } => format!("the script {path} is larger than {max_mib} MiB, the most procdemo reads: a script is a short text file"),
            Msg::NoTerminal { error } => format!("--step and --predict wait for keys typed on a terminal, and there is none here (/dev/tty: {error}); use --delay MS to pace a run, or --answers for its questions and answers, without one"),
            Msg::NotForWatch { option } => format!("{option} does not apply to procdemo watch (it runs a program, not a demo script)"),
            Msg::ReportFile { path, error } => format!("-o {path}: {error}"),
            Msg::HtmlFile { path, error } => format!("--html {path}: {error}"),
            Msg::HtmlWithoutRun { command } => format!("--html draws a run, and procdemo {command} runs nothing: give --html to a demo, `all` or `run` (no file was written)"),
            Msg::GoneValue => "gone".into(),
            Msg::NotJson { option, command } => format!("{option} does not apply to procdemo {command}, which prints text for people, not JSON"),
            Msg::WorksheetRunsNothing { option } => format!("--worksheet prints questions and runs nothing, so {option} has nothing to show: leave one of them out"),
            Msg::ReplayNotice { file, name } => format!("▶ a replay of `{name}`, recorded in {file}: nothing runs now; every PID, state and figure below was read from the kernel when it was recorded"),
            Msg::BadRecording { file, line, error } => format!("{file}:{line}: not a line of a recorded run (procdemo DEMO --record-events writes one): {error}"),
            Msg::QuizKey => "Key: the tree /proc showed when each exercise ran (roles, not PIDs: the same on every machine)".into(),
            Msg::UnknownOption { clap, .. } | Msg::BadValue { clap, .. } => clap.clone(),
            Msg::SetupFailed { call, error } => format!("{call}: {error}"),
            Msg::PipeFor { demo, error } => format!("cannot create a pipe for `{demo}`: {error}"),
            Msg::NoPipe { error } => format!("cannot create a pipe: {error}"),
            Msg::NoRunner { demo, error } => format!("cannot start a runner for `{demo}`: fork failed: {error}"),
            Msg::NoWrite { error } => format!("cannot write the output: {error}"),
            Msg::NoProcStat { error } => format!("cannot read /proc/self/stat ({error}): procdemo reads every state from /proc, so procfs must be mounted (mount -t proc proc /proc)"),
            Msg::ProcStatUnreadable { error } => format!("cannot read /proc/self/stat: {error}"),
            Msg::ProcStatNotUnderstood => "/proc/self/stat could not be understood: is /proc a real procfs?".into(),
            Msg::CleanedUp { killed: 1 } => "at the end the runner killed and reaped 1 process the script left alive".into(),
            Msg::CleanedUp { killed } => format!("at the end the runner killed and reaped {killed} processes the script left alive"),
            Msg::Passed { passed, total, time } => format!("{passed} of {total} demos passed{time}"),
            Msg::PassedIn { wall } => format!(" in {wall}"),
            Msg::Score { right, judged, more } => format!("score: {right} of {judged} right{more}\n"),
            Msg::CompareYourself { unjudged } => format!(" ({unjudged} more to compare yourself)"),
            Msg::RevealRight { answer, shown } => format!("  ✓ right: you said {answer}, and the kernel showed {shown}\n"),
            Msg::RevealWrong { answer, shown } => format!("  ✗ you said {answer}; the kernel showed {shown}\n"),
            Msg::RevealUnjudged { answer, shown } => format!("  you said {answer}; the kernel showed {shown} (compare them yourself)\n"),
            Msg::PropForks { cmp, want } => format!("processes the program forks: {cmp} {want}"),
            Msg::PropZombies { cmp, want } => format!("children that wait as zombies for their parent: {cmp} {want}"),
            Msg::PropZombiesLeft { cmp, want } => format!("zombies their parent never reaps: {cmp} {want}"),
            Msg::PropOrphans { cmp, want } => format!("orphans (a parent that exits before its child): {cmp} {want}"),
            Msg::PropAliveAtExit { cmp, want } => format!("processes still alive when the first one ends: {cmp} {want}"),
            Msg::PropLongestZombie { at_least } => format!("a child stays a zombie for at least {at_least}"),
            Msg::PropReapedByParent => "every child is reaped by its parent (a wait)".to_string(),
            Msg::PropReapedByKernel => "every child is released by the kernel at its exit (SIGCHLD ignored): none waits as a zombie".to_string(),
            Msg::PropReapedBySubreaper => "every child is left to the subreaper: nobody in the program reaps it".to_string(),
            Msg::PropAdoptedBySubreaper => "every orphan is adopted by procdemo's watcher, the subreaper".to_string(),
            Msg::PropExitCodes { codes } => format!("the children's exit codes are {codes}"),
            Msg::PropMainExit { code } => format!("the program's first process exits with code {code}"),
            Msg::SeenCount { count } => format!("{count}"),
            Msg::SeenCountOf { count, pids } => format!("{count} ({pids})"),
            Msg::SeenLongest { pid, duration } => format!("the longest zombie was {pid}, for {duration}"),
            Msg::SeenNoZombie => "no child waited as a zombie".to_string(),
            Msg::SeenList { each } => each.join("; "),
            Msg::SeenReapedByParent { pid, parent } => format!("{pid} was reaped by its parent {parent}"),
            Msg::SeenReapedByKernel { pid } => format!("{pid} was released by the kernel (SIGCHLD ignored)"),
            Msg::SeenReapedBySubreaper { pid } => format!("{pid} was reaped by procdemo, the subreaper: nobody in the program waited for it"),
            Msg::SeenNotReaped { pid } => format!("{pid} was never reaped"),
            Msg::SeenAdoptedBy { pid, to } => format!("{pid} was adopted by {to}"),
            Msg::SeenStatus { pid, status } => format!("{pid}: {status}"),
            Msg::SeenNoStatus { pid } => format!("{pid}: no exit status seen"),
            Msg::SeenNoChild => "no child".to_string(),
            Msg::SeenMainStatus { status } => status.clone(),
            Msg::SeenMainUnknown => "its exit was not seen".to_string(),
            Msg::HintForksFew { want } => format!("fork more: the task asks for {want} (os.fork() once per child; a loop that forks in the child too makes more)"),
            Msg::HintForksMany { want } => format!("fork fewer: the task asks for {want}; a child that goes on with the parent's loop forks again (end it with os._exit)"),
            Msg::HintZombiesFew => "no child waited as a zombie: the parent must outlive its child and not wait for it yet".to_string(),
            Msg::HintZombiesMany => "a child waited as a zombie: set SIGCHLD to SIG_IGN before the fork (signal.signal(signal.SIGCHLD, signal.SIG_IGN)), or reap it with os.waitpid".to_string(),
            Msg::HintZombiesLeft => "a zombie was left: its parent ended without os.wait()/os.waitpid() for it, so procdemo (as init would) reaped it".to_string(),
            Msg::HintOrphansFew => "no process outlived its parent: the parent must exit (without os.wait) while its child still runs".to_string(),
            Msg::HintOrphansMany => "a process outlived its parent: the parent must wait for its children before it exits".to_string(),
            Msg::HintAliveFew => "the first process must end while its children still run".to_string(),
            Msg::HintAliveMany => "the first process ended before its children: wait for them first".to_string(),
            Msg::HintLongestZombie { at_least } => format!("the parent reaped its child too soon: sleep (at least {at_least}; your sleep sets the time) between the child's exit and os.waitpid(pid, 0)"),
            Msg::HintReapParent => "reap every child: one os.wait() or os.waitpid(pid, 0) per child, before the parent exits".to_string(),
            Msg::HintReapKernel => "signal.signal(signal.SIGCHLD, signal.SIG_IGN) must come before the first os.fork(): a child that exited before it was a zombie, and setting SIG_IGN later reaps no zombie".to_string(),
            Msg::HintReapSubreaper => "the task asks that the program never reaps its children: no os.wait()".to_string(),
            Msg::HintAdopted => "under procdemo the watcher adopts orphans (it is a child subreaper), not PID 1".to_string(),
            Msg::HintExitCodes => "each child ends with os._exit(CODE): the task says which codes".to_string(),
            Msg::HintMainExit { code } => format!("end the program with exit code {code} (sys.exit({code}))"),
            Msg::CheckHolds { what } => format!("✓ {what}"),
            Msg::CheckFails { what } => format!("✗ {what}"),
            Msg::CheckSeen { seen } => format!("seen: {seen}"),
            Msg::CheckHint { hint } => format!("hint: {hint}"),
            Msg::CheckHeading { task, title } => format!("procdemo check {task}: {title}"),
            Msg::CheckPassed { total } => format!("Passed: {total} of {total} properties hold."),
            Msg::CheckFailed { failed, total } => format!("Not passed: {failed} of {total} properties do not hold."),
            Msg::ExerciseHeading { task, title } => format!("{task}: {title}"),
            Msg::ExerciseChecked => "What procdemo check checks:".to_string(),
            Msg::ExerciseHints => "Hints:".to_string(),
            Msg::ExercisesNext => "procdemo exercises TASK prints one in full; procdemo check TASK -- python3 hw.py checks your program against what the kernel reports.".to_string(),
            Msg::ExerciseRun { task } => format!("Check your program: procdemo check {task} -- python3 hw.py"),
            Msg::UnknownTask { name, closest, tasks } => format!("unknown task `{name}` (and no such file).{closest} The tasks are: {}. (`procdemo exercises` lists them.)", tasks.join(", ")),
            Msg::DidYouMeanTask { task } => format!(" Did you mean `{task}`?"),
            Msg::TaskUnknownKey { key, closest } => format!("unknown directive `{key}`.{closest} A task file has title, text, hint (each with its .LANG) and check lines."),
            Msg::TaskUnknownProperty { name, closest, properties } => format!("unknown property `{name}`.{closest} The properties are: {}.", properties.join(", ")),
            Msg::DidYouMeanWord { word } => format!(" Did you mean `{word}`?"),
            Msg::TaskBadLang { key } => format!("`{key}`: a language code is two or three lowercase letters (zh, fr, pt-BR)"),
            Msg::TaskEmpty { key } => format!("`{key}` with nothing after it"),
            Msg::TaskTwoTitles => "a second title in the same language".to_string(),
            Msg::TaskBadCheck { property, form } => format!("`{property}` is written: check {form}"),
            Msg::TaskUpperBound { property } => format!("`{property}` takes only `>=`: a timing is checked as a lower bound, which a correct program meets on a loaded machine too"),
            Msg::TaskNoTitle => "a task begins with its `title` line".to_string(),
            Msg::TaskNoCheck => "a task needs at least one `check` line".to_string(),
            Msg::PropEndsByItself => "the program ends by itself, before procdemo's deadline (--timeout)".to_string(),
            Msg::PropNewSession => "a process runs in a new session the program made (os.setsid())".to_string(),
            Msg::PropDaemonNotLeader => "the process that outlives the first one (the daemon) is not a session leader".to_string(),
            Msg::SeenEnded => "it ended by itself".to_string(),
            Msg::SeenDeadline { after, each } => format!("after {after}, {}", each.join("; ")),
            Msg::StuckPipe { pid, comm, fd, writers } => format!(
                "{pid} ({comm}) was still asleep reading a pipe (fd {fd}) whose write end {} still {}",
                and_list(writers),
                if writers.len() == 1 { "holds" } else { "hold" }
            ),
            Msg::PipeWriter { pid, fds } => format!("{pid} (fd {fds})"),
            Msg::PipeWriterItself { pid, fds } => format!("{pid} (itself, fd {fds})"),
            Msg::StuckPipeNoWriter { pid, comm, fd } => format!("{pid} ({comm}) was still asleep reading a pipe (fd {fd}) whose write end no process of the program holds"),
            Msg::StuckState { pid, comm, letter, meaning } => format!("{pid} ({comm}) was still {letter} ({meaning})"),
            Msg::StuckStateIn { pid, comm, letter, meaning, wchan } => format!("{pid} ({comm}) was still {letter} ({meaning}), in {wchan}"),
            Msg::SeenAtLimit { limit } => format!("procdemo stopped it at the limit of {limit} processes alive at once"),
            Msg::SeenNoSurvivor => "no process outlived the first one (sessions are read when it ends)".to_string(),
            Msg::SessionOf { pid, sid } => format!("{pid} was in session {sid}"),
            Msg::SessionLeader { pid } => format!("{pid} led its own session {pid}"),
            Msg::HintPipeOwnWriteEnd { pid } => format!("{pid} itself holds the write end of the pipe it reads: os.read returns b'' (end of file) only once every write end is closed, its own copy too; right after os.fork(), the reader calls os.close(w) (and the writer os.close(r))"),
            Msg::HintPipeWriteEnd { pids } => format!("{} still held the pipe's write end: the reader sees end of file only when every process has closed it; each process that does not write calls os.close(w), and the writer closes it (or exits) when done", and_list(pids)),
            Msg::HintEndsByItself => "the program must end by itself: a read from a pipe nobody closes, a wait for a child that never ends, or an endless loop keeps it running, and procdemo killed it at the deadline".to_string(),
            Msg::HintAtLimit => "too many processes at once: a child that goes on with the parent's loop forks again (end each child with os._exit)".to_string(),
            Msg::HintAfterDeadline => "not judged on a finished program: procdemo killed it at the deadline (see the first ✗)".to_string(),
            Msg::HintNewSession => "the first child calls os.setsid() before it forks the daemon: the daemon then runs in that new session, away from the terminal's".to_string(),
            Msg::HintDaemonLeader => "the daemon leads its own session, so it could acquire a controlling terminal: call os.setsid() in the first child and fork the daemon from it (not os.setsid() in the daemon)".to_string(),
            Msg::WatchDeadline { after, each } => format!("After {after} the program had not ended: {}.", each.join("; ")),
            Msg::SeenDeadlineOnly { after } => format!("after {after}, the program had not ended"),
            Msg::KillDeadline => "the program had not ended by its deadline (--timeout): procdemo stops it".into(),
            Msg::WatchStoppedAtDeadline { processes } => format!("Stopped at the deadline (--timeout): procdemo killed and reaped {processes}."),
            Msg::PropBlockingReaps { cmp, want } => format!("children reaped by a parent already blocked in a wait when they exited: {cmp} {want}"),
            Msg::PropSigchldCoalesced => "SIGCHLDs coalesce (fewer deliveries than children that exit), and the handler runs for each".to_string(),
            Msg::SeenSigchldHandledBy { parents, count } => if *count == 1 { format!("their parent {parents} handled SIGCHLD") } else { format!("their parents {parents} handled SIGCHLD") },
            Msg::SeenNoChildExited => "no child of the program exited".to_string(),
            Msg::SeenSigchld { parent, exited, delivered, handled } => {
                let children = if *exited == 1 { "child".to_string() } else { "children".to_string() };
                let times = match delivered { 0 => "never".to_string(), 1 => "once".to_string(), n => format!("{n} times") };
                let what = if *delivered == 0 { String::new() } else if handled == delivered { " (handled)".to_string() } else { format!(" ({handled} handled)") };
                format!("{exited} {children} of {parent} exited, SIGCHLD reached {parent} {times}{what}")
            }
            Msg::HintSigchldLoop => "one SIGCHLD can stand for several exits (a signal does not queue twice): in the handler, loop `pid, status = os.waitpid(-1, os.WNOHANG)` until pid is 0 (catch ChildProcessError)".to_string(),
            Msg::HintBlockingFew => "no child was reaped by a parent already waiting: call os.wait() or os.waitpid(pid, 0) before the child exits".to_string(),
            Msg::HintBlockingMany => "the parent was blocked in os.wait()/os.waitpid(pid, 0) while its children ran: poll with os.waitpid(-1, os.WNOHANG) (it returns (0, 0) while no child has exited) and work or time.sleep between polls".to_string(),
            Msg::HintSigchldHandler => "SIGCHLD was not handled: install the handler with signal.signal(signal.SIGCHLD, handler) before the first os.fork()".to_string(),
            Msg::HintSigchldBlock => "SIGCHLD did not coalesce: block it (signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})) before the forks, let every child exit, then unblock it: one SIGCHLD stands for all".to_string(),
        }
    }

    fn no_python(&self, why: NoPython) -> String {
        match why {
            NoPython::NotInStdlib(call) => format!("Python's standard library has no {call}"),
        }
    }

    fn skipped(&self, try_step: &str) -> String {
        format!("skipped: `{try_step}` was refused")
    }

    fn outcome_hidden(&self) -> &'static str {
        "the outcome depends on privilege: not shown with --stable"
    }

    fn state_hidden(&self) -> &'static str {
        PRIVILEGE_HIDDEN
    }

    fn observation_headers(&self) -> ObservationHeaders {
        ObservationHeaders {
            role: "ROLE",
            pid: "PID",
            ns_pid: "IN NS",
            ppid: "PPID",
            stat: "STAT",
            sigchld: "SIGCHLD",
            state: "STATE",
        }
    }

    fn subreaper(&self) -> &'static str {
        ", a child subreaper"
    }

    fn gone_roles(&self, roles: &[&str]) -> String {
        format!("gone (reaped, no longer in /proc): {}", roles.join(", "))
    }

    fn memory_headers(&self, _stable: bool) -> MemoryHeaders {
        MemoryHeaders {
            role: "ROLE",
            pid: "PID",
            what: "MEMORY",
            rss: "Rss",
            pss: "Pss",
            shared: "Shared",
            private: "Private",
            minflt: "minflt",
            note: "(kB; Shared and Private are smaps's Shared_Dirty and Private_Dirty)",
        }
    }

    fn share_headers(&self) -> ShareHeaders {
        ShareHeaders {
            role: "ROLE",
            pid: "PID",
            nice: "NICE",
            weight: "WEIGHT",
            by_weight: "BY WEIGHT",
            cpu: "CPU TIME",
            ticks: "TICKS",
            share: "SHARE",
            states: "STATES",
        }
    }

    fn whole_process(&self) -> &'static str {
        "whole process"
    }

    fn region(&self, bytes: usize) -> String {
        format!("{} region", size(bytes))
    }

    fn no_region(&self) -> &'static str {
        "no region (whole-process figures vary: not shown with --stable)"
    }

    fn memory_line(
        &self,
        role: &str,
        pid: &str,
        what: &str,
        m: &Memory,
        minflt: Option<u64>,
    ) -> String {
        let minflt = minflt.map_or_else(String::new, |n| format!(", minflt {n}"));
        format!(
            "{role} {pid}, {what}: Rss {} kB, Pss {} kB, Shared_Dirty {} kB, Private_Dirty {} kB{minflt}",
            m.rss_kb, m.pss_kb, m.shared_dirty_kb, m.private_dirty_kb
        )
    }

    fn other_process(&self) -> &'static str {
        "other"
    }

    fn quiz_intro(&self, seed: u64) -> String {
        format!(
            "Exercise {seed} (`procdemo quiz --seed {seed}` gives it again). The runner forks a process, a, and then:"
        )
    }

    fn quiz_move(&self, m: &crate::script::quiz::Move) -> String {
        match m {
            crate::script::quiz::Move::Fork { parent, child } => format!("{parent} forks {child}"),
            crate::script::quiz::Move::Exit { who } => format!("{who} exits (nobody waits for it)"),
        }
    }

    fn quiz_task(&self) -> String {
        "Draw the process tree at the end: every process that /proc still shows, its parent, and its state (S asleep, Z zombie). Where does a process whose parent exited end up? Then procdemo runs it for real and shows the tree /proc reports.".to_string()
    }

    fn quiz_reverse_task(&self) -> String {
        "This tree is what /proc showed after the runner forked a process, a, and then a few forks and exits (nobody waited). Which moves made it, in which order? Write them down (\"a forks b\", \"b exits\"), then press Enter to see them.".to_string()
    }

    fn quiz_moves_were(&self) -> String {
        "The moves were:".to_string()
    }

    fn quiz_go(&self) -> String {
        "Press Enter to run it for real.\n".to_string()
    }

    fn ask_prompt(&self) -> (&'static str, &'static str) {
        ("? ", "  your answer (then Enter): ")
    }

    fn reveal_hint(&self, hint: &crate::render::judge::Hint) -> String {
        use crate::render::judge::Hint;
        let pid = |p: &Option<i32>| p.map_or(String::new(), |p| format!(" (PID {p})"));
        match hint {
            Hint::Subreaper { role, pid: p } => format!(
                "    The kernel gives an orphan to its nearest ancestor that is a child \
                 subreaper, and to init (PID 1 of its PID namespace) only when there is none: \
                 {role}{} had made itself one with prctl(PR_SET_CHILD_SUBREAPER), so it adopted \
                 the orphan.\n",
                pid(p)
            ),
            Hint::OtherProcess { role, pid: p } => {
                format!(
                    "    That is {role}{}, another of the demo's processes.\n",
                    pid(p)
                )
            }
        }
    }

    fn worksheet(&self) -> &'static str {
        "Questions (answer them before you run the demo; --predict asks them as it goes)"
    }

    fn answer_key(&self) -> &'static str {
        "Answers, as the kernel showed them in this run"
    }

    fn pause(&self, step_text: &str, line: usize) -> String {
        format!("▸ next, line {line}: {step_text} · [Enter] run · [c] the rest · [q] quit")
    }

    fn reference(&self, topic: Topic) -> Reference {
        match topic {
            Topic::States => Reference {
                title: "The state letter in /proc/PID/stat (field 3) and in ps's STAT",
                headers: ("STATE", "MEANING"),
                rows: [
                    State::Running,
                    State::Sleeping,
                    State::DiskSleep,
                    State::Stopped,
                    State::TracingStop,
                    State::Zombie,
                    State::Dead,
                    State::Idle,
                    State::Parked,
                    State::Gone,
                ]
                .iter()
                .map(|s| (s.code(), self.state(*s).to_string()))
                .collect(),
                notes: vec![
                    "`procdemo states` makes R, S, D, T, t and Z on real processes; I (an idle \
                     kernel thread) and X (dead, shown only for an instant) are not made. gone \
                     is not a letter: the PID is no longer in /proc because the process was \
                     reaped."
                        .into(),
                ],
            },
            Topic::StatFlags => Reference {
                title: "What ps prints after the state letter in STAT, in this order",
                headers: ("FLAG", "MEANING (read from /proc)"),
                rows: [
                    ("<", "high priority: nice value below 0 (stat field 19)"),
                    ("N", "low priority: nice value above 0 (stat field 19)"),
                    ("L", "has pages locked into memory: VmLck above 0 kB (status)"),
                    ("s", "session leader: its session ID is its own PID (stat field 6)"),
                    ("l", "multi-threaded: more than one thread (stat field 20)"),
                    (
                        "+",
                        "in the foreground process group of its terminal: its process group is \
                         the terminal's (stat fields 5 and 8)",
                    ),
                ]
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
                notes: vec![
                    "`Ss` is a sleeping session leader, `Ss+` one in its terminal's foreground, \
                     `Sl` a sleeping process with several threads. `procdemo states` makes each \
                     flag on a real process (`<` and `L` may be refused to a normal user)."
                        .into(),
                ],
            },
            Topic::WaitStatus => Reference {
                title: "How the raw status from wait() or waitpid() decodes",
                headers: ("RAW", "DECODED (by the C macros, on this machine)"),
                rows: [256, 1792, 9, 15]
                    .iter()
                    .map(|raw| {
                        (
                            raw.to_string(),
                            self.exit_status(ExitStatus::decode(*raw)),
                        )
                    })
                    .collect(),
                notes: vec![
                    "WIFEXITED(status) is true when the child called exit or _exit, and \
                     WEXITSTATUS(status) is the code, the status's second byte: exit(7) gives \
                     7 × 256 = 1792."
                        .into(),
                    "WIFSIGNALED(status) is true when a signal killed the child, and \
                     WTERMSIG(status) is that signal, the status's low 7 bits: SIGKILL gives 9, \
                     SIGTERM 15 (128 is added when it dumped core)."
                        .into(),
                    "Python's os.wait() returns the same raw number; os.waitstatus_to_exitcode() \
                     gives the code, or minus the signal."
                        .into(),
                ],
            },
            Topic::Orphan => Reference {
                title: "Who becomes a process's parent when its parent dies first",
                headers: ("ORDER", "THE NEW PARENT"),
                rows: [
                    ("1", "another live thread of the dead parent's process, if it had several"),
                    (
                        "2",
                        "else the nearest living ancestor that called \
                         prctl(PR_SET_CHILD_SUBREAPER) (procdemo's runner does; systemd --user \
                         often does)",
                    ),
                    ("3", "else the init process of the orphan's PID namespace (PID 1 on the host, a container's first process)"),
                ]
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
                notes: vec![
                    "The orphan's PPID changes at once (`procdemo orphan` awaits it). An orphan \
                     that exits is a zombie of its new parent until that parent waits: a PID 1 \
                     that never waits keeps such zombies, which is why containers run a small \
                     init such as tini."
                        .into(),
                ],
            },
            Topic::Sigchld => Reference {
                title: "What the parent's SIGCHLD disposition does to a child that exits",
                headers: ("DISPOSITION", "WHAT HAPPENS"),
                rows: [
                    (
                        "default (SIG_DFL)",
                        "SIGCHLD is sent and ignored; the child is a zombie (Z) until the parent \
                         waits, and wait() returns its status",
                    ),
                    (
                        "SIG_IGN",
                        "no signal is delivered; the child never becomes a zombie (it is reaped \
                         when it exits); wait() blocks until every child has ended, then fails \
                         with ECHILD: the exit status is lost",
                    ),
                    (
                        "handler with SA_NOCLDWAIT",
                        "the handler still receives SIGCHLD; the child never becomes a zombie, \
                         and wait() fails with ECHILD as with SIG_IGN",
                    ),
                ]
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
                notes: vec![
                    "SIG_IGN and SA_NOCLDWAIT are both inherited across fork; SIG_IGN also \
                     survives exec, so a program \
                     started from such a process may find its exit statuses lost \
                     (Python's subprocess.call([\"false\"]) returned 0 in one). \
                     `procdemo sigchld-ignore` shows all three side by side; /proc/PID/status \
                     shows the disposition in SigIgn and SigCgt."
                        .into(),
                ],
            },
        }
    }

    fn page_summary(&self, ok: usize, failed: usize) -> String {
        match failed {
            0 => format!("Summary: all {ok} demos passed."),
            _ => format!("Summary: {ok} passed, {failed} FAILED."),
        }
    }

    fn page(&self) -> PageWords {
        PageWords {
            lang: "en",
            footer: "Made by procdemo: every PID, state and status on this page was read from \
                     the kernel (a system call's result or /proc) during this run.",
            all_title: "every demo",
            contents: "Contents",
            questions: "Questions",
            show_answer: "what the kernel showed",
            unanswered: "not answered: the run ended before this question's step",
            fonts_note: "",
        }
    }

    fn inspect_labels(&self) -> InspectLabels {
        InspectLabels {
            comm: "command name",
            exe: "exe",
            cmdline: "command line",
            ns_pids: "PID in each namespace",
            fds: "descriptors",
            blocked: "blocked (SigBlk)",
            shared_pending: "pending (ShdPnd)",
            pending: "pending, this thread (SigPnd)",
            ignored: "ignored (SigIgn)",
            caught: "caught (SigCgt)",
            region: "region",
        }
    }

    fn signal_list(&self, mask: u64) -> String {
        crate::render::signal_list(mask).unwrap_or_else(|| "none".into())
    }

    fn fd_gone(&self, was: &str) -> String {
        format!("closed since the previous inspect (was {was})")
    }

    fn was(&self, before: &str) -> String {
        format!(" (was: {before})")
    }

    fn not_readable(&self, zombie: bool) -> &'static str {
        if zombie {
            "- (a zombie has no program, memory or descriptors left)"
        } else {
            "- (not readable)"
        }
    }

    fn no_final_newline(&self) -> &'static str {
        "(no newline at the end)"
    }

    fn watch_words(&self) -> crate::render::words::WatchWords {
        crate::render::words::WatchWords {
            summary: "Summary",
            tree: "Processes, by the process that created each",
            timeline: "Timeline",
            picture: "The family on a time axis",
            picture_keys: [
                "running (R)",
                "sleeping (S)",
                "disk wait (D)",
                "stopped (T)",
                "exiting",
                "zombie (Z)",
                "fork",
                "exec",
                "exit",
                "signal",
                "reparented",
                "reaped",
            ],
            legend: |per| {
                format!(
                    "= alive   T stopped by a signal   x its exit   . exiting   Z zombie (until reaped); one column is {per}"
                )
            },
        }
    }

    fn timeline(&self) -> TimelineWords {
        TimelineWords {
            title: "Timeline: each role's state at every step that observed or changed it",
            step: "step",
            fork: "fork",
            exit: "exit",
            exec: "exec",
            reap: "reap",
            marks: "fork: created at that step (fork or clone); exit: called _exit() or exit(); \
                    exec: called execve(); reap: its parent's wait returned it; SIG...: a signal \
                    was sent to it",
            reparented: "its PPID changed since the step before (reparented)",
        }
    }

    fn ok(&self) -> (&'static str, &'static str) {
        ("ok:", "every awaited state was observed")
    }

    fn failed(&self) -> &'static str {
        "FAILED:"
    }

    fn no_reason(&self) -> &'static str {
        "the run ended before it said why"
    }

    fn summary_title(&self) -> &'static str {
        "summary"
    }

    fn summary_verdict(&self, ok: bool) -> &'static str {
        if ok { "ok" } else { "FAILED" }
    }
}

/// `{a}, {b}` or `none`: the `{ROLE.FIELD}`s of a narration line.
fn placeholders(set: &[String]) -> String {
    if set.is_empty() {
        "none".to_string()
    } else {
        set.join(", ")
    }
}

/// What follows an "expected ..." when something else was found.
fn found(f: &Found) -> String {
    match f {
        Found::Nothing => String::new(),
        Found::Word(w) => format!("; found `{w}`"),
        Found::Field(w) => format!("; found the field `{w}`"),
        Found::NoQuestion => "; the question is missing".to_string(),
    }
}

/// A script's problem in English: the text after `FILE:LINE: `.
fn parse_problem(p: &ParseProblem) -> String {
    use ParseProblem as P;
    match p {
        P::SecondTitle => "a second `title` line: a script has one title".into(),
        P::TitleEmpty => "`title` needs the demo's one-line description after it".into(),
        P::BadLang { word } => format!(
            "`{word}`: after `title.`, `say.` or `ask.` comes a language code (two or three lowercase letters, then maybe `-` and a subtag: `zh`, `fr`, `pt-BR`)"
        ),
        P::SecondTitleIn { lang } => {
            format!("a second `title.{lang}` line: a script has one title in each language")
        }
        P::TitleInEmpty { lang } => format!("`title.{lang}` needs the title in that language after it"),
        P::AskInWithoutAsk { lang } => format!("`ask.{lang}` is the `ask` line just before it in another language: expected an `ask` line (with no `ask.{lang}` yet) before it"),
        P::AskInEmpty { lang } => format!("`ask.{lang}` needs the question in that language after it"),
        P::SayInWithoutSay { lang } => format!("`say.{lang}` is the `say` line just before it in another language: expected a `say` line (with no `say.{lang}` yet) before it"),
        P::SayInPlaceholders { lang, say, other } => format!(
            "`say.{lang}` must have the same `{{ROLE.FIELD}}`s as its `say` line: the `say` has {}, the `say.{lang}` has {}",
            placeholders(say),
            placeholders(other)
        ),
        P::TooManySteps { max } => {
            format!("more than {max} steps: a script may have at most {max} (procdemo's limit)")
        }
        P::NoSteps => "the script has no steps: expected at least `runner fork ROLE`".into(),
        P::TooMuchMemory { total, max } => format!(
            "by this step the script would write {total} MiB of memory (its `alloc` regions and every `touch` of one): a script may write at most {max} MiB (procdemo's limit, so a typo cannot exhaust a classroom machine)"
        ),
        P::KeywordAsRole { name } => format!("expected a role name, found the keyword `{name}`"),
        P::BadRoleName { name } => format!(
            "expected a role name (lower-case letters, digits, '-' or '_'), found `{name}`"
        ),
        P::NoSuchRole { name, roles } => format!(
            "role `{name}` does not exist yet: create it first, e.g. `runner fork {name}` (roles so far: {})",
            roles.join(", ")
        ),
        P::Stopped { role, line } => format!(
            "`{role}` is stopped (line {line}): a stopped process cannot act until `kill {role} CONT` (or `untrace {role}`) lets it run"
        ),
        P::Busy { role, line } => format!(
            "`{role}` is still busy with the action it started with `&` at line {line}: add `await {role} done` before giving it another action"
        ),
        P::Ended { role, line } => format!(
            "`{role}` has ended (line {line}): a process that has exited or been killed cannot act"
        ),
        P::TargetEnded {
            role,
            line,
            purpose,
        } => format!(
            "`{role}` has ended (line {line}): there is no process left to {}",
            match purpose {
                Purpose::Signal => "signal",
                Purpose::Trace => "trace",
                Purpose::Untrace => "untrace",
                Purpose::Renice => "renice",
            }
        ),
        P::RunnersRole { name } => format!("role `{name}` is the runner's own role"),
        P::RoleExists { name } => {
            format!("role `{name}` already exists: every process needs a role of its own")
        }
        P::BadNewRoleName { name } => format!(
            "expected a new role name (lower-case letter first, then letters, digits, '-' or '_', at most 16), found `{name}`"
        ),
        P::TooManyProcesses { max } => format!(
            "a script may create at most {max} processes (procdemo's limit, so a typo cannot fork-bomb a classroom machine)"
        ),
        P::IfPermittedNotFor { word } => {
            format!("`if permitted` may end an action or an `await`, not `{word}`")
        }
        P::MeasureEmpty => {
            "`measure` needs the roles to measure, e.g. `measure parent child`".into()
        }
        P::ExpectSyntax(f) => format!(
            "expected `expect ROLE FIELD OP VALUE`, FIELD one of rss, pss, shared_dirty, private_dirty, faults (from the role's latest `measure`) or cpu (from its latest `share`, against ROLE.cpu only), OP one of = >= <= > <, VALUE a number, `region` or ROLE.FIELD{}",
            found(f)
        ),
        P::ExpectNotMeasured { role } => format!(
            "`expect` checks figures from `{role}`'s latest `measure`, and there is none before this line: add `measure {role}` first"
        ),
        P::OtherNotMeasured { role } => format!(
            "`{role}` has not been measured before this line: add `measure {role}` first"
        ),
        P::TryEmpty => "expected `try ROLE ACTION`, e.g. `try child nice -5`".into(),
        P::TrySyntax => "expected `try ROLE ACTION`".into(),
        P::TryRunner => "the runner's own actions are never refused: `try` is for the processes it creates".into(),
        P::TryBackground => "a `try` step cannot run in the background (`&`)".into(),
        P::TryNotAllowed => "`try` is for actions whose refusal leaves every process as it was (nice, lock, trace, setsid...), not fork, vfork, exit, libc-exit, kill or exec".into(),
        P::IfPermittedOnly => "`if permitted` may end an action or an `await`".into(),
        P::NoTryBefore { role } => format!(
            "`if permitted` refers to the latest `try` step `{role}` took part in, but there is none before this line: add e.g. `try {role} nice -5` first"
        ),
        P::AwaitSyntax(f) => format!(
            "expected `await ROLE CONDITION [within DURATION] [if permitted]` where CONDITION is a state letter (R S D T t Z), `flag FLAGS` (of < N L s l +), `gone`, `reparented`, `parent ROLE`, `done` or `flock`{}",
            found(f)
        ),
        P::ParentNeedsRole => {
            "expected a role after `parent`, e.g. `await child parent runner`".into()
        }
        P::FlagNeedsFlags => "expected the STAT flags after `flag` (any of < N L s l +), e.g. `await child flag N`".into(),
        P::NotAFlag { flag } => format!(
            "`{flag}` is not a STAT flag: expected any of < N L s l + (the state letter itself is awaited as `await ROLE S`)"
        ),
        P::AwaitRunner => "the runner is the director: it cannot be awaited".into(),
        P::DoneIfPermitted => "`await ROLE done` cannot be `if permitted`: the action it collects always runs".into(),
        P::NothingToAwait { role } => format!(
            "`await {role} done` waits for an action started with `&`, but `{role}` has none running"
        ),
        P::DeadlineRange { found, max_s } => {
            format!("a deadline must be more than 0 and at most {max_s} s, found `{found}`")
        }
        P::BadDuration { found } => {
            format!("expected a duration such as `500ms` or `2s`, found `{found}`")
        }
        P::AskSyntax(f) => format!(
            "expected `ask ROLE.FIELD: QUESTION`, e.g. `ask child.state: What state will the child be in after it exits?`{}",
            found(f)
        ),
        P::UnknownField {
            field,
            place,
            fields,
        } => format!(
            "unknown field `{field}` in {}: expected one of {}",
            match place {
                FieldPlace::Ask => "`ask`",
                FieldPlace::Narration => "narration",
            },
            fields.join(", ")
        ),
        P::UnclosedBrace => {
            "a `{` in narration is not closed: expected `{ROLE.FIELD}`".into()
        }
        P::BadPlaceholder { inner } => {
            format!("expected `{{ROLE.FIELD}}` in narration, found `{{{inner}}}`")
        }
        P::SayEmpty => "`say` needs the narration text after it".into(),
        P::NoAction { role } => format!(
            "expected an action after `{role}`, e.g. `{role} fork child` (or a director step: observe, await, say, measure)"
        ),
        P::RunnerCannot { forms, verb } => {
            let forms: Vec<String> = forms.iter().map(|f| format!("`{f}`")).collect();
            format!(
                "the runner can only {}; `{verb}` is for the processes it creates",
                crate::script::actions::list_words(&forms, "and")
            )
        }
        P::UnknownAction {
            closest: Some(closest),
            verb,
            ..
        } => format!("unknown action `{verb}`: did you mean `{closest}`?"),
        P::UnknownAction { verb, verbs, .. } => format!(
            "unknown action `{verb}`: expected one of {}",
            verbs.join(", ")
        ),
        P::NoSocket {
            role,
            verb,
            socket: crate::script::actions::Sock::Listening,
        } => format!(
            "`{role}` holds no listening socket to {verb} on: `{role} listen` first (or fork it from a process that has)"
        ),
        P::NoSocket {
            role,
            verb,
            socket: crate::script::actions::Sock::Connection,
        } => format!(
            "`{role}` holds no connection to {verb} on: `{role} connect ROLE` first, or create it with `accept`"
        ),
        P::NotListening { role, target } => format!(
            "`{role}` cannot connect to `{target}`, which holds no listening socket: `{target} listen` first"
        ),
        P::HasListener { role } => format!(
            "`{role}` already holds a listening socket (its own `listen`, or its creator's, inherited at the fork): a process listens once"
        ),
        P::NotYetAccepted { role, creator } => format!(
            "`{role}` does not exist yet: `{creator} accept {role} &` creates it only once a client connects; name it after `await {creator} done`"
        ),
        P::HasRegion { role } => format!(
            "`{role}` already has a region (its own `alloc`, or its creator's, inherited at the fork): a process maps one region; fork a new role and `alloc` in it"
        ),
        P::NoRegion { role, verb } => format!(
            "`{role}` has no region to {verb}: `alloc SIZE` first (in it, or in the process it is forked from before the fork)"
        ),
        P::Rule { rule, role } => match rule {
            Rule::VforkInBackground => format!(
                "`vfork` suspends `{role}` until the new child exits: end the line with `&`, and `await {role} done` after the child's exit"
            ),
            Rule::KillNotSelf => format!(
                "`{role}` cannot signal itself here: it would stop or die before reporting the result; let the runner or another role send it"
            ),
            Rule::KillNotRunner => "a script may not signal the runner".into(),
            Rule::TraceNotSelf => {
                "`trace` names another process of the demo to trace, not the tracer itself".into()
            }
            Rule::TraceNotRunner => {
                "`trace` names another process of the demo to trace, not the runner".into()
            }
            Rule::UntraceNotSelf => {
                "`untrace` names another process of the demo to trace, not the tracer itself"
                    .into()
            }
            Rule::UntraceNotRunner => {
                "`untrace` names another process of the demo to trace, not the runner".into()
            }
            Rule::ReniceNotRunner => {
                "`renice` names a process of the demo, not the runner (every role starts at the runner's nice value)".into()
            }
        },
        P::RunnerBackground => "the runner cannot run an action in the background (`&`)".into(),
        P::NotBlocking { blocking } => format!(
            "`&` is for an action that blocks ({}): this one returns at once",
            blocking.join(", ")
        ),
        P::IfPermittedAction => "an `if permitted` action may not create or end a process (fork, vfork, exit, kill) or run in the background: which processes exist must not depend on privilege".into(),
        P::Threaded { role } => format!(
            "`{role}` started a second thread: a multi-threaded process may not fork here (only async-signal-safe code is allowed after such a fork)"
        ),
        P::Usage { role, usage } => format!("expected `{role} {usage}`"),
        P::AllocSyntax { role, usage } => {
            format!("expected `{role} {usage}` with SIZE in MiB, e.g. `alloc 16MiB`")
        }
        P::AllocSize { found, max } => {
            format!("expected a size from 1MiB to {max}MiB, found `{found}`")
        }
        P::AppendNumber { found } => {
            format!("expected a whole number to append, found `{found}`")
        }
        P::NewRoleSyntax { role, verb } => format!(
            "expected `{role} {verb} NEW-ROLE`, naming the new process, e.g. `{role} {verb} child`"
        ),
        P::ExitCode { found } => format!("an exit code is a number from 0 to 255, found `{found}`"),
        P::NiceRange { found } => {
            format!("a nice change is a number from -20 to 19, found `{found}`")
        }
        P::KillSyntax { role, signals } => format!(
            "expected `{role} kill ROLE SIGNAL`, SIGNAL one of {}",
            signals.join(" ")
        ),
        P::SignalName { found, signals } => format!(
            "expected a signal name ({}), found `{found}`",
            signals.join(" ")
        ),
        P::RunnerWaitsAny => {
            "the runner waits for one role at a time: `runner waitpid ROLE`".into()
        }
        P::RunnerLoops => "the runner is the director and never busy-waits: `loop` is for the processes it creates".into(),
        P::PrintText { max } => format!(
            "expected the text to print after `print`: at most {max} bytes, on this line"
        ),
        P::PipeExists { name } => format!(
            "a pipe named `{name}` was made before: give each pipe a name of its own"
        ),
        P::PipeNotHeld {
            role,
            pipe,
            made: false,
            ..
        } => format!(
            "no pipe named `{pipe}` was made: make it first (`{role} pipe {pipe}`), in `{role}` or in a process `{role}` was forked from afterwards"
        ),
        P::PipeNotHeld {
            role,
            pipe,
            end,
            made: true,
        } => format!(
            "`{role}` does not hold the {} end of pipe `{pipe}`: it closed it, or was forked before the pipe was made (a process has the descriptors it made or inherited at its fork)",
            end_word(*end)
        ),
        P::SigpipeForeground { role, pipe } => format!(
            "no process holds the read end of pipe `{pipe}` any more: the kernel sends `{role}` SIGPIPE, whose default action ends it before it can report. End the step with `&` and then `await {role} Z`; or first `{role} signal PIPE ignore` (as Python does), and the write fails with EPIPE"
        ),
        P::OpenPath { found } => format!(
            "expected an absolute path after `open` (one that starts with /), found `{found}`"
        ),
        P::ExecArgs { max, max_len } => format!(
            "expected `exec self` or `exec PROGRAM [ARGS...]`, with at most {max} arguments of at most {max_len} bytes each"
        ),
        P::ExecSameName { role, program } => format!(
            "`{role}` cannot exec `{program}`: execve() names a process after its program, and `{role}` already has that name, so procdemo could not see the exec happen: give the role another name"
        ),
        P::RunsProgram { role, line } => format!(
            "`{role}` runs another program since its exec at line {line}: it obeys no more commands (it can still be observed, signalled and waited for)"
        ),
        P::InspectEmpty => "expected `inspect ROLE...`, naming the roles to inspect".into(),
        P::EndUnlessSyntax => "expected `end unless ROLE permitted`".into(),
        P::EndUnlessNoTry { role } => format!(
            "`end unless {role} permitted` refers to the latest `try` step `{role}` took part in, but there is no `try` step `{role}` took part in before this line"
        ),
        P::UnshareUnconfirmed { role, line } => format!(
            "`{role}` forks after `try {role} unshare pid` (line {line}): whether its child is in a new PID namespace would depend on privilege; add `end unless {role} permitted` before this line"
        ),
        P::NamespaceGone { role, init, line } => format!(
            "`{role}`'s children would be in the PID namespace whose PID 1, `{init}`, has ended (line {line}): the kernel refuses a fork into it"
        ),
        P::NotVisible { role, target } => format!(
            "`{role}` cannot name `{target}`: `{role}` is in a PID namespace where `{target}` has no PID (a process sees only its own namespace and those below it)"
        ),
        P::ShareSyntax(f) => format!(
            "expected `share ROLE... until ROLE DURATION` (e.g. `share fast slow until fast 200ms`){}",
            found(f)
        ),
        P::ShareUntilNotListed { role } => format!(
            "`until {role}`: `{role}` must be one of the roles the window reads, before `until`"
        ),
        P::ShareRunner => {
            "`share` reads the roles' CPU time; the runner does the reading and is not one of them"
                .into()
        }
        P::ExpectNotShared { role } => format!(
            "`expect ... cpu` needs a `share` window that read `{role}` before this line"
        ),
        P::Tickets {
            role,
            verb,
            problem,
        } => match problem {
            TicketProblem::AlreadyHas => format!(
                "`{role}` already has a ticket file (its own `tickets`, or its creator's, inherited at the fork): fork a new role for another"
            ),
            TicketProblem::NoFile => format!(
                "`{role}` has no ticket file to {verb}: `tickets NUMBER` first (in it, or in the process it is forked from, before the fork)"
            ),
            TicketProblem::NotCounted => format!(
                "`{role} buy` writes back the count it read: `{role} count` first, before every `buy`"
            ),
            TicketProblem::AlreadyLocked => format!(
                "`{role}` already holds the lock: a second `flock` would wait for itself; `{role} funlock` first"
            ),
            TicketProblem::NotLocking => format!(
                "`await {role} flock` waits for a `{role} flock &` under way, but `{role}` has none"
            ),
            TicketProblem::NotLocked => {
                format!("`{role}` holds no lock to release: `{role} flock` first")
            }
        },
        P::TicketNumber { verb, found, max } => {
            format!("`{verb}` takes a whole number from 1 to {max}, not `{found}`")
        }
    }
}

/// A pipe's end, as a word.
/// How a signal is handled now, after `sigaction() returned 0: SIGTERM is now `.
fn signal_mode(mode: crate::script::actions::SignalMode) -> &'static str {
    match mode {
        crate::script::actions::SignalMode::Default => "SIG_DFL: its default action",
        crate::script::actions::SignalMode::Ignore => "SIG_IGN: ignored",
        crate::script::actions::SignalMode::Catch => "caught by a handler (which counts its runs)",
    }
}

fn end_word(end: crate::script::actions::End) -> &'static str {
    match end {
        crate::script::actions::End::Read => "read",
        crate::script::actions::End::Write => "write",
    }
}

/// PIDs (or phrases) as English lists them: `1`, `1 and 2`, `1, 2 and 3`.
fn and_list<T: ToString>(items: &[T]) -> String {
    let words: Vec<String> = items.iter().map(T::to_string).collect();
    match words.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}
