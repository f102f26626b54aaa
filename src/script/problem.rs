//! Why a script is rejected: where ([`ParseError`]) and what ([`ParseProblem`], one variant
//! per message, with the values it shows), as data. The parser and the checker build these,
//! and so do the actions' syntax functions; `render::Words::parse_problem` says them.

use crate::script::actions;

/// A script rejected before anything ran: where, and why (as data: `render/` has the words,
/// `Display` the English ones).
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub file: String,
    pub line: usize,
    pub problem: ParseProblem,
}

/// What follows the syntax a line broke (`expected ...; found `x``).
#[derive(Debug, Clone, PartialEq)]
pub enum Found {
    /// Nothing more to say than what was expected.
    Nothing,
    /// The words found instead.
    Word(String),
    /// A field that is not one of those expected.
    Field(String),
    /// An `ask` without its question.
    NoQuestion,
}

/// Where an unknown `{ROLE.FIELD}` field was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldPlace {
    Ask,
    Narration,
}

/// Why a script is rejected: one variant per message, with the values it shows. The parser
/// and the actions' syntax build these; `render::Words::parse_problem` says them.
#[derive(Debug, Clone, PartialEq)]
pub enum ParseProblem {
    SecondTitle,
    TitleEmpty,
    /// A `title.LANG`, `say.LANG` or `ask.LANG` line whose LANG is not a language code.
    BadLang {
        word: String,
    },
    /// A second `title.LANG` line for the language `lang`.
    SecondTitleIn {
        lang: String,
    },
    TitleInEmpty {
        lang: String,
    },
    AskInWithoutAsk {
        lang: String,
    },
    AskInEmpty {
        lang: String,
    },
    SayInWithoutSay {
        lang: String,
    },
    /// The `{ROLE.FIELD}`s of the `say` and of its `say.LANG` (empty: none).
    SayInPlaceholders {
        lang: String,
        say: Vec<String>,
        other: Vec<String>,
    },
    TooManySteps {
        max: usize,
    },
    NoSteps,
    /// By this step the script writes `total` MiB, more than `max`.
    TooMuchMemory {
        total: u64,
        max: u64,
    },
    KeywordAsRole {
        name: String,
    },
    BadRoleName {
        name: String,
    },
    /// A role not created yet; `roles`: those so far.
    NoSuchRole {
        name: String,
        roles: Vec<String>,
    },
    Stopped {
        role: String,
        line: usize,
    },
    Busy {
        role: String,
        line: usize,
    },
    Ended {
        role: String,
        line: usize,
    },
    /// A target that has ended: nothing left to `purpose`.
    TargetEnded {
        role: String,
        line: usize,
        purpose: crate::script::actions::Purpose,
    },
    RunnersRole {
        name: String,
    },
    RoleExists {
        name: String,
    },
    BadNewRoleName {
        name: String,
    },
    TooManyProcesses {
        max: usize,
    },
    IfPermittedNotFor {
        word: String,
    },
    MeasureEmpty,
    ExpectSyntax(Found),
    ExpectNotMeasured {
        role: String,
    },
    OtherNotMeasured {
        role: String,
    },
    TryEmpty,
    TrySyntax,
    TryRunner,
    TryBackground,
    TryNotAllowed,
    IfPermittedOnly,
    NoTryBefore {
        role: String,
    },
    AwaitSyntax(Found),
    ParentNeedsRole,
    FlagNeedsFlags,
    NotAFlag {
        flag: char,
    },
    AwaitRunner,
    DoneIfPermitted,
    NothingToAwait {
        role: String,
    },
    DeadlineRange {
        found: String,
        max_s: u64,
    },
    BadDuration {
        found: String,
    },
    AskSyntax(Found),
    UnknownField {
        field: String,
        place: FieldPlace,
        fields: Vec<&'static str>,
    },
    UnclosedBrace,
    BadPlaceholder {
        inner: String,
    },
    SayEmpty,
    NoAction {
        role: String,
    },
    /// The runner's own forms (`runner fork ROLE`...), and the verb it may not use.
    RunnerCannot {
        forms: Vec<&'static str>,
        verb: String,
    },
    UnknownAction {
        verb: String,
        verbs: Vec<&'static str>,
        /// The verb closest to it, for "did you mean" (as the demo names have it).
        closest: Option<&'static str>,
    },
    HasRegion {
        role: String,
    },
    NoRegion {
        role: String,
        verb: String,
    },
    /// A rule of the action's registry entry (the target, `&`), `role` the actor.
    Rule {
        rule: crate::script::actions::Rule,
        role: String,
    },
    RunnerBackground,
    NotBlocking {
        blocking: Vec<&'static str>,
    },
    IfPermittedAction,
    Threaded {
        role: String,
    },
    // ---- an action's own syntax -------------------------------------------------------------
    /// `expected `ROLE USAGE``.
    Usage {
        role: String,
        usage: &'static str,
    },
    AllocSyntax {
        role: String,
        usage: &'static str,
    },
    AllocSize {
        found: String,
        max: u64,
    },
    AppendNumber {
        found: String,
    },
    NewRoleSyntax {
        role: String,
        verb: &'static str,
    },
    ExitCode {
        found: String,
    },
    NiceRange {
        found: String,
    },
    KillSyntax {
        role: String,
        signals: Vec<&'static str>,
    },
    SignalName {
        found: String,
        signals: Vec<&'static str>,
    },
    RunnerWaitsAny,
    RunnerLoops,
    /// `print` needs text, at most `max` bytes.
    PrintText {
        max: usize,
    },
    /// `open` needs an absolute path.
    OpenPath {
        found: String,
    },
    /// `exec`'s program and arguments: at most `max`, each at most `max_len` bytes.
    ExecArgs {
        max: usize,
        max_len: usize,
    },
    /// A role that execs a program with its own name: its command name would not change.
    ExecSameName {
        role: String,
        program: String,
    },
    /// A pipe of this name was made before.
    PipeExists {
        name: String,
    },
    /// The role holds no such end of the pipe: never made (`made` false), or closed, or not
    /// inherited.
    PipeNotHeld {
        role: String,
        pipe: String,
        end: actions::End,
        made: bool,
    },
    /// A write to a pipe with no read end left anywhere: SIGPIPE ends the writer, so the
    /// step must be `&` (its result never comes) and the writer awaited `Z`.
    SigpipeForeground {
        role: String,
        pipe: String,
    },
    /// The role runs another program since `line`: it obeys no more commands.
    RunsProgram {
        role: String,
        line: usize,
    },
    InspectEmpty,
    /// `end unless ROLE permitted` expected.
    EndUnlessSyntax,
    /// `end unless ROLE permitted` with no `try` of that role before it.
    EndUnlessNoTry {
        role: String,
    },
    /// A role whose `try ... unshare` is not yet followed by `end unless ROLE permitted`
    /// forks: whether its child is in a new namespace would depend on privilege.
    UnshareUnconfirmed {
        role: String,
        line: usize,
    },
    /// A fork into a PID namespace whose first process (its init) has ended: the kernel
    /// refuses it.
    NamespaceGone {
        role: String,
        init: String,
        line: usize,
    },
    /// An action by a process in a PID namespace naming a process it cannot see there.
    NotVisible {
        role: String,
        target: String,
    },
    /// An action that needs a socket the role does not hold: a listening one (`accept`), a
    /// connection (`send`, `recv`).
    NoSocket {
        role: String,
        verb: String,
        socket: actions::Sock,
    },
    /// `connect` to a role that holds no listening socket.
    NotListening {
        role: String,
        target: String,
    },
    /// A second `listen` by a role that holds a listening socket.
    HasListener {
        role: String,
    },
    /// A role named before the `accept` started with `&` that creates it has returned.
    NotYetAccepted {
        role: String,
        creator: String,
    },
    /// `share` is not `share ROLE... until ROLE DURATION`.
    ShareSyntax(Found),
    /// The role after `until` is not one of those the window reads.
    ShareUntilNotListed {
        role: String,
    },
    /// `share` of the runner, which does the reading.
    ShareRunner,
    /// `expect ROLE cpu ...` of a role no `share` window has read by then.
    ExpectNotShared {
        role: String,
    },
    /// An action on the ticket file out of order (see [`TicketProblem`]).
    Tickets {
        role: String,
        verb: String,
        problem: TicketProblem,
    },
    /// `tickets` and `race` take a whole number from 1 to `max`.
    TicketNumber {
        verb: &'static str,
        found: String,
        max: u64,
    },
}

/// What is out of order in an action on the ticket file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketProblem {
    /// `tickets` again: the role already has a ticket file (its own, or its creator's).
    AlreadyHas,
    /// No ticket file: `tickets` first, in it or in the process it is forked from.
    NoFile,
    /// `buy` with no `count` since the role's last `buy`.
    NotCounted,
    /// `flock` while it holds the lock: it would wait for itself.
    AlreadyLocked,
    /// `funlock` with no lock held.
    NotLocked,
    /// `await ROLE flock` with no `ROLE flock &` under way.
    NotLocking,
}
