//! The second pass: the rules over the whole script. It walks the parsed steps in order,
//! keeping one [`RoleFacts`] per role (alive, busy, ended, stopped; its region, signal
//! dispositions and mask, pipe ends, sockets, ticket file; its PID namespace), answers what
//! each line took for granted ([`Ask`]), and rejects a step the script cannot do there: a role
//! that has ended or runs another program, a target already reaped, a write no reader will
//! see, a namespace that cannot see its target, tickets out of order. It also works out what
//! the runner goes by: the roles a step ends, the `try` an `if permitted` or `end unless`
//! depends on, and whether a `count` reads a file a `race` ran on.
//!
//! An action's rules are data in its registry entry: [`Checker::act`] is the one place that
//! asks the registry for them (`action.def().facts`, and `action.effects()`).

use super::actions::signal::ends;
use super::actions::{self, Action, TargetRun};
use super::ast::*;
use super::parse::{Ask, Parsed, ParsedStep, Unfinished};
use super::problem::*;

/// What the checker knows about a role at a given line.
#[derive(Debug, Clone, PartialEq)]
enum Life {
    Alive,
    /// Running an action started with `&`, since the given line.
    Busy(usize),
    /// Will exit or has exited (line): it can no longer act.
    Ended(usize),
    /// Runs another program since `exec` at this line: alive, but it obeys no commands.
    Program(usize),
}

/// What the checker knows about one role at the line being checked.
struct RoleFacts {
    life: Life,
    /// Stopped by `kill ROLE STOP` or `trace ROLE` at the given line (until CONT or untrace).
    stopped: Option<usize>,
    /// Measured by now (`expect` needs a measurement).
    measured: bool,
    /// Read by a `share` window by now (`expect ROLE cpu` needs one).
    shared: bool,
    /// It has a second thread: it may not fork any more.
    threaded: bool,
    /// It has a region: mapped with `alloc`, or its creator's when it was forked.
    has_region: bool,
    /// The index of the latest `try` step it took part in (as actor or target).
    last_try: Option<usize>,
    /// Signal masks as its `signal`, `sigchld` and `sigmask` steps set them (a fork copies
    /// them): ignored, caught, blocked; and fatal signals sent while blocked, pending.
    ignored: u64,
    caught: u64,
    blocked: u64,
    pending_fatal: u64,
    /// The PID namespace it is in (an index into `Checker::namespaces`; 0: the runner's),
    /// and the one its children will be in (another after `unshare pid`).
    pidns: usize,
    child_pidns: usize,
    /// The line of a `try ROLE unshare pid` not yet followed by `end unless ROLE permitted`.
    unconfirmed_unshare: Option<usize>,
    /// The ends of the script's pipes it holds open (made, or inherited at its fork).
    pipes: Vec<(String, actions::End)>,
    /// It holds a listening socket (`listen`, or its creator's at a fork), a connection
    /// (`connect`, `accept`'s child, or its creator's at a fork).
    has_listener: bool,
    has_connection: bool,
    /// Created by an `accept` started with `&` by this role: it exists only after `await
    /// ROLE done`.
    unborn: Option<RoleId>,
    /// The ticket file it holds (an index into `Checker::raced`: its own `tickets`, or its
    /// creator's at the fork); it has read the count since its last `buy`; it holds the lock.
    tickets: Option<usize>,
    counted: bool,
    locked: bool,
    /// Its `flock &` is under way (until `await ROLE done`).
    locking: bool,
}

/// A PID namespace the script makes: the one it was made in, and its first process.
struct Namespace {
    parent: Option<usize>,
    /// Its PID 1: the first process forked into it (None for the runner's, which is the
    /// system's, and for a new one until its first fork).
    init: Option<RoleId>,
}

impl RoleFacts {
    fn new(has_region: bool) -> RoleFacts {
        RoleFacts {
            life: Life::Alive,
            stopped: None,
            measured: false,
            shared: false,
            threaded: false,
            has_region,
            last_try: None,
            ignored: 0,
            caught: 0,
            blocked: 0,
            pending_fatal: 0,
            pidns: 0,
            child_pidns: 0,
            unconfirmed_unshare: None,
            pipes: Vec::new(),
            has_listener: false,
            has_connection: false,
            unborn: None,
            tickets: None,
            counted: false,
            locked: false,
            locking: false,
        }
    }
}

