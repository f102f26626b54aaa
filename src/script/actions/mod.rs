//! What a role can do: the actions of the `.demo` language, and what each returned.
//!
//! An [`Action`] is parsed from a script line; an actor performs it and reports an
//! [`Outcome`]: exactly what the system call returned, or the errno it failed with. Both are
//! data: the words for them live in `render/`.
//!
//! This module is also the registry of actions, in the manner of ripgrep's flag definitions
//! (`flags/defs.rs`): each action is one struct, its arguments as its fields, in the file of
//! its family (`process`, `wait`, `signal`, `session`, `program`, `memory`, `pipe`, `socket`,
//! `tickets`), and one `impl` of [`Act`] beside it holding its verb, usage, syntax, the
//! checker's rules as data, what it does given its arguments, how an actor performs it, its
//! Python and its fuzz words; its tests follow. The `actions!` list below names every struct
//! once: [`Action`] (which only dispatches) and [`ACTIONS`] (the rows the parser, the checker,
//! the fuzzer and a test of demos/README.md read) are made from it.

mod memory;
mod pipe;
pub use pipe::{End, HeldPipe, TaskResult};
mod process;
mod program;
pub use program::comm_of as program_comm;
mod session;
pub mod signal;
mod socket;
pub use socket::Sockets;
mod tickets;
pub use tickets::TicketFile;
mod wait;

use crate::kernel::sys::Region;
use crate::script::names::RoleId;
use crate::script::problem::ParseProblem;
use serde::{Deserialize, Serialize};

/// Who a wait is for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum WaitTarget {
    Role(RoleId),
    /// Any child, like `wait()` / `waitpid(-1, ...)`.
    Any,
}

/// What SIGCHLD should do, for the `sigchld` action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SigchldMode {
    /// SIG_DFL: exited children stay zombies until waited for.
    #[serde(rename = "SIG_DFL")]
    Default,
    /// SIG_IGN: the kernel reaps exited children at once.
    #[serde(rename = "SIG_IGN")]
    Ignore,
    /// A handler installed with SA_NOCLDWAIT: reaped at once, and the handler still runs.
    #[serde(rename = "SA_NOCLDWAIT")]
    NoCldWait,
    /// A handler that calls waitpid(-1, WNOHANG) once per signal (a common mistake).
    #[serde(rename = "handler_waitpid_once")]
    ReapOne,
    /// A handler that calls waitpid(-1, WNOHANG) until it returns 0 or -1.
    #[serde(rename = "handler_waitpid_loop")]
    ReapAll,
}

/// What `signal SIG ...` sets a signal's disposition to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SignalMode {
    #[serde(rename = "SIG_DFL")]
    Default,
    #[serde(rename = "SIG_IGN")]
    Ignore,
    /// A handler (which counts its runs).
    #[serde(rename = "handler")]
    Catch,
}

/// What `exec` runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Program {
    /// procdemo's own binary, which goes on obeying the script as the same role.
    Procdemo,
    /// A program found as execvp() finds it (a `/` in the name: that path; else each
    /// directory of PATH), with these arguments after its name.
    Named { name: String, args: Vec<String> },
}

/// One waitpid() call a SIGCHLD handler made, as the handler recorded it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitCall {
    /// What it returned: a PID, 0 (children left, none ended) or -1 (see errno).
    pub ret: i32,
    pub status: i32,
    pub errno: i32,
}

/// What a process's signal handlers did, recorded by the handlers themselves.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandlerRuns {
    /// (signal, how many times its handler ran), for each handler that ran.
    pub runs: Vec<(i32, u32)>,
    /// Every waitpid() call a SIGCHLD handler made, in order.
    pub waits: Vec<WaitCall>,
}

/// One action of the language, as one type: a struct whose fields are its arguments (`Fork {
/// child }`), in the file of its family, with everything about it in its `impl Act`: its
/// verb and usage, how it is read from the words after the verb, the checker's rules as data,
/// what it does to the roles, how an actor performs it, the course's Python for it, the
/// parser fuzzer's words, and the kinds of its result. Its result is an [`Outcome`] it builds
/// itself: the variant (its JSON `kind`, listed in [`Act::RESULTS`]) is the key the renderers
/// find its words by (`render/i18n/`, exhaustive matches that ask for a new one).
///
/// The registry lists the types once (`actions!` below), in the manner of ripgrep's
/// `flags/defs.rs`: [`Action`] holds one of them and only dispatches to it.
pub trait Act: Sized + Into<Action> {
    /// The word after the role: `parent fork child`.
    const VERB: &'static str;
    /// The action as written after the role, as usage errors show it: `waitpid ROLE|any
    /// [nohang [loop]]`.
    const USAGE: &'static str;
    /// What the checker and the runner must know of it, whatever its arguments.
    const FACTS: Facts = Facts::PLAIN;
    /// Words beyond the verb for the parser fuzzer: its arguments and near-misses.
    const FUZZ: &'static [&'static str] = &[];
    /// The last lines of a script that uses it, after `runner fork parent`, `parent fork
    /// child` and `parent fork c2`: the registry's tests parse it and hold its verb and its
    /// Python, so a new action needs no line in a list of samples.
    const EXAMPLE: &'static str;
    /// The kinds of [`Outcome`] it reports when its call succeeds, by their JSON `kind` (one
    /// per variant): the key its result's words are found by, in every language and in
    /// `--json`. A failed call is `failed`, for every action. Tests hold it to the variants
    /// and to the recorded runs.
    const RESULTS: &'static [&'static str];
    /// Its row in the registry: what the parser and checker read before there is an action.
    const DEF: Def = Def {
        verb: Self::VERB,
        usage: Self::USAGE,
        syntax: syntax_of::<Self>,
        facts: Self::FACTS,
        fuzz: Self::FUZZ,
        example: Self::EXAMPLE,
        results: Self::RESULTS,
    };

    /// Reads the words after the verb (checking the roles it names exist, creating the role
    /// it forks). The problem says what was expected.
    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem>;

    /// What it does to the roles, given its arguments.
    fn effects(&self) -> Effects {
        Effects::NONE
    }

    /// What the runner itself does for it, if the runner may do it (`FACTS.runner`).
    fn runner_action(&self) -> Option<RunnerAction> {
        None
    }

    /// How the actor performs it: the system call and its outcome (unsafe parts in sys.rs).
    /// `target_pid` is the PID of the role it names (0 if none), as the actor sees it.
    fn perform(&self, target_pid: i32, stage: &mut dyn Stage) -> Performed;

    /// The course's Python that makes the same system call (`--python`), or why there is
    /// none. `by_runner`: the runner's own `waitpid` and `kill` are not the plain calls.
    fn python(&self, by_runner: bool) -> Python;
}

