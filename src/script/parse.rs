//! The first pass: text → syntax tree, one line at a time, with no I/O. Syntax only: what a
//! line says (its words, numbers, durations, fields, placeholders, `&`, `if permitted`, a
//! `.LANG` line's language) and which role each name stands for. Whether the script may do
//! it there (a role that has ended, a pipe end it does not hold, a namespace it cannot see)
//! is the second pass's (check.rs): a line records what it takes for granted about the roles
//! and pipes it names ([`Ask`]), and the checker answers in order.
//!
//! An action's syntax is its registry entry's (src/script/actions/): [`Parser::act`] is the
//! one place that asks the registry for it.

use super::actions::{self, Action, Args, Blocks, Roles};
use super::ast::*;
use super::demos;
use super::limits;
use super::names::{KEYWORDS, valid_role_name};
use super::problem::*;
use crate::kernel::State;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::time::Duration;

/// A script as the parser reads it: the checker's input.
pub(super) struct Parsed {
    pub title: Texts<String>,
    /// Role names as the lines create them (index 0: the runner), and who creates each.
    pub roles: Vec<String>,
    pub creator: Vec<RoleId>,
    pub steps: Vec<ParsedStep>,
    /// The line with a syntax error, as far as it was read (none if the script parsed).
    pub unfinished: Option<Unfinished>,
}

/// How far the parser read the line it rejects: the checker checks that much, as a rule the
/// line broke before its syntax went wrong is the problem to report.
#[derive(Default)]
pub(super) struct Unfinished {
    pub line: usize,
    /// The actor of the line's action, once its name was read; its registry entry, once its
    /// verb was; the action, once its syntax gave it.
    pub actor: Option<RoleId>,
    pub def: Option<&'static actions::Def>,
    pub action: Option<Action>,
    /// What the line took for granted before the error.
    pub asks: Vec<Ask>,
}

/// A step as its line says it, and what the checker must answer for it.
pub(super) struct ParsedStep {
    /// The step: its `guard` is `Try` for a `try` step, else `None`; `ends` is empty, an
    /// `end unless`'s `try_step` and a `count`'s `raced` are not known yet (the checker
    /// works them out).
    pub step: Step,
    /// It ends with `if permitted`: its guard is the latest `try` of its role (the checker's).
    pub conditional: bool,
    /// What the line takes for granted, in the order it came up.
    pub asks: Vec<Ask>,
}

/// What a line takes for granted about the roles and pipes it names, which only the steps
/// before it can tell: the checker answers each, in order.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Ask {
    /// The role exists by now (an `accept ... &`'s child only once its `await done` ran).
    Exists(RoleId),
    /// The line creates this role (fork, vfork, accept): may its creator create one now?
    Created(RoleId),
    /// The line makes a pipe of this name: none was made before.
    NewPipe(String),
    /// The role holds this end of the pipe.
    Holds(RoleId, String, actions::End),
}

struct Parser<'a> {
    file: &'a str,
    line: usize,
    /// Every role named so far; index 0 is the runner.
    roles: Vec<String>,
    creator: Vec<RoleId>,
    /// What the step being read takes for granted (an action's syntax asks through
    /// [`Roles`], which lends it `&self`).
    asks: RefCell<Vec<Ask>>,
    /// How far the line being read got (its `asks` aside).
    reading: Unfinished,
}

/// Read a script. With a syntax error, the steps before its line come too: the checker checks
/// them, as a problem on an earlier line is the one to report.
pub(super) fn parse(file: &str, name: &str, text: &str) -> (Parsed, Option<ParseError>) {
    let mut p = Parser {
        file,
        line: 0,
        roles: vec!["runner".to_string()],
        creator: vec![RUNNER],
        asks: RefCell::default(),
        reading: Unfinished::default(),
    };
    let mut title = None;
    let mut title_in = BTreeMap::new();
    let mut steps = Vec::new();
    let error = p.lines(text, &mut title, &mut title_in, &mut steps).err();
    let unfinished = error.as_ref().map(|e| Unfinished {
        line: e.line,
        asks: p.asks.take(),
        ..std::mem::take(&mut p.reading)
    });
    let parsed = Parsed {
        title: Texts {
            base: title.unwrap_or_else(|| name.to_string()),
            other: title_in,
        },
        roles: p.roles,
        creator: p.creator,
        steps,
        unfinished,
    };
    (parsed, error)
}