struct Checker<'a> {
    file: &'a str,
    line: usize,
    /// Every role's name and creator, as the parser read them (the checker meets each
    /// role's creation in order: `roles` has the facts of those met so far).
    names: &'a [String],
    creator: &'a [RoleId],
    roles: Vec<RoleFacts>,
    /// Index of the step being checked.
    step_index: usize,
    /// The roles the step being checked ends (see [`Step::ends`]).
    ends: Vec<RoleId>,
    /// The PID namespaces: the runner's first.
    namespaces: Vec<Namespace>,
    /// The names of the pipes made so far.
    pipe_names: Vec<String>,
    /// Every ticket file the script makes: whether a `race` has run on it.
    raced: Vec<bool>,
}

/// Check a parsed script, step by step, and complete it (each step's `ends`, guards, `end
/// unless`'s `try`, `count`'s `raced`).
pub(super) fn check(file: &str, name: &str, parsed: Parsed) -> Result<Script, ParseError> {
    let Parsed {
        title,
        roles,
        creator,
        steps: parsed_steps,
        unfinished,
    } = parsed;
    let mut c = Checker {
        file,
        line: 0,
        names: &roles,
        creator: &creator,
        roles: vec![RoleFacts::new(false)],
        step_index: 0,
        ends: Vec::new(),
        namespaces: vec![Namespace {
            parent: None,
            init: None,
        }],
        pipe_names: Vec::new(),
        raced: Vec::new(),
    };
    let mut steps = Vec::with_capacity(parsed_steps.len());
    for (index, parsed) in parsed_steps.into_iter().enumerate() {
        let ParsedStep {
            mut step,
            conditional,
            asks,
        } = parsed;
        c.line = step.line;
        c.step_index = index;
        c.ends.clear();
        c.step(&mut step, conditional, &asks)?;
        step.ends = std::mem::take(&mut c.ends);
        steps.push(step);
    }
    if let Some(unfinished) = unfinished {
        c.step_index = steps.len();
        c.unfinished(unfinished)?;
    }
    Ok(Script {
        name: name.to_string(),
        title,
        roles,
        creator,
        steps,
    })
}

/// A signal's bit in a mask (bit N-1 is signal N, as /proc/PID/status has it).
fn bit(signal: i32) -> u64 {
    1u64 << (signal - 1)
}