/// A registry row's syntax: the struct's own, as an [`Action`].
fn syntax_of<A: Act>(a: &mut Args<'_>) -> Result<Action, ParseProblem> {
    A::parse(a).map(Into::into)
}

/// The registry: every action's struct, in the order the "unknown action" message lists
/// them. From this one list come [`Action`] (a variant per struct, named as it), its
/// dispatch, `From` each struct, and [`ACTIONS`].
macro_rules! actions {
    ($($family:ident :: $name:ident),* $(,)?) => {
        $(pub use $family::$name;)*

        /// Something a role does: one of the actions' structs, holding its arguments. The
        /// runner may only `fork`, `waitpid ROLE` and `kill`.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        pub enum Action {
            $($name($name),)*
        }

        $(impl From<$name> for Action {
            fn from(action: $name) -> Action {
                Action::$name(action)
            }
        })*

        /// Every action of the language, in the order the "unknown action" message lists
        /// them: one row per verb.
        pub static ACTIONS: &[&Def] = &[$(&<$name as Act>::DEF),*];

        impl Action {
            /// The registry row of this action's verb.
            pub fn def(&self) -> &'static Def {
                match self {
                    $(Action::$name(_) => &<$name as Act>::DEF,)*
                }
            }

            /// What this action, with its arguments, does to the roles.
            pub fn effects(&self) -> Effects {
                match self {
                    $(Action::$name(a) => a.effects(),)*
                }
            }

            /// What the runner itself does for this action, if the runner may do it.
            pub fn runner_action(&self) -> Option<RunnerAction> {
                match self {
                    $(Action::$name(a) => a.runner_action(),)*
                }
            }

            /// The course's Python for it (`--python`), or why there is none.
            pub fn python(&self, by_runner: bool) -> Python {
                match self {
                    $(Action::$name(a) => a.python(by_runner),)*
                }
            }

            fn perform(&self, target_pid: i32, stage: &mut dyn Stage) -> Performed {
                match self {
                    $(Action::$name(a) => a.perform(target_pid, stage),)*
                }
            }
        }
    };
}

actions! {
    process::Fork,
    process::Exit,
    wait::Wait,
    wait::Waitpid,
    wait::Peek,
    process::Block,
    signal::Kill,
    signal::Sigchld,
    session::Setsid,
    session::Nice,
    process::Spin,
    process::Thread,
    memory::Lock,
    session::Pty,
    signal::Trace,
    signal::Untrace,
    process::Vfork,
    memory::Alloc,
    memory::Touch,
    memory::Append,
    memory::Show,
    signal::Signal,
    signal::Sigmask,
    signal::Handled,
    program::Print,
    program::Flush,
    program::Atexit,
    process::LibcExit,
    program::Open,
    program::Exec,
    session::Unshare,
    pipe::Pipe,
    pipe::Close,
    pipe::Read,
    pipe::Write,
    pipe::Fill,
    pipe::Work,
    pipe::Map,
    socket::Listen,
    socket::Accept,
    socket::Connect,
    socket::Send,
    socket::Recv,
    process::CpuLoop,
    session::Renice,
    tickets::Tickets,
    tickets::Count,
    tickets::Buy,
    tickets::Flock,
    tickets::Funlock,
    tickets::Race,
    process::Getpid,
}

impl Action {
    /// The role a new process created by this action will take (fork, vfork).
    pub fn creates(&self) -> Option<RoleId> {
        self.effects().creates
    }

    /// The other role this action names (whose PID the runner sends with the command).
    pub fn target(&self) -> Option<RoleId> {
        self.effects().target
    }

    /// Actions that keep the process running (state R) until they end, so `observe` must not
    /// wait for it to settle into a sleep (`spin`, `waitpid ... nohang loop`).
    pub fn runs_busy_loop(&self) -> bool {
        self.effects().busy_loop
    }

    /// `--size`: every `alloc` maps `mib` MiB instead.
    pub fn override_alloc_size(&mut self, mib: u64) {
        if let Action::Alloc(alloc) = self {
            alloc.mib = mib;
        }
    }
}

/// What the runner asks of an action.
impl Action {
    /// The actor maps a region and reports its address (`alloc`).
    pub fn gives_region(&self) -> bool {
        self.def().facts.gives_region
    }

    /// MiB of memory the action writes, for its result deadline: `alloc` its size, `touch`
    /// the size of the actor's region (`region_bytes`), anything else 0.
    pub fn mib_written(&self, region_bytes: Option<usize>) -> u64 {
        match self.effects().writes {
            Writes::Nothing => 0,
            Writes::Mib(mib) => mib,
            Writes::Region => region_bytes.map_or(0, |bytes| (bytes >> 20) as u64),
        }
    }