/// The `{ROLE.FIELD}`s of a narration line, as a set (sorted, each once).
fn placeholders(pieces: &[Piece]) -> Vec<(RoleId, &'static str)> {
    let mut set: Vec<(RoleId, &'static str)> = pieces
        .iter()
        .filter_map(|p| match p {
            Piece::Text(_) => None,
            Piece::Value(r, f) => Some((*r, field_name(*f))),
        })
        .collect();
    set.sort_unstable();
    set.dedup();
    set
}

fn split_word(s: &str) -> (&str, &str) {
    match s.find(char::is_whitespace) {
        Some(i) => (&s[..i], s[i..].trim_start()),
        None => (s, ""),
    }
}

/// Split a trailing `if permitted` off a step.
fn strip_if_permitted(rest: &str) -> (&str, bool) {
    let words: Vec<&str> = rest.split_whitespace().collect();
    if words.len() >= 2 && words[words.len() - 2..] == ["if", "permitted"] {
        let cut = rest.trim_end().len() - "permitted".len();
        let head = rest[..cut].trim_end();
        (head[..head.len() - "if".len()].trim_end(), true)
    } else {
        (rest, false)
    }
}

impl Parser<'_> {
    fn lines(
        &mut self,
        text: &str,
        title: &mut Option<String>,
        title_in: &mut BTreeMap<String, String>,
        steps: &mut Vec<ParsedStep>,
    ) -> Result<(), ParseError> {
        for (i, raw) in text.lines().enumerate() {
            self.line = i + 1;
            self.reading = Unfinished::default();
            let text = raw.trim();
            if text.is_empty() || text.starts_with('#') {
                continue;
            }
            let (word, rest) = split_word(text);
            if word == "title" {
                if title.is_some() {
                    return Err(self.err(ParseProblem::SecondTitle));
                }
                if rest.is_empty() {
                    return Err(self.err(ParseProblem::TitleEmpty));
                }
                *title = Some(rest.to_string());
                continue;
            }
            if let Some((keyword @ ("title" | "say" | "ask"), lang)) = word.split_once('.') {
                if !valid_lang(lang) {
                    return Err(self.err(ParseProblem::BadLang {
                        word: word.to_string(),
                    }));
                }
                self.in_language(keyword, lang, rest, title_in, steps)?;
                continue;
            }
            if steps.len() == limits::MAX_STEPS {
                return Err(self.err(ParseProblem::TooManySteps {
                    max: limits::MAX_STEPS,
                }));
            }
            self.asks.take();
            let (kind, guard, as_tree, conditional) = self.step(word, rest)?;
            steps.push(ParsedStep {
                step: Step {
                    line: self.line,
                    text: text.to_string(),
                    kind,
                    guard,
                    as_tree,
                    ends: Vec::new(),
                },
                conditional,
                asks: self.asks.take(),
            });
        }
        if steps.is_empty() {
            self.line = self.line.max(1);
            return Err(self.err(ParseProblem::NoSteps));
        }
        Ok(())
    }

    /// A `title.LANG`, `say.LANG` or `ask.LANG` line: the title, or the `say` or `ask` line
    /// just before it, in the language `lang`.
    fn in_language(
        &self,
        keyword: &str,
        lang: &str,
        rest: &str,
        title_in: &mut BTreeMap<String, String>,
        steps: &mut [ParsedStep],
    ) -> Result<(), ParseError> {
        let lang_ = || lang.to_string();
        let last = steps.last_mut().map(|s| &mut s.step.kind);
        match keyword {
            "title" => {
                if title_in.contains_key(lang) {
                    return Err(self.err(ParseProblem::SecondTitleIn { lang: lang_() }));
                }
                if rest.is_empty() {
                    return Err(self.err(ParseProblem::TitleInEmpty { lang: lang_() }));
                }
                title_in.insert(lang_(), rest.to_string());
            }
            "ask" => {
                let Some(StepKind::Ask { question, .. }) = last else {
                    return Err(self.err(ParseProblem::AskInWithoutAsk { lang: lang_() }));
                };
                if question.has(lang) {
                    return Err(self.err(ParseProblem::AskInWithoutAsk { lang: lang_() }));
                }
                if rest.is_empty() {
                    return Err(self.err(ParseProblem::AskInEmpty { lang: lang_() }));
                }
                question.other.insert(lang_(), rest.to_string());
            }
            _ => {
                // Its roles are the `say`'s (checked below), whose step the checker checks.
                let ours = self.narration(rest)?;
                let Some(StepKind::Say { pieces }) = last.filter(|k| match k {
                    StepKind::Say { pieces } => !pieces.has(lang),
                    _ => false,
                }) else {
                    return Err(self.err(ParseProblem::SayInWithoutSay { lang: lang_() }));
                };
                let (base, other) = (placeholders(&pieces.base), placeholders(&ours));
                if base != other {
                    return Err(self.err(ParseProblem::SayInPlaceholders {
                        lang: lang_(),
                        say: self.placeholder_list(&base),
                        other: self.placeholder_list(&other),
                    }));
                }
                pieces.other.insert(lang_(), ours);
            }
        }
        self.asks.take();
        Ok(())
    }

    fn err(&self, problem: ParseProblem) -> ParseError {
        ParseError {
            file: self.file.to_string(),
            line: self.line,
            problem,
        }
    }

    fn lookup(&self, name: &str) -> Option<RoleId> {
        self.roles.iter().position(|r| r == name)
    }

    /// The role a name stands for: one created on an earlier line.
    fn resolve(&self, name: &str) -> Result<RoleId, ParseError> {
        if let Some(id) = self.lookup(name) {
            return Ok(id);
        }
        if KEYWORDS.contains(&name) {
            return Err(self.err(ParseProblem::KeywordAsRole {
                name: name.to_string(),
            }));
        }
        if !valid_role_name(name) {
            return Err(self.err(ParseProblem::BadRoleName {
                name: name.to_string(),
            }));
        }
        Err(self.err(ParseProblem::NoSuchRole {
            name: name.to_string(),
            roles: self.roles.clone(),
        }))
    }

    /// A role the line names, which must exist by now (it may have ended): the checker
    /// answers whether it does yet.
    fn existing(&self, name: &str) -> Result<RoleId, ParseError> {
        let id = self.resolve(name)?;
        self.asks.borrow_mut().push(Ask::Exists(id));
        Ok(id)
    }

    /// `{child.pid}, {parent.state}` (or `none`), for an error message.
    fn placeholder_list(&self, set: &[(RoleId, &str)]) -> Vec<String> {
        set.iter()
            .map(|(r, f)| format!("{{{}.{f}}}", self.roles[*r]))
            .collect()
    }

    /// A new role, for fork/vfork/accept: a name not used before. Whether its creator may
    /// create it there is the checker's.
    fn new_role(&mut self, name: &str, creator: RoleId) -> Result<RoleId, ParseError> {
        if let Some(id) = self.lookup(name) {
            let name = name.to_string();
            return Err(self.err(if id == RUNNER {
                ParseProblem::RunnersRole { name }
            } else {
                ParseProblem::RoleExists { name }
            }));
        }
        if KEYWORDS.contains(&name) || !valid_role_name(name) {
            return Err(self.err(ParseProblem::BadNewRoleName {
                name: name.to_string(),
            }));
        }
        if self.roles.len() > limits::MAX_PROCESSES {
            return Err(self.err(ParseProblem::TooManyProcesses {
                max: limits::MAX_PROCESSES,
            }));
        }
        self.roles.push(name.to_string());
        self.creator.push(creator);
        let id = self.roles.len() - 1;
        self.asks.borrow_mut().push(Ask::Created(id));
        Ok(id)
    }

    fn step(
        &mut self,
        word: &str,
        rest: &str,
    ) -> Result<(StepKind, Guard, bool, bool), ParseError> {
        // `if permitted` may end an action or an await; narration is never conditional.
        let (rest, conditional) = match word {
            "say" | "ask" => (rest, false),
            _ => strip_if_permitted(rest),
        };
        if conditional
            && matches!(
                word,
                "observe" | "measure" | "tree" | "try" | "expect" | "inspect" | "output" | "share"
            )
        {
            return Err(self.err(ParseProblem::IfPermittedNotFor {
                word: word.to_string(),
            }));
        }
        let kind = match word {
            "say" => StepKind::Say {
                pieces: Texts::new(self.narration(rest)?),
            },
            "ask" => self.ask(rest)?,
            "observe" | "tree" => StepKind::Observe {
                roles: self.role_list(rest)?,
            },
            "measure" => {
                let roles = self.role_list(rest)?;
                if roles.is_empty() {
                    return Err(self.err(ParseProblem::MeasureEmpty));
                }
                StepKind::Measure { roles }
            }
            "inspect" => {
                let roles = self.role_list(rest)?;
                if roles.is_empty() {
                    return Err(self.err(ParseProblem::InspectEmpty));
                }
                StepKind::Inspect { roles }
            }
            "output" => StepKind::Output {
                roles: self.role_list(rest)?,
            },
            "await" => self.await_step(rest, conditional)?,
            "expect" => self.expect_step(rest)?,
            "share" => self.share_step(rest)?,
            "try" => return Ok((self.try_step(rest)?, Guard::Try, false, false)),
            "end" => self.end_unless(rest)?,
            _ => self.act(word, rest, conditional)?,
        };
        // The guard of a step ending with `if permitted` is the latest `try` its role took
        // part in: the checker finds it.
        if conditional && !matches!(kind, StepKind::Act { .. } | StepKind::Await { .. }) {
            return Err(self.err(ParseProblem::IfPermittedOnly));
        }
        Ok((kind, Guard::None, word == "tree", conditional))
    }

    /// `expect ROLE FIELD OP VALUE`, e.g. `expect child private_dirty = region`.
    fn expect_step(&self, rest: &str) -> Result<StepKind, ParseError> {
        let expected = |found| self.err(ParseProblem::ExpectSyntax(found));
        let [role, field, op, value] = rest.split_whitespace().collect::<Vec<_>>()[..] else {
            return Err(expected(Found::Nothing));
        };
        let role = self.existing(role)?;
        let memory_field = |name: &str| -> Result<Field, ParseError> {
            FIELDS
                .iter()
                .find(|(n, f)| *n == name && EXPECT_FIELDS.contains(f))
                .map(|(_, f)| *f)
                .ok_or_else(|| expected(Found::Field(name.to_string())))
        };
        let field = memory_field(field)?;
        let cmp = match op {
            "=" => Cmp::Eq,
            ">=" => Cmp::AtLeast,
            "<=" => Cmp::AtMost,
            ">" => Cmp::More,
            "<" => Cmp::Less,
            other => return Err(expected(Found::Word(other.to_string()))),
        };
        if field == Field::Cpu {
            // CPU time is compared with another role's in the same kind of window: a number
            // would pretend to know what the scheduler will give.
            let Some((other, f)) = value.split_once('.') else {
                return Err(expected(Found::Word(value.to_string())));
            };
            let other = self.existing(other)?;
            if memory_field(f)? != Field::Cpu {
                return Err(expected(Found::Field(f.to_string())));
            }
            return Ok(StepKind::Expect {
                role,
                field,
                cmp,
                value: Operand::Field(other, Field::Cpu),
            });
        }
        let value = if value == "region" {
            Operand::Region
        } else if let Ok(n) = value.parse::<u64>() {
            Operand::Number(n)
        } else if let Some((other, f)) = value.split_once('.') {
            Operand::Field(self.existing(other)?, memory_field(f)?)
        } else {
            return Err(expected(Found::Word(value.to_string())));
        };
        Ok(StepKind::Expect {
            role,
            field,
            cmp,
            value,
        })
    }

    /// `share ROLE... until ROLE DURATION`, e.g. `share fast slow until fast 200ms`.
    fn share_step(&self, rest: &str) -> Result<StepKind, ParseError> {
        let expected = |found| self.err(ParseProblem::ShareSyntax(found));
        let words: Vec<&str> = rest.split_whitespace().collect();
        let Some(at) = words.iter().position(|w| *w == "until") else {
            return Err(expected(Found::Nothing));
        };
        let (listed, after) = (&words[..at], &words[at + 1..]);
        let [until, cpu] = after else {
            return Err(expected(Found::Word(after.join(" "))));
        };
        if listed.is_empty() {
            return Err(expected(Found::Nothing));
        }
        let roles = self.role_list(&listed.join(" "))?;
        if roles.contains(&RUNNER) {
            return Err(self.err(ParseProblem::ShareRunner));
        }
        let until_id = self.existing(until)?;
        if !roles.contains(&until_id) {
            return Err(self.err(ParseProblem::ShareUntilNotListed {
                role: until.to_string(),
            }));
        }
        let cpu = self.duration(cpu)?;
        Ok(StepKind::Share {
            roles,
            until: until_id,
            cpu,
        })
    }

    /// `try ROLE ACTION`: the action may be refused for want of privilege.
    fn try_step(&mut self, rest: &str) -> Result<StepKind, ParseError> {
        let (role_word, rest) = split_word(rest);
        if role_word.is_empty() {
            return Err(self.err(ParseProblem::TryEmpty));
        }
        if role_word == "runner" {
            return Err(self.err(ParseProblem::TryRunner));
        }
        let kind = self.act(role_word, rest, false)?;
        let StepKind::Act {
            action, background, ..
        } = &kind
        else {
            return Err(self.err(ParseProblem::TrySyntax));
        };
        if *background {
            return Err(self.err(ParseProblem::TryBackground));
        }
        if !action.def().allowed_under_try() {
            return Err(self.err(ParseProblem::TryNotAllowed));
        }
        Ok(kind)
    }

    /// `end unless ROLE permitted` (its `try` is the checker's to find).
    fn end_unless(&self, rest: &str) -> Result<StepKind, ParseError> {
        let ["unless", role, "permitted"] = rest.split_whitespace().collect::<Vec<_>>()[..] else {
            return Err(self.err(ParseProblem::EndUnlessSyntax));
        };
        let role = self.existing(role)?;
        Ok(StepKind::EndUnless { role, try_step: 0 })
    }

    fn role_list(&self, rest: &str) -> Result<Vec<RoleId>, ParseError> {
        rest.split_whitespace().map(|r| self.existing(r)).collect()
    }

    fn await_step(&self, rest: &str, conditional: bool) -> Result<StepKind, ParseError> {
        let words: Vec<&str> = rest.split_whitespace().collect();
        let expected = |found| self.err(ParseProblem::AwaitSyntax(found));
        if words.len() < 2 {
            return Err(expected(Found::Nothing));
        }
        let role = self.existing(words[0])?;
        let (cond, used) = match words[1] {
            "gone" => (Cond::Gone, 2),
            "reparented" => (Cond::Reparented, 2),
            "done" => (Cond::Done, 2),
            "flock" => (Cond::Flock, 2),
            "parent" => {
                let Some(other) = words.get(2) else {
                    return Err(self.err(ParseProblem::ParentNeedsRole));
                };
                (Cond::ParentIs(self.existing(other)?), 3)
            }
            "flag" => {
                let Some(flags) = words.get(2) else {
                    return Err(self.err(ParseProblem::FlagNeedsFlags));
                };
                if let Some(bad) = flags.chars().find(|c| !STAT_FLAGS.contains(*c)) {
                    return Err(self.err(ParseProblem::NotAFlag { flag: bad }));
                }
                (Cond::Flags(flags.to_string()), 3)
            }
            s if s.len() == 1 && "RSDTtZ".contains(s) => {
                match s.chars().next().and_then(State::from_letter) {
                    Some(state) => (Cond::State(state), 2),
                    None => return Err(expected(Found::Nothing)),
                }
            }
            other => return Err(expected(Found::Word(other.to_string()))),
        };
        let within = match &words[used..] {
            [] => DEFAULT_WITHIN,
            ["within", d] => self.duration(d)?,
            _ => return Err(expected(Found::Word(words[used..].join(" ")))),
        };
        if role == RUNNER {
            return Err(self.err(ParseProblem::AwaitRunner));
        }
        if cond == Cond::Done && conditional {
            return Err(self.err(ParseProblem::DoneIfPermitted));
        }
        Ok(StepKind::Await { role, cond, within })
    }

    fn duration(&self, s: &str) -> Result<Duration, ParseError> {
        let parsed = if let Some(ms) = s.strip_suffix("ms") {
            ms.parse::<u64>().ok().map(Duration::from_millis)
        } else if let Some(secs) = s.strip_suffix('s') {
            secs.parse::<u64>().ok().map(Duration::from_secs)
        } else {
            None
        };
        match parsed {
            Some(d) if d > Duration::ZERO && d <= limits::MAX_WITHIN => Ok(d),
            Some(_) => Err(self.err(ParseProblem::DeadlineRange {
                found: s.to_string(),
                max_s: limits::MAX_WITHIN.as_secs(),
            })),
            None => Err(self.err(ParseProblem::BadDuration {
                found: s.to_string(),
            })),
        }
    }

    /// `ask ROLE.FIELD: QUESTION`, e.g. `ask child.state: What state will the child be in?`
    fn ask(&self, rest: &str) -> Result<StepKind, ParseError> {
        let expected = |found| self.err(ParseProblem::AskSyntax(found));
        let Some((what, question)) = rest.split_once(':') else {
            return Err(expected(Found::Nothing));
        };
        let Some((role, field)) = what.trim().split_once('.') else {
            return Err(expected(Found::Word(what.trim().to_string())));
        };
        let role = self.existing(role)?;
        let Some((_, field)) = FIELDS.iter().find(|(n, _)| *n == field) else {
            return Err(self.err(ParseProblem::UnknownField {
                field: field.to_string(),
                place: FieldPlace::Ask,
                fields: FIELDS.iter().map(|(n, _)| *n).collect(),
            }));
        };
        let question = question.trim();
        if question.is_empty() {
            return Err(expected(Found::NoQuestion));
        }
        Ok(StepKind::Ask {
            role,
            field: *field,
            question: Texts::new(question.to_string()),
        })
    }

    fn narration(&self, rest: &str) -> Result<Vec<Piece>, ParseError> {
        let mut pieces = Vec::new();
        let mut text = rest;
        while let Some(open) = text.find('{') {
            if open > 0 {
                pieces.push(Piece::Text(text[..open].to_string()));
            }
            let Some(close) = text[open..].find('}') else {
                return Err(self.err(ParseProblem::UnclosedBrace));
            };
            let inner = &text[open + 1..open + close];
            let Some((role, field)) = inner.split_once('.') else {
                return Err(self.err(ParseProblem::BadPlaceholder {
                    inner: inner.to_string(),
                }));
            };
            let role = self.existing(role)?;
            let Some((_, field)) = FIELDS.iter().find(|(n, _)| *n == field) else {
                return Err(self.err(ParseProblem::UnknownField {
                    field: field.to_string(),
                    place: FieldPlace::Narration,
                    fields: FIELDS.iter().map(|(n, _)| *n).collect(),
                }));
            };
            pieces.push(Piece::Value(role, *field));
            text = &text[open + close + 1..];
        }
        if !text.is_empty() {
            pieces.push(Piece::Text(text.to_string()));
        }
        if pieces.is_empty() {
            return Err(self.err(ParseProblem::SayEmpty));
        }
        Ok(pieces)
    }

    /// `ROLE ACTION [ARGUMENTS] [&]`: the action's own syntax, from its registry entry (the
    /// one place the parser asks the registry for it), and the forms the entry allows (the
    /// runner's own, `&`, `if permitted`). The rules over the whole script are the checker's.
    fn act(
        &mut self,
        role_word: &str,
        rest: &str,
        conditional: bool,
    ) -> Result<StepKind, ParseError> {
        // The actor's name; whether it can act there is the checker's first question.
        let role = self.resolve(role_word)?;
        self.reading.actor = Some(role);
        let (rest, background) = match rest.strip_suffix('&') {
            Some(r) => (r.trim_end(), true),
            None => (rest, false),
        };
        let words: Vec<&str> = rest.split_whitespace().collect();
        let Some((&verb, args)) = words.split_first() else {
            return Err(self.err(ParseProblem::NoAction {
                role: role_word.to_string(),
            }));
        };
        let def = actions::find(verb);
        if role == RUNNER && def.and_then(|d| d.facts.runner).is_none() {
            return Err(self.err(ParseProblem::RunnerCannot {
                forms: actions::ACTIONS
                    .iter()
                    .filter_map(|d| d.facts.runner.map(|r| r.shown_as))
                    .collect(),
                verb: verb.to_string(),
            }));
        }
        self.reading.def = def;
        let Some(def) = def else {
            let verbs: Vec<&'static str> = actions::ACTIONS.iter().map(|d| d.verb).collect();
            return Err(self.err(ParseProblem::UnknownAction {
                verb: verb.to_string(),
                closest: demos::closest_of(verb, verbs.iter().copied()),
                verbs,
            }));
        };
        let mut parsed = Args {
            actor: role,
            actor_name: role_word,
            verb: def.verb,
            usage: def.usage,
            words: args,
            roles: self,
        };
        let action = (def.syntax)(&mut parsed).map_err(|m| self.err(m))?;
        if let Err(e) = self.forms(role_word, role, def, background, conditional) {
            self.reading.action = Some(action);
            return Err(e);
        }
        Ok(StepKind::Act {
            role,
            action,
            background,
        })
    }

    /// The forms of an action the registry entry allows: by the runner, with `&`, with
    /// `if permitted`.
    fn forms(
        &self,
        role_word: &str,
        role: RoleId,
        def: &actions::Def,
        background: bool,
        conditional: bool,
    ) -> Result<(), ParseError> {
        let facts = def.facts;
        if background && role == RUNNER {
            return Err(self.err(ParseProblem::RunnerBackground));
        }
        match facts.blocks {
            Blocks::Never if background => {
                return Err(self.err(ParseProblem::NotBlocking {
                    blocking: actions::ACTIONS
                        .iter()
                        .filter(|d| d.facts.blocks != Blocks::Never)
                        .map(|d| d.verb)
                        .collect(),
                }));
            }
            Blocks::Always(why) if !background => {
                return Err(self.err(ParseProblem::Rule {
                    rule: why,
                    role: role_word.to_string(),
                }));
            }
            _ => {}
        }
        if conditional && (background || !def.allowed_under_try()) {
            return Err(self.err(ParseProblem::IfPermittedAction));
        }
        Ok(())
    }
}

/// What an action's syntax may ask of the roles: the parser resolves names and creates
/// roles, and notes the rest for the checker (a pipe's name is new, a role holds an end).
impl Roles for Parser<'_> {
    fn existing(&self, name: &str) -> Result<RoleId, ParseProblem> {
        Parser::existing(self, name).map_err(|e| e.problem)
    }

    fn new_pipe(&self, name: &str) -> Result<(), ParseProblem> {
        self.asks.borrow_mut().push(Ask::NewPipe(name.to_string()));
        Ok(())
    }

    fn holds(&self, role: RoleId, pipe: &str, end: actions::End) -> Result<(), ParseProblem> {
        self.asks
            .borrow_mut()
            .push(Ask::Holds(role, pipe.to_string(), end));
        Ok(())
    }

    fn create(&mut self, name: &str, creator: RoleId) -> Result<RoleId, ParseProblem> {
        self.new_role(name, creator).map_err(|e| e.problem)
    }
}