impl Checker<'_> {
    fn err(&self, problem: ParseProblem) -> ParseError {
        ParseError {
            file: self.file.to_string(),
            line: self.line,
            problem,
        }
    }

    fn name(&self, role: RoleId) -> &str {
        &self.names[role]
    }

    fn step(&mut self, step: &mut Step, conditional: bool, asks: &[Ask]) -> Result<(), ParseError> {
        let tried = step.guard == Guard::Try;
        match &mut step.kind {
            StepKind::Act {
                role,
                action,
                background,
            } => {
                self.act(*role, action, *background, asks)?;
                if tried {
                    self.tried(*role, action);
                }
            }
            kind => {
                self.answer(asks)?;
                self.director(kind)?;
            }
        }
        if conditional {
            let (StepKind::Act { role, .. } | StepKind::Await { role, .. }) = step.kind else {
                return Err(self.err(ParseProblem::IfPermittedOnly));
            };
            step.guard = self.condition(role)?;
        }
        Ok(())
    }

    /// The line the parser rejected: what the script could not do there before the syntax
    /// went wrong is the problem to report (the actor has ended, a role named so far is
    /// not there yet), as one pass over the line would have found it first.
    fn unfinished(&mut self, line: Unfinished) -> Result<(), ParseError> {
        self.line = line.line;
        if let (Some(role), Some(def)) = (line.actor, line.def) {
            self.may_act(role, def)?;
        } else if let Some(role) = line.actor {
            self.actor(role)?;
        }
        match (line.actor, line.def, line.action) {
            (Some(role), Some(def), Some(mut action)) => {
                self.act_rules(role, def, &mut action, &line.asks)
            }
            _ => self.answer(&line.asks),
        }
    }

    /// What a line took for granted, answered in the order it came up.
    fn answer(&mut self, asks: &[Ask]) -> Result<(), ParseError> {
        for ask in asks {
            match ask {
                Ask::Exists(role) => self.existing(*role)?,
                Ask::Created(role) => self.created(*role)?,
                Ask::NewPipe(name) => {
                    if self.pipe_names.iter().any(|n| n == name) {
                        return Err(self.err(ParseProblem::PipeExists { name: name.clone() }));
                    }
                }
                Ask::Holds(role, pipe, end) => self.holds(*role, pipe, *end)?,
            }
        }
        Ok(())
    }

    /// A role that exists by now (it may have ended): not the child of an `accept` started
    /// with `&` before its `await ... done`.
    fn existing(&self, id: RoleId) -> Result<(), ParseError> {
        if let Some(creator) = self.roles[id].unborn {
            return Err(self.err(ParseProblem::NotYetAccepted {
                role: self.name(id).to_string(),
                creator: self.name(creator).to_string(),
            }));
        }
        Ok(())
    }

    fn holds(&self, role: RoleId, pipe: &str, end: actions::End) -> Result<(), ParseError> {
        if self.roles[role]
            .pipes
            .iter()
            .any(|(n, e)| n == pipe && *e == end)
        {
            return Ok(());
        }
        Err(self.err(ParseProblem::PipeNotHeld {
            role: self.name(role).to_string(),
            pipe: pipe.to_string(),
            end,
            made: self.pipe_names.iter().any(|n| n == pipe),
        }))
    }

    /// A role that exists and can act now.
    fn actor(&self, id: RoleId) -> Result<(), ParseError> {
        self.existing(id)?;
        let facts = &self.roles[id];
        let role = self.name(id).to_string();
        if let (Some(line), Life::Alive | Life::Busy(_) | Life::Program(_)) =
            (facts.stopped, &facts.life)
        {
            return Err(self.err(ParseProblem::Stopped { role, line }));
        }
        match facts.life {
            Life::Alive => Ok(()),
            Life::Busy(line) => Err(self.err(ParseProblem::Busy { role, line })),
            Life::Ended(line) => Err(self.err(ParseProblem::Ended { role, line })),
            Life::Program(line) => Err(self.err(ParseProblem::RunsProgram { role, line })),
        }
    }

    /// A role that an action names as its target must not have ended: its PID may already
    /// have been reaped, and could then belong to an unrelated process.
    fn still_there(&self, target: RoleId, purpose: actions::Purpose) -> Result<(), ParseError> {
        match self.roles[target].life {
            Life::Ended(line) => Err(self.err(ParseProblem::TargetEnded {
                role: self.name(target).to_string(),
                line,
                purpose,
            })),
            _ => Ok(()),
        }
    }

    /// A new role (fork, vfork, accept): its creator may create it here, and it starts with
    /// what it inherits.
    fn created(&mut self, id: RoleId) -> Result<(), ParseError> {
        let creator = self.creator[id];
        if let Some(line) = self.roles[creator].unconfirmed_unshare {
            return Err(self.err(ParseProblem::UnshareUnconfirmed {
                role: self.name(creator).to_string(),
                line,
            }));
        }
        let ns = self.roles[creator].child_pidns;
        if let Some(init) = self.namespaces[ns].init
            && let Life::Ended(line) = self.roles[init].life
        {
            return Err(self.err(ParseProblem::NamespaceGone {
                role: self.name(creator).to_string(),
                init: self.name(init).to_string(),
                line,
            }));
        }
        // A child has a copy of its creator's memory as it is at the fork: the region if
        // the creator has mapped one by now, and not one mapped later.
        let from = &self.roles[creator];
        let mut facts = RoleFacts::new(from.has_region);
        // Signal dispositions and the mask are inherited across fork; pending signals are not.
        (facts.ignored, facts.caught, facts.blocked) = (from.ignored, from.caught, from.blocked);
        // Descriptors are inherited across fork: its sockets too.
        (facts.has_listener, facts.has_connection) = (from.has_listener, from.has_connection);
        (facts.pidns, facts.child_pidns) = (ns, ns);
        // Descriptors too: the child holds every pipe end its creator holds.
        facts.pipes = from.pipes.clone();
        // The descriptors of the ticket file are copied; the lock is not the child's to
        // release (it belongs to the parent's own description).
        facts.tickets = from.tickets;
        debug_assert_eq!(id, self.roles.len(), "roles are created in order");
        self.roles.push(facts);
        // The first process forked into a new PID namespace is its init, PID 1 there.
        if ns != 0 && self.namespaces[ns].init.is_none() {
            self.namespaces[ns].init = Some(id);
        }
        Ok(())
    }

    /// The director's own steps: what they need and what they tell.
    fn director(&mut self, kind: &mut StepKind) -> Result<(), ParseError> {
        match kind {
            StepKind::Measure { roles } => {
                for &r in roles.iter() {
                    self.roles[r].measured = true;
                }
            }
            StepKind::Share { roles, .. } => {
                for &r in roles.iter() {
                    self.roles[r].shared = true;
                }
            }
            StepKind::Expect {
                role, field, value, ..
            } => self.expect(*role, *field, value)?,
            StepKind::Await { role, cond, .. } => self.await_step(*role, cond)?,
            StepKind::EndUnless { role, try_step } => {
                // The demo ends here (and passes) if the latest `try` ROLE took part in was
                // refused. After it, that `try`'s effect is certain.
                let Some(tried) = self.roles[*role].last_try else {
                    return Err(self.err(ParseProblem::EndUnlessNoTry {
                        role: self.name(*role).to_string(),
                    }));
                };
                *try_step = tried;
                self.roles[*role].unconfirmed_unshare = None;
            }
            StepKind::Act { .. }
            | StepKind::Observe { .. }
            | StepKind::Inspect { .. }
            | StepKind::Output { .. }
            | StepKind::Say { .. }
            | StepKind::Ask { .. } => {}
        }
        Ok(())
    }

    /// `expect` checks a figure read by then: a `measure`, or a `share` window for `cpu`.
    fn expect(&self, role: RoleId, field: Field, value: &Operand) -> Result<(), ParseError> {
        if field == Field::Cpu {
            let other = match value {
                Operand::Field(other, _) => *other,
                Operand::Number(_) | Operand::Region => role,
            };
            for r in [role, other] {
                if !self.roles[r].shared {
                    return Err(self.err(ParseProblem::ExpectNotShared {
                        role: self.name(r).to_string(),
                    }));
                }
            }
            return Ok(());
        }
        if !self.roles[role].measured {
            return Err(self.err(ParseProblem::ExpectNotMeasured {
                role: self.name(role).to_string(),
            }));
        }
        if let Operand::Field(other, _) = value
            && !self.roles[*other].measured
        {
            return Err(self.err(ParseProblem::OtherNotMeasured {
                role: self.name(*other).to_string(),
            }));
        }
        Ok(())
    }

    fn await_step(&mut self, role: RoleId, cond: &Cond) -> Result<(), ParseError> {
        // Only a `flock &` under way can be blocked in flock().
        if *cond == Cond::Flock && !self.roles[role].locking {
            return Err(self.err(ParseProblem::Tickets {
                role: self.name(role).to_string(),
                verb: "await".to_string(),
                problem: TicketProblem::NotLocking,
            }));
        }
        if *cond == Cond::Done {
            match self.roles[role].life {
                Life::Busy(_) => {
                    self.roles[role].life = Life::Alive;
                    // A child its `accept` made exists now.
                    for r in self.roles.iter_mut() {
                        if r.unborn == Some(role) {
                            r.unborn = None;
                        }
                    }
                    self.roles[role].locking = false;
                }
                _ => {
                    return Err(self.err(ParseProblem::NothingToAwait {
                        role: self.name(role).to_string(),
                    }));
                }
            }
        }
        Ok(())
    }

    /// After a `try`: the roles it took part in, and a namespace not yet certain.
    fn tried(&mut self, role: RoleId, action: &Action) {
        self.roles[role].last_try = Some(self.step_index);
        if let Some(target) = action.target() {
            self.roles[target].last_try = Some(self.step_index);
        }
        if action.effects().new_pid_namespace {
            self.roles[role].unconfirmed_unshare = Some(self.line);
        }
    }

    /// Whether a process in namespace `from` can see one in `to`: `to` is `from` or below it.
    fn visible(&self, from: usize, to: usize) -> bool {
        let mut ns = Some(to);
        while let Some(n) = ns {
            if n == from {
                return true;
            }
            ns = self.namespaces[n].parent;
        }
        false
    }

    /// The init of a PID namespace below the runner's that `role` is, if it is one.
    fn is_namespace_init(&self, role: RoleId) -> bool {
        let ns = self.roles[role].pidns;
        ns != 0 && self.namespaces[ns].init == Some(role)
    }

    /// The guard of a step ending with `if permitted`: the latest `try` its role took part in.
    fn condition(&self, role: RoleId) -> Result<Guard, ParseError> {
        match self.roles[role].last_try {
            Some(try_step) => Ok(Guard::IfPermitted { try_step }),
            None => Err(self.err(ParseProblem::NoTryBefore {
                role: self.name(role).to_string(),
            })),
        }
    }

    /// The ticket file's order: made once, read before each `buy`, locked once at a time.
    /// A `count` after a `race` on the same file is marked as the scheduler's.
    fn ticket_rules(
        &mut self,
        role: RoleId,
        verb: &str,
        used: actions::TicketUse,
        action: &mut Action,
    ) -> Result<(), ParseError> {
        use actions::TicketUse as U;
        let r = &self.roles[role];
        let problem = match used {
            U::None => return Ok(()),
            U::Creates if r.tickets.is_some() => Some(TicketProblem::AlreadyHas),
            U::Creates => None,
            _ if r.tickets.is_none() => Some(TicketProblem::NoFile),
            U::Writes if !r.counted => Some(TicketProblem::NotCounted),
            U::Locks if r.locked => Some(TicketProblem::AlreadyLocked),
            U::Unlocks if !r.locked => Some(TicketProblem::NotLocked),
            _ => None,
        };
        if let Some(problem) = problem {
            return Err(self.err(ParseProblem::Tickets {
                role: self.name(role).to_string(),
                verb: verb.to_string(),
                problem,
            }));
        }
        let r = &mut self.roles[role];
        match used {
            U::Creates => {
                self.raced.push(false);
                r.tickets = Some(self.raced.len() - 1);
            }
            U::Reads => r.counted = true,
            U::Writes => r.counted = false,
            U::Locks => r.locked = true,
            U::Unlocks => r.locked = false,
            U::Races => {
                if let Some(file) = r.tickets {
                    self.raced[file] = true;
                }
            }
            U::None => {}
        }
        if let (Action::Count(actions::Count { raced }), Some(file)) =
            (action, self.roles[role].tickets)
        {
            *raced = self.raced[file];
        }
        Ok(())
    }

    /// Whether the role can act now, and has what the action needs (a region, a socket).
    fn may_act(&self, role: RoleId, def: &actions::Def) -> Result<(), ParseError> {
        self.actor(role)?;
        let (verb, facts) = (def.verb, def.facts);
        let actor_name = self.name(role).to_string();
        if facts.gives_region && self.roles[role].has_region {
            return Err(self.err(ParseProblem::HasRegion { role: actor_name }));
        }
        if facts.needs_region && !self.roles[role].has_region {
            return Err(self.err(ParseProblem::NoRegion {
                role: actor_name,
                verb: verb.to_string(),
            }));
        }
        if facts.gives_socket == Some(actions::Sock::Listening) && self.roles[role].has_listener {
            return Err(self.err(ParseProblem::HasListener { role: actor_name }));
        }
        let held = match facts.needs_socket {
            Some(actions::Sock::Listening) => self.roles[role].has_listener,
            Some(actions::Sock::Connection) => self.roles[role].has_connection,
            None => true,
        };
        if let (false, Some(socket)) = (held, facts.needs_socket) {
            return Err(self.err(ParseProblem::NoSocket {
                role: actor_name,
                verb: verb.to_string(),
                socket,
            }));
        }
        Ok(())
    }

    /// What the action's syntax took for granted, the ticket file's order, and the rules
    /// for the role it names.
    fn act_rules(
        &mut self,
        role: RoleId,
        def: &actions::Def,
        action: &mut Action,
        asks: &[Ask],
    ) -> Result<(), ParseError> {
        self.answer(asks)?;
        let facts = def.facts;
        self.ticket_rules(role, def.verb, facts.tickets, action)?;
        let Some(target) = action.effects().target else {
            return Ok(());
        };
        let actor_name = self.name(role).to_string();
        let rules = facts.target;
        let fill = |rule| {
            self.err(ParseProblem::Rule {
                rule,
                role: actor_name.clone(),
            })
        };
        match (rules.not_runner, rules.not_self) {
            (Some(m), _) if target == RUNNER => return Err(fill(m)),
            (_, Some(m)) if target == role => return Err(fill(m)),
            _ => {}
        }
        if let Some(what) = rules.alive_to {
            self.still_there(target, what)?;
        }
        if facts.target_listens && !self.roles[target].has_listener {
            return Err(self.err(ParseProblem::NotListening {
                role: actor_name,
                target: self.name(target).to_string(),
            }));
        }
        // A process in a PID namespace sees only the processes of its namespace and of
        // those below it: no PID names the others there.
        if role != RUNNER && !self.visible(self.roles[role].pidns, self.roles[target].pidns) {
            return Err(self.err(ParseProblem::NotVisible {
                role: actor_name,
                target: self.name(target).to_string(),
            }));
        }
        Ok(())
    }

    /// `ROLE ACTION`: the rules its registry entry declares (the one place the checker asks
    /// the registry for them), what its syntax took for granted, then what it changes in
    /// the roles.
    fn act(
        &mut self,
        role: RoleId,
        action: &mut Action,
        background: bool,
        asks: &[Ask],
    ) -> Result<(), ParseError> {
        let def = action.def();
        self.may_act(role, def)?;
        self.act_rules(role, def, action, asks)?;
        let facts = def.facts;
        let effects = action.effects();
        if self.roles[role].threaded && facts.creates_role {
            return Err(self.err(ParseProblem::Threaded {
                role: self.name(role).to_string(),
            }));
        }
        let line = self.line;
        let actor = &mut self.roles[role];
        if facts.ends_actor {
            actor.life = Life::Ended(line);
            self.ends.push(role);
        }
        actor.threaded |= facts.makes_threaded;
        actor.has_region |= facts.gives_region;
        match facts.gives_socket {
            Some(actions::Sock::Listening) => actor.has_listener = true,
            Some(actions::Sock::Connection) => actor.has_connection = true,
            None => {}
        }
        if background {
            actor.life = Life::Busy(line);
            actor.locking = facts.tickets == actions::TicketUse::Locks;
        }
        if let Some((signal, mode)) = effects.disposition {
            let bit = bit(signal);
            let (ignored, caught) = match mode {
                actions::SignalMode::Default => (false, false),
                actions::SignalMode::Ignore => (true, false),
                actions::SignalMode::Catch => (false, true),
            };
            actor.ignored = (actor.ignored & !bit) | if ignored { bit } else { 0 };
            actor.caught = (actor.caught & !bit) | if caught { bit } else { 0 };
        }
        if let Action::Sigmask(actions::Sigmask { block, signals }) = &*action {
            let mask = signals.iter().fold(0, |m, s| m | bit(*s));
            if *block {
                actor.blocked |= mask;
            } else {
                actor.blocked &= !mask;
                // A fatal signal held pending by the mask is delivered now, with its default
                // action, if nothing has caught or ignored it meanwhile.
                let delivered = actor.pending_fatal & mask;
                actor.pending_fatal &= !mask;
                if delivered & !(actor.ignored | actor.caught) != 0 {
                    actor.life = Life::Ended(line);
                    self.ends.push(role);
                }
            }
        }
        match effects.image {
            // execve() resets caught signals to their default; ignored ones stay ignored. The
            // new image has none of the old memory (no region), and only one thread.
            Some(actions::Image::Procdemo) => {
                actor.caught = 0;
                actor.has_region = false;
                actor.threaded = false;
                actor.pipes.clear();
                // Every socket is close-on-exec.
                actor.has_listener = false;
                actor.has_connection = false;
                // The ticket file's descriptors are close-on-exec.
                (actor.tickets, actor.counted, actor.locked) = (None, false, false);
            }
            Some(actions::Image::Program) => {
                actor.caught = 0;
                actor.life = Life::Program(line);
                actor.pipes.clear();
            }
            None => {}
        }
        self.pipe_effects(role, action, background)?;
        // `accept`'s child serves the connection it accepted, and closes its copy of the
        // listening socket; started with `&`, it exists once the call has returned.
        if let (true, Some(child)) = (facts.creates_on_return, effects.creates) {
            let child = &mut self.roles[child];
            (child.has_listener, child.has_connection) = (false, true);
            if background {
                child.unborn = Some(role);
            }
        }
        if effects.new_pid_namespace {
            let parent = self.roles[role].pidns;
            self.namespaces.push(Namespace {
                parent: Some(parent),
                init: None,
            });
            self.roles[role].child_pidns = self.namespaces.len() - 1;
        }
        if let Some(target_id) = effects.target {
            // A namespace's init ignores every signal it has no handler for, when it comes
            // from inside its namespace; from an ancestor namespace, SIGKILL and SIGSTOP
            // still do what they do (kernel/signal.c, sig_task_ignored()).
            let from_outside =
                role == RUNNER || self.roles[role].pidns != self.roles[target_id].pidns;
            let init = self.is_namespace_init(target_id);
            let target = &mut self.roles[target_id];
            let immune = |signal: i32, target: &RoleFacts| {
                init && target.caught & bit(signal) == 0
                    && !(from_outside && matches!(signal, libc::SIGKILL | libc::SIGSTOP))
            };
            if let Some(signal) = effects.signal.filter(|&s| ends(s)) {
                let bit = bit(signal);
                if target.ignored & bit != 0 || target.caught & bit != 0 || immune(signal, target) {
                    // Ignored, caught by a handler, or an init's: the process goes on.
                } else if target.blocked & bit != 0 {
                    target.pending_fatal |= bit;
                } else {
                    target.life = Life::Ended(line);
                    self.ends.push(target_id);
                }
            }
            let stop_ignored = effects.signal.is_some_and(|s| immune(s, target));
            match effects.target_run {
                TargetRun::Stops if stop_ignored => {}
                TargetRun::Stops => target.stopped = Some(line),
                TargetRun::Continues => target.stopped = None,
                TargetRun::Unchanged => {}
            }
        }
        // When a namespace's init ends, the kernel kills every other process in it (and in
        // the namespaces below it): zap_pid_ns_processes().
        let inits: Vec<RoleId> = self
            .ends
            .iter()
            .copied()
            .filter(|&r| self.is_namespace_init(r))
            .collect();
        for init in inits {
            let ns = self.roles[init].pidns;
            for other in 1..self.roles.len() {
                if other != init
                    && self.visible(ns, self.roles[other].pidns)
                    && !matches!(self.roles[other].life, Life::Ended(_))
                {
                    self.roles[other].life = Life::Ended(line);
                    self.ends.push(other);
                }
            }
        }
        Ok(())
    }

    /// What an action does to the pipe ends its role holds: `pipe` makes both, `close` drops
    /// one, and a write to a pipe whose read ends are all closed gets SIGPIPE, whose default
    /// action ends the writer (pipe(7)); ignored or caught, the write fails with EPIPE.
    fn pipe_effects(
        &mut self,
        role: RoleId,
        action: &Action,
        background: bool,
    ) -> Result<(), ParseError> {
        use actions::End;
        let written = match action {
            Action::Pipe(actions::Pipe { name }) => {
                self.pipe_names.push(name.clone());
                let held = &mut self.roles[role].pipes;
                held.push((name.clone(), End::Read));
                held.push((name.clone(), End::Write));
                return Ok(());
            }
            Action::Close(actions::Close { name, end }) => {
                self.roles[role]
                    .pipes
                    .retain(|(n, e)| !(n == name && e == end));
                return Ok(());
            }
            Action::Write(actions::Write { name, .. })
            | Action::Fill(actions::Fill { name })
            | Action::Map(actions::Map { tasks: name, .. }) => name,
            _ => return Ok(()),
        };
        let read_end_open = self.roles.iter().any(|r| {
            !matches!(r.life, Life::Ended(_))
                && r.pipes.iter().any(|(n, e)| n == written && *e == End::Read)
        });
        if read_end_open {
            return Ok(());
        }
        let line = self.line;
        let bit = bit(libc::SIGPIPE);
        let actor = &mut self.roles[role];
        if (actor.ignored | actor.caught) & bit != 0 {
            return Ok(());
        }
        if actor.blocked & bit != 0 {
            actor.pending_fatal |= bit;
            return Ok(());
        }
        if !background {
            return Err(self.err(ParseProblem::SigpipeForeground {
                role: self.name(role).to_string(),
                pipe: written.clone(),
            }));
        }
        actor.life = Life::Ended(line);
        self.ends.push(role);
        Ok(())
    }
}