    /// The role a `try` of this action may change, whose later observations depend on
    /// privilege: the target for `trace`/`untrace`, else the actor.
    pub fn changes_privileged_role(&self, actor: RoleId) -> RoleId {
        match self.target() {
            Some(target) if self.def().facts.try_changes_target => target,
            _ => actor,
        }
    }
}

/// What the runner itself may do: it is the director, so only these, typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunnerAction {
    /// fork() the first process of a role.
    Fork { child: RoleId },
    /// waitpid() for one role (never `any`, never a busy loop).
    Waitpid { target: RoleId, nohang: bool },
    /// kill(pid of target, signal).
    Kill { target: RoleId, signal: i32 },
}

// ---- the registry ---------------------------------------------------------------------------

/// The registry row for a verb.
pub fn find(verb: &str) -> Option<&'static Def> {
    ACTIONS.iter().copied().find(|d| d.verb == verb)
}

/// Perform a parsed action in the process that is to perform it (an actor).
/// `target_pid` is the PID of the role the action names (0 if none).
pub fn perform(action: &Action, target_pid: i32, stage: &mut dyn Stage) -> Performed {
    action.perform(target_pid, stage)
}

/// An action's row in the registry: what the parser and the checker read of a verb before
/// there is an action. Made from its struct's `impl Act` ([`Act::DEF`]).
pub struct Def {
    /// The word after the role: `parent fork child`.
    pub verb: &'static str,
    /// The action as written after the role, as usage errors show it.
    pub usage: &'static str,
    /// Reads the words after the verb into the typed action ([`Act::parse`]).
    pub syntax: fn(&mut Args<'_>) -> Result<Action, ParseProblem>,
    /// What the checker and the runner must know of it, whatever its arguments.
    pub facts: Facts,
    /// Words beyond the verb for the parser fuzzer.
    #[cfg_attr(not(test), allow(dead_code))]
    pub fuzz: &'static [&'static str],
    /// A script's last lines that use it ([`Act::EXAMPLE`]), for the registry's tests.
    #[cfg_attr(not(test), allow(dead_code))]
    pub example: &'static str,
    /// The kinds of its result ([`Act::RESULTS`]).
    #[cfg_attr(not(test), allow(dead_code))]
    pub results: &'static [&'static str],
}

/// An action in the course's Python: code, which is the same in every language, or the
/// reason no line of Python makes that call (the renderer puts it in words).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Python {
    /// Statements, each a line (a second one is another way to make the same call); `pid`
    /// is the target's PID, `L` the list, `m` the region (as in the course's examples).
    Code(Vec<String>),
    None(NoPython),
}

impl Python {
    /// One line of code.
    pub fn line(code: impl Into<String>) -> Python {
        Python::Code(vec![code.into()])
    }
}

/// Why no line of Python makes an action's call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoPython {
    /// Python's standard library has no such call: the call's name (`vfork()`, `ptrace()`).
    NotInStdlib(&'static str),
}

impl Def {
    /// Allowed under `try` and `if permitted`: only an action that creates or ends no
    /// process, so which processes exist never depends on privilege.
    pub fn allowed_under_try(&self) -> bool {
        let f = &self.facts;
        !(f.creates_role || f.ends_actor || f.may_end_target || f.replaces_image)
    }
}

/// The checker's rules for one action, as data: the checker in script.rs applies them.
#[derive(Debug, Clone, Copy)]
pub struct Facts {
    /// Whether it may block, and so may (or must) end with `&`.
    pub blocks: Blocks,
    /// What the role it names must be.
    pub target: TargetRules,
    /// It creates a new role (fork, vfork): refused after `thread`, never under `try`.
    pub creates_role: bool,
    /// The actor can no longer act afterwards (exit).
    pub ends_actor: bool,
    /// It may end its target (kill, whatever the signal): never under `try`.
    pub may_end_target: bool,
    /// The actor must have a region: its own `alloc`, or its creator's before the fork.
    pub needs_region: bool,
    /// The actor has a region afterwards, which children forked later inherit.
    pub gives_region: bool,
    /// The actor has a second thread afterwards, and may no longer fork.
    pub makes_threaded: bool,
    /// Whether, and how, the runner may perform it.
    pub runner: Option<ForRunner>,
    /// A `try` of it may change the target's state rather than the actor's (trace).
    pub try_changes_target: bool,
    /// It replaces the program the process runs (exec): never under `try`.
    pub replaces_image: bool,
    /// The errnos a `try` of it takes as a refusal for want of privilege.
    pub refusals: &'static [i32],
    /// The socket the actor must hold: a listening one (accept), a connection (send, recv).
    pub needs_socket: Option<Sock>,
    /// The socket the actor holds afterwards (listen, connect).
    pub gives_socket: Option<Sock>,
    /// The role it names must hold a listening socket (connect): the runner sends its port.
    pub target_listens: bool,
    /// The new role exists only once the call that may block has returned (accept): started
    /// with `&`, its process appears at `await ROLE done`, and no step may name it before.
    /// It holds the accepted connection, and not the listening socket.
    pub creates_on_return: bool,
    /// What it does with the ticket file, which the checker orders.
    pub tickets: TicketUse,
}

/// A socket a role holds, for the checker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sock {
    Listening,
    Connection,
}

/// What an action does with the ticket file: the checker's rules for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketUse {
    None,
    /// Creates it (`tickets`): the role must not have one yet.
    Creates,
    /// Reads the count (`count`): the role must have the file.
    Reads,
    /// Writes back the count it read (`buy`): a `count` since its last `buy`.
    Writes,
    /// Takes the lock (`flock`): the file, and no lock held already (it would wait on itself).
    Locks,
    /// Releases it (`funlock`): a lock held.
    Unlocks,
    /// Read-then-write steps without a lock (`race`): the file.
    Races,
}

impl Facts {
    /// Returns at once, names no role, creates and ends nothing, not for the runner.
    pub const PLAIN: Facts = Facts {
        blocks: Blocks::Never,
        target: TargetRules::ANY,
        creates_role: false,
        ends_actor: false,
        may_end_target: false,
        needs_region: false,
        gives_region: false,
        makes_threaded: false,
        runner: None,
        try_changes_target: false,
        replaces_image: false,
        refusals: &[libc::EPERM, libc::EACCES],
        needs_socket: None,
        gives_socket: None,
        target_listens: false,
        creates_on_return: false,
        tickets: TicketUse::None,
    };
}

/// Whether an action may block until another process acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blocks {
    /// Returns at once: `&` is refused.
    Never,
    /// May block (a wait while the child runs): `&` allowed.
    Maybe,
    /// Always blocks: `&` required. The rule says why.
    Always(Rule),
}

/// A rule of an action's registry entry that a script broke (data: `render/` says it, the
/// actor's role name filled in).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// `vfork` suspends its caller: `&` and `await ROLE done` are needed.
    VforkInBackground,
    KillNotSelf,
    KillNotRunner,
    TraceNotSelf,
    TraceNotRunner,
    UntraceNotSelf,
    UntraceNotRunner,
    ReniceNotRunner,
}

/// What an action does to its target, for "there is no process left to ...".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Signal,
    Trace,
    Untrace,
    Renice,
}

/// What the checker demands of the role an action names: the rule a script breaks otherwise.
#[derive(Debug, Clone, Copy)]
pub struct TargetRules {
    /// The target must not have ended (its PID may already belong to another process): the
    /// word ends "there is no process left to ...".
    pub alive_to: Option<Purpose>,
    /// Refused when the target is the actor itself.
    pub not_self: Option<Rule>,
    /// Refused when the target is the runner.
    pub not_runner: Option<Rule>,
}

impl TargetRules {
    /// Any role that exists.
    pub const ANY: TargetRules = TargetRules {
        alive_to: None,
        not_self: None,
        not_runner: None,
    };
}

/// How the runner may perform an action.
#[derive(Debug, Clone, Copy)]
pub struct ForRunner {
    /// As "the runner can only ..." names it: `waitpid ROLE`. The typed runner action is
    /// the struct's [`Act::runner_action`] (None for a form the runner may not use).
    pub shown_as: &'static str,
}

/// What an action does, given its arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Effects {
    /// The role the new process takes (fork, vfork).
    pub creates: Option<RoleId>,
    /// The other role it names: its PID is sent with the command.
    pub target: Option<RoleId>,
    /// The actor runs (state R) until the next command or until it ends.
    pub busy_loop: bool,
    /// The target can no longer act (kill with a signal whose default action ends it).
    pub ends_target: bool,
    /// The target stops (SIGSTOP, trace) or runs again (SIGCONT, untrace).
    pub target_run: TargetRun,
    /// Memory it writes, which its result deadline allows for.
    pub writes: Writes,
    /// The signal it sends its target (kill): whether the target ends depends on that
    /// target's disposition for it, which the checker knows.
    pub signal: Option<i32>,
    /// How it changes the actor's own signal dispositions (signal, sigchld).
    pub disposition: Option<(i32, SignalMode)>,
    /// The program the actor runs afterwards (exec).
    pub image: Option<Image>,
    /// The actor's next child is the first process of a new PID namespace (unshare pid).
    pub new_pid_namespace: bool,
}

/// What an actor runs after `exec`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Image {
    /// procdemo again: it goes on obeying the script, with a fresh memory.
    Procdemo,
    /// Another program: it obeys no more commands.
    Program,
}

impl Effects {
    /// Nothing beyond the actor's own state.
    pub const NONE: Effects = Effects {
        creates: None,
        target: None,
        busy_loop: false,
        ends_target: false,
        target_run: TargetRun::Unchanged,
        writes: Writes::Nothing,
        signal: None,
        disposition: None,
        image: None,
        new_pid_namespace: false,
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetRun {
    Unchanged,
    Stops,
    Continues,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writes {
    Nothing,
    Mib(u64),
    /// Every page of the actor's region.
    Region,
}

/// The words of an action after its verb, and what its syntax may ask of the checker.
pub struct Args<'a> {
    /// The role performing it, and its name.
    pub actor: RoleId,
    pub actor_name: &'a str,
    /// The entry's verb and usage, for messages.
    pub verb: &'static str,
    pub usage: &'static str,
    pub words: &'a [&'a str],
    pub roles: &'a mut dyn Roles,
}

impl Args<'_> {
    /// "expected `parent waitpid ROLE|any [nohang [loop]]`".
    pub fn expected(&self) -> ParseProblem {
        ParseProblem::Usage {
            role: self.actor_name.to_string(),
            usage: self.usage,
        }
    }

    /// An action that takes no arguments.
    pub fn none<A>(&self, action: A) -> Result<A, ParseProblem> {
        if self.words.is_empty() {
            Ok(action)
        } else {
            Err(self.expected())
        }
    }

    /// A role that exists by now (it may have ended).
    pub fn role(&self, name: &str) -> Result<RoleId, ParseProblem> {
        self.roles.existing(name)
    }
}

/// The checker's roles, as an action's syntax sees them.
pub trait Roles {
    /// A role that exists by now (it may have ended).
    fn existing(&self, name: &str) -> Result<RoleId, ParseProblem>;
    /// A new role for the process `creator` creates.
    fn create(&mut self, name: &str, creator: RoleId) -> Result<RoleId, ParseProblem>;
    /// A pipe name not used before.
    fn new_pipe(&self, name: &str) -> Result<(), ParseProblem>;
    /// `role` holds this end of the pipe (open: made, or inherited, and not closed).
    fn holds(&self, role: RoleId, pipe: &str, end: End) -> Result<(), ParseProblem>;
}

/// The process performing an action, as the action sees it (the actor loop in actor.rs).
pub trait Stage {
    /// The call that may block is under way (a polling loop says so after its first poll);
    /// reported only for an action started with `&`.
    fn under_way(&mut self);
    /// Report the result before the action is over (exit, spin).
    fn report(&mut self, outcome: Outcome);
    /// True once a command is waiting on the pipe (or the runner is gone): a loop must end.
    fn command_waiting(&self) -> bool;
    /// In the new child of a fork: take the role and say hello, with what the call returned
    /// in this process (0).
    fn become_role(&mut self, child: RoleId, returned: i32);
    /// This process's own copy of the course notes' list.
    fn list(&mut self) -> &mut Vec<i64>;
    /// This process's region (its own `alloc`, or inherited at the fork).
    fn region(&mut self) -> &mut Option<Region>;
    /// Keep a descriptor, mapping or thread for as long as the process lives.
    fn keep(&mut self, thing: Box<dyn std::any::Any>);
    /// execve() procdemo's own binary, which goes on as this role after the step; returns
    /// only if that failed.
    fn exec_self(&mut self) -> std::io::Error;
    /// The process unshared its PID namespace: its children live in another one, and must
    /// tell the runner their PID as the runner sees it.
    fn unshared_pid(&mut self);
    /// The pipes this process holds (made by it, or its creator's at the fork).
    fn pipes(&mut self) -> &mut Vec<HeldPipe>;
    /// The sockets this process holds (`listen`, `connect`, an accepted connection).
    fn sockets(&mut self) -> &mut Sockets;
    /// The port of the target's listening socket, sent by the runner with the command, as
    /// the target's `listen` reported it (0 if the action names no listening role).
    fn target_port(&self) -> u16;
    /// What this process holds of the ticket file (inherited at a fork).
    fn tickets(&mut self) -> &mut TicketFile;
}

/// What performing an action left to do.
#[derive(Debug)]
pub enum Performed {
    /// Report this outcome.
    Outcome(Outcome),
    /// Nothing: the outcome went out already (spin), or this is the new process of a fork,
    /// which has said hello as its role.
    Reported,
}

/// An outcome for a failed call, as `perform` returns it.
fn failed(call: Call, e: impl Into<std::io::Error>) -> Performed {
    Performed::Outcome(Outcome::failed(call, e))
}

/// "a, b and c" / "a, b or c".
pub fn list_words(words: &[String], last: &str) -> String {
    match words {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., tail] => format!("{} {last} {tail}", init.join(", ")),
    }
}

/// The system calls, in one list: each by its variant and by its name as C code writes it.
macro_rules! calls {
    ($($name:ident => $c:literal,)*) => {
        /// A system call (or the short sequence of them one action makes), by the name the
        /// kernel's documentation gives it: an identifier, the same in every language.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(into = "&'static str", try_from = "String")]
        pub enum Call {
            $($name,)*
        }

        impl Call {
            pub const ALL: &[Call] = &[$(Call::$name,)*];

            /// The call as C code writes it, e.g. `clone(CLONE_VFORK)`.
            pub fn name(self) -> &'static str {
                match self {
                    $(Call::$name => $c,)*
                }
            }
        }
    };
}

calls! {
    Fork => "fork",
    CloneVfork => "clone(CLONE_VFORK)",
    Wait => "wait",
    Waitpid => "waitpid",
    Waitid => "waitid",
    Kill => "kill",
    Sigaction => "sigaction",
    Setsid => "setsid",
    Setpriority => "setpriority",
    PthreadCreate => "pthread_create",
    Mlock => "mlock",
    Pty => "openpty/setsid/TIOCSCTTY",
    Ptrace => "ptrace",
    PtraceDetach => "ptrace(PTRACE_DETACH)",
    Mmap => "mmap",
    ReadOwnStat => "read(/proc/self/stat)",
    Pipe => "pipe2",
    Fcntl => "fcntl",
    PrctlDeathSignal => "prctl(PR_SET_PDEATHSIG)",
    PrctlSubreaper => "prctl(PR_SET_CHILD_SUBREAPER)",
    Sigprocmask => "sigprocmask",
    PidfdOpen => "pidfd_open",
    Write => "write",
    Read => "read",
    Open => "open",
    Execve => "execve",
    Fflush => "fflush",
    Fputs => "fputs",
    Atexit => "atexit",
    MemfdCreate => "memfd_create",
    Unshare => "unshare",
    Close => "close",
    Socket => "socket",
    Bind => "bind",
    Listen => "listen",
    Getsockname => "getsockname",
    Accept => "accept",
    Connect => "connect",
    Send => "send",
    Recv => "recv",
    Pread => "pread",
    Pwrite => "pwrite",
    Flock => "flock",
}

impl From<Call> for &'static str {
    fn from(c: Call) -> &'static str {
        c.name()
    }
}

impl TryFrom<String> for Call {
    type Error = String;
    fn try_from(s: String) -> Result<Call, String> {
        Call::ALL
            .iter()
            .copied()
            .find(|c| c.name() == s)
            .ok_or_else(|| format!("not a known call: {s:?}"))
    }
}

/// What an action did, as the kernel answered it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outcome {
    /// fork() returned this PID to the parent; `in_child`: what it returned in the new
    /// process, as that process reported it when it said hello (the runner joins the two).
    Forked {
        pid: i32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        in_child: Option<i32>,
    },
    /// clone(CLONE_VFORK) without CLONE_VM (the suspending half of vfork(): the child has its
    /// own memory) returned this PID to the parent, once the child had ended; `in_child` as
    /// for `Forked`.
    #[serde(rename = "clone_vfork_own_memory")]
    Vforked {
        pid: i32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        in_child: Option<i32>,
    },
    /// About to call _exit(code).
    Exiting { code: i32 },
    /// wait/waitpid returned this PID and raw status.
    Reaped { pid: i32, status: i32 },
    /// waitpid(..., WNOHANG) returned 0 this many times in a row while the child ran.
    NotYet { polls: u32 },
    /// waitpid(..., WNOHANG) in a loop: it returned 0 `zeros` times, then this PID and status.
    PolledThenReaped { zeros: u64, pid: i32, status: i32 },
    /// waitid(WNOWAIT) read this status (si_code, si_status) and left the child a zombie.
    Peeked { pid: i32, code: i32, status: i32 },
    /// The call failed with this errno.
    Failed { call: Call, errno: i32 },
    /// Sleeping in read() until the next command.
    Blocking,
    /// In a busy loop until the next command.
    Spinning,
    /// kill() returned 0: the signal was sent.
    Signalled { pid: i32, signal: i32 },
    /// SIGCHLD's disposition is set.
    SigchldSet { mode: SigchldMode },
    /// setsid() returned the new session id.
    NewSession { sid: i32 },
    /// The nice value is now this.
    Niced { nice: i32 },
    /// A second thread was started.
    Threaded,
    /// This many bytes are locked in memory.
    Locked { bytes: usize },
    /// A pseudo-terminal is the controlling terminal of this new session.
    Terminal { sid: i32 },
    /// ptrace attached to and interrupted the target.
    Traced { pid: i32 },
    /// ptrace detached from the target.
    Untraced { pid: i32 },
    /// A region of this many bytes was mapped at `addr` and every page written.
    Allocated {
        bytes: usize,
        pages: usize,
        addr: u64,
    },
    /// Every page of the region was written; minor faults read from /proc/self/stat around it.
    Touched {
        pages: usize,
        minflt_before: u64,
        minflt_after: u64,
    },
    /// This process's list, read from its own memory.
    List { values: Vec<i64> },
    /// A signal's disposition is set.
    SignalSet { signal: i32, mode: SignalMode },
    /// sigprocmask() returned 0; `blocked` is the mask it then held, and `during` what the
    /// handlers did while the call returned (a pending signal it unblocked is delivered then).
    Masked {
        block: bool,
        signals: Vec<i32>,
        blocked: u64,
        during: HandlerRuns,
    },
    /// What the process's handlers have done so far.
    Handled(HandlerRuns),
    /// printf() put `bytes` into the stdio buffer, where `pending` bytes now wait.
    Printed { bytes: usize, pending: usize },
    /// fflush() wrote the `bytes` that were waiting.
    Flushed { bytes: usize },
    /// atexit() registered the handler.
    AtexitSet,
    /// About to call exit(code), with `pending` bytes in the stdio buffer.
    ExitingFlushing { code: i32, pending: usize },
    /// open() returned this descriptor.
    Opened { fd: i32, cloexec: bool },
    /// execve() of procdemo's binary succeeded: the new program says so, from this PID.
    Execed { pid: i32 },
    /// execve() of a program succeeded: the runner saw the process's command name change to
    /// `comm` (and /proc/PID/exe name `exe`, unless it had already exited).
    Running { comm: String, exe: Option<String> },
    /// unshare() made a new PID namespace for the process's children; `user`: a new user
    /// namespace was needed too (CLONE_NEWUSER | CLONE_NEWPID), as for a normal user.
    Unshared { user: bool },
    /// pipe2() returned these descriptors; F_GETPIPE_SZ read the capacity.
    PipeMade {
        read_fd: i32,
        write_fd: i32,
        capacity: usize,
    },
    /// close() of this end returned 0.
    Closed { fd: i32, end: End },
    /// read() returned this many bytes (0: end of file); `text`, when short and UTF-8.
    ReadBytes {
        fd: i32,
        bytes: usize,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        text: Option<String>,
    },
    /// write() returned this many bytes.
    Wrote { fd: i32, bytes: usize },
    /// write() of the capacity and a page more returned `bytes`: the pipe had filled, and a
    /// reader made room.
    Filled {
        fd: i32,
        bytes: usize,
        capacity: usize,
    },
    /// A worker's loop ended at end of file, after these (task, result) pairs.
    Worked { done: Vec<(i64, i64)> },
    /// Each task was written and its result read back (fewer than the tasks: end of file
    /// came first).
    Mapped { results: Vec<TaskResult> },
    /// socket() returned `fd`; bind() to 127.0.0.1 port 0 and listen(fd, backlog) returned 0;
    /// getsockname() read the port the kernel chose.
    Listening { fd: i32, port: u16, backlog: i32 },
    /// accept() returned `fd`, a connection from 127.0.0.1 port `peer_port`; fork() returned
    /// `pid`, the process that serves it (`in_child` as for `Forked`); the server then closed
    /// its copy of `fd`.
    Accepted {
        fd: i32,
        peer_port: u16,
        pid: i32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        in_child: Option<i32>,
    },
    /// socket() returned `fd` and connect() to 127.0.0.1 port `port` returned 0; the
    /// connection's own end is port `local_port` (getsockname()). `closed`: the connection it
    /// held before, closed first.
    Connected {
        fd: i32,
        port: u16,
        local_port: u16,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        closed: Option<i32>,
    },
    /// send() returned `bytes`.
    Sent { bytes: usize },
    /// recv() returned these bytes (none: the other end had closed its end, end of file).
    Received { text: String },
    /// In a busy loop that never yields, until the next command.
    CpuLooping,
    /// setpriority(PRIO_PROCESS, pid, asked) returned 0; getpriority() then read `nice`.
    Reniced { pid: i32, asked: i32, nice: i32 },
    /// The ticket file was made (a memfd, descriptor `fd`) and its count read back: `left`.
    TicketFile { fd: i32, left: i64 },
    /// The ticket file read: `left` tickets, and the PIDs of the sales it records. `raced`:
    /// after a `race` on it, the count is what the scheduler's interleaving left.
    Counted {
        left: i64,
        sold: Vec<i32>,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        raced: bool,
    },
    /// Read `read` last; wrote `wrote` back and recorded the sale.
    Bought { read: i64, wrote: i64 },
    /// Read `read` (below 1) last: wrote nothing.
    SoldOut { read: i64 },
    /// flock(LOCK_EX) returned 0 on this process's own descriptor `fd` of the file.
    FileLocked { fd: i32 },
    /// flock(LOCK_UN) returned 0; descriptor `fd` is closed.
    FileUnlocked { fd: i32 },
    /// `steps` unlocked read-then-write steps done.
    Raced { steps: u64 },
    /// getpid() returned this PID: the process's own, as it sees it.
    OwnPid { pid: i32 },
}

impl Outcome {
    /// An outcome for a failed call.
    pub fn failed(call: Call, e: impl Into<std::io::Error>) -> Outcome {
        Outcome::Failed {
            call,
            errno: e.into().raw_os_error().unwrap_or(0),
        }
    }
}

/// Helpers for the families' tests: parse a script and take its last step's action, or its
/// rejection.
#[cfg(test)]
pub(crate) mod testing {
    use super::Action;
    use crate::script::{StepKind, parse};

    /// The action of the script's last step, which must be an action.
    pub fn act(text: &str) -> Action {
        let script = parse("t.demo", "t", text).unwrap_or_else(|e| panic!("{e}"));
        match &script.steps.last().expect("a step").kind {
            StepKind::Act { action, .. } => action.clone(),
            other => panic!("not an action: {other:?}"),
        }
    }

    /// The message the checker rejects the script with.
    pub fn refused(text: &str) -> String {
        parse("t.demo", "t", text)
            .expect_err("the script should be rejected")
            .message()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::StepKind;
    use std::collections::BTreeSet;

    /// The Python of the last line of a script, performed by `parent` (or the runner).
    fn python_of(line: &str) -> Python {
        let text = format!("runner fork parent\nparent fork child\nparent fork c2\n{line}\n");
        let by_runner = line
            .lines()
            .last()
            .is_some_and(|l| l.starts_with("runner "));
        testing::act(&text).python(by_runner)
    }

    #[test]
    fn every_action_has_its_python_line_or_says_why_not() {
        for def in ACTIONS {
            let line = def.example;
            match python_of(line) {
                Python::Code(lines) => {
                    assert!(!lines.is_empty(), "{line}");
                    assert!(lines.iter().all(|l| !l.trim().is_empty()), "{line}");
                }
                Python::None(NoPython::NotInStdlib(call)) => assert!(!call.is_empty()),
            }
        }
    }

    #[test]
    fn the_python_lines_are_the_courses_calls() {
        let one = |line: &str| match python_of(line) {
            Python::Code(lines) => lines[0].clone(),
            Python::None(why) => panic!("{line}: {why:?}"),
        };
        assert_eq!(one("parent fork x"), "pid = os.fork()");
        assert_eq!(one("child exit 7"), "os._exit(7)");
        assert_eq!(one("parent wait"), "os.wait()");
        assert_eq!(one("parent waitpid any"), "os.wait()");
        assert_eq!(one("parent waitpid child"), "os.waitpid(pid, 0)");
        assert_eq!(
            one("parent waitpid child nohang"),
            "os.waitpid(pid, os.WNOHANG)"
        );
        assert_eq!(
            one("parent waitpid any nohang"),
            "os.waitpid(-1, os.WNOHANG)"
        );
        assert_eq!(
            one("parent sigchld ignore"),
            "signal.signal(signal.SIGCHLD, signal.SIG_IGN)"
        );
        assert_eq!(
            one("parent kill child TERM"),
            "os.kill(pid, signal.SIGTERM)"
        );
        assert_eq!(
            one("runner kill child KILL"),
            "signal.pidfd_send_signal(pidfd, signal.SIGKILL)"
        );
        assert_eq!(one("parent setsid"), "os.setsid()");
        assert_eq!(one("parent nice 5"), "os.nice(5)");
        assert_eq!(
            one("parent renice child 10"),
            "os.setpriority(os.PRIO_PROCESS, pid, 10)"
        );
        assert_eq!(one("parent cpu-loop"), "while True: pass");
        assert_eq!(one("parent append 33"), "L.append(33)");
        assert_eq!(
            python_of("parent vfork x &"),
            Python::None(NoPython::NotInStdlib("vfork()"))
        );
        assert_eq!(
            python_of("parent sigchld nocldwait"),
            Python::None(NoPython::NotInStdlib("sigaction(SA_NOCLDWAIT)"))
        );
        // The runner's own waitpid polls the child's pidfd first.
        assert!(one("runner waitpid child").contains("os.waitpid(pid, os.WNOHANG)"));
    }

    #[test]
    fn every_verb_is_registered_once() {
        let verbs: BTreeSet<&str> = ACTIONS.iter().map(|d| d.verb).collect();
        assert_eq!(verbs.len(), ACTIONS.len());
        for d in ACTIONS {
            assert!(d.usage.starts_with(d.verb), "{}: {}", d.verb, d.usage);
            assert!(std::ptr::eq(find(d.verb).unwrap(), *d));
        }
    }

    #[test]
    fn every_verb_parses_into_an_action_whose_entry_is_its_own() {
        for def in ACTIONS {
            let last = def.example.lines().last().expect("an example");
            assert_eq!(last.split(' ').nth(1), Some(def.verb), "{last}");
            let text = format!(
                "runner fork parent\nparent fork child\nparent fork c2\n{}\n",
                def.example
            );
            let action = testing::act(&text);
            assert_eq!(action.def().verb, def.verb, "{last}");
        }
    }

    #[test]
    fn every_result_an_action_names_is_a_kind_of_outcome() {
        for def in ACTIONS {
            assert!(!def.results.is_empty(), "{}", def.verb);
            for kind in def.results {
                // A known kind with its fields missing says so; an unknown one says that.
                let parsed = serde_json::from_value::<Outcome>(serde_json::json!({ "kind": kind }));
                if let Err(e) = parsed {
                    let e = e.to_string();
                    assert!(!e.contains("unknown variant"), "{}: {kind}: {e}", def.verb);
                }
            }
        }
    }

    #[test]
    fn every_kind_of_outcome_but_failed_is_some_actions_result() {
        // serde's message for an unknown kind lists every kind there is.
        let e = serde_json::from_value::<Outcome>(serde_json::json!({ "kind": "" }))
            .expect_err("no outcome has an empty kind")
            .to_string();
        let (_, list) = e.split_once("expected one of").expect("the list of kinds");
        let kinds: BTreeSet<&str> = list.split('`').skip(1).step_by(2).collect();
        let named: BTreeSet<&str> = ACTIONS
            .iter()
            .flat_map(|d| d.results.iter().copied())
            .chain(["failed"])
            .collect();
        assert!(kinds.len() > 50, "{e}");
        assert_eq!(kinds, named);
    }

    #[test]
    fn every_recorded_result_is_of_a_kind_its_action_names() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/events");
        let mut checked = 0;
        for entry in std::fs::read_dir(dir).expect("tests/fixtures/events") {
            let path = entry.expect("an entry").path();
            let Some(name) = path
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_suffix(".events"))
            else {
                continue;
            };
            let script = match crate::script::demos::find(name) {
                Some(demo) => demo.parse().expect("a built-in demo parses"),
                None => {
                    let file = format!("{dir}/{name}.demo");
                    let text = std::fs::read_to_string(&file).expect("the recorded script");
                    crate::script::parse(&file, name, &text).expect("it parses")
                }
            };
            let action_of = |step: usize| match &script.steps[step].kind {
                StepKind::Act { action, .. } => action,
                // `await ROLE done`: the result of that role's latest action started with `&`.
                StepKind::Await { role, .. } => script.steps[..step]
                    .iter()
                    .rev()
                    .find_map(|s| match &s.kind {
                        StepKind::Act {
                            role: r,
                            action,
                            background: true,
                        } if r == role => Some(action),
                        _ => None,
                    })
                    .expect("an action under way"),
                other => panic!("{name}: a result at {other:?}"),
            };
            let events = std::fs::read_to_string(&path).expect("the recorded events");
            for line in events.lines() {
                let event: serde_json::Value = serde_json::from_str(line).expect("an event");
                let Some((_, body)) = event.as_object().and_then(|o| o.iter().next()) else {
                    continue;
                };
                let (Some(step), Some(kind)) =
                    (body["step"].as_u64(), body["outcome"]["kind"].as_str())
                else {
                    continue;
                };
                let def = action_of(step as usize).def();
                assert!(
                    kind == "failed" || def.results.contains(&kind),
                    "{name}: `{}` reported {kind}, which its RESULTS do not name",
                    def.verb
                );
                checked += 1;
            }
        }
        assert!(checked > 100, "only {checked} results recorded");
    }

    #[test]
    fn the_language_reference_lists_exactly_the_registered_actions() {
        let readme = include_str!("../../../demos/README.md");
        let rows = readme
            .lines()
            .skip_while(|l| !l.starts_with("| action | system call and meaning |"))
            .skip(2)
            .take_while(|l| l.starts_with('|'));
        let mut listed = BTreeSet::new();
        for row in rows {
            // The first cell ends at the first ` | `; `\|` inside it has no spaces around.
            let first = row[1..].split(" | ").next().unwrap_or_default();
            for code in first.split('`').skip(1).step_by(2) {
                listed.insert(code.split_whitespace().next().unwrap_or_default());
            }
        }
        let registered: BTreeSet<&str> = ACTIONS.iter().map(|d| d.verb).collect();
        assert_eq!(
            listed, registered,
            "demos/README.md's action table and the registry differ"
        );
    }

    #[test]
    fn only_actions_that_create_or_end_no_process_allowed_under_try() {
        // The checker's messages name them; they must name exactly these.
        let never: Vec<&str> = ACTIONS
            .iter()
            .filter(|d| !d.allowed_under_try())
            .map(|d| d.verb)
            .collect();
        assert_eq!(
            never,
            [
                "fork",
                "exit",
                "kill",
                "vfork",
                "libc-exit",
                "exec",
                "accept"
            ]
        );
    }

    #[test]
    fn the_runner_forks_waits_for_one_role_and_kills() {
        let forms: Vec<&str> = ACTIONS
            .iter()
            .filter_map(|d| d.facts.runner.map(|r| r.shown_as))
            .collect();
        assert_eq!(forms, ["fork", "waitpid ROLE", "kill"]);
        assert_eq!(
            Action::Fork(Fork { child: 3 }).runner_action(),
            Some(RunnerAction::Fork { child: 3 })
        );
        assert_eq!(Action::Spin(Spin).runner_action(), None);
    }

    #[test]
    fn list_words_joins_with_commas_and_a_last_word() {
        let w = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(list_words(&w(&["a", "b", "c"]), "and"), "a, b and c");
        assert_eq!(list_words(&w(&["a"]), "or"), "a");
    }
}
