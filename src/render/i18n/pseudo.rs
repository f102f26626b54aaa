//! The pseudo-locale `en-XA` (a test language, as Android's `en-XA` or gettext's `en@quot`):
//! English, with every message the catalogue returns wrapped in `⟦…⟧`. It is implemented once,
//! as a wrapper over [`En`]: each [`Words`] function asks English and brackets what it gets, so
//! it holds no word of its own and needs no care when English changes. A script's own words
//! (its title and `say` lines, data in the script's base language) are bracketed differently,
//! `⟪…⟫` ([`Words::script_text`]), so a test can tell them from the program's words.
//!
//! `tests/it/i18n.rs` runs demos, errors, help texts and a watch in it and finds no English
//! word outside the brackets: a word printed there did not come through the catalogue.

use super::en::En;
use super::words::{
    Help, InspectLabels, MemoryHeaders, ObservationHeaders, PageWords, ShareHeaders, TimelineWords,
    WatchWords, Words,
};
use crate::engine::model::{
    Check, Disposition, ExitStatus, Failure, Observation, Origin, RunnerProblem, State, Value,
    Verdict,
};
use crate::render::Ctx;
use crate::render::reference::{Reference, Topic};
use crate::script::Cond;
use crate::script::actions::{Call, NoPython, Outcome};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

/// English, every message bracketed.
pub struct Pseudo;

/// A message of the catalogue, marked: `⟦message⟧` (empty stays empty: nothing was said).
pub fn mark(text: &str) -> String {
    if text.is_empty() {
        String::new()
    } else {
        format!("⟦{text}⟧")
    }
}

/// A marked message that must live as long as the program (the catalogue's `&'static str`s):
/// each distinct text is marked and leaked once, so the memory is bounded by the catalogue.
fn mark_static(text: &'static str) -> &'static str {
    static MARKED: Mutex<Option<HashMap<&'static str, &'static str>>> = Mutex::new(None);
    let mut guard = MARKED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let marked = guard.get_or_insert_with(HashMap::new);
    marked
        .entry(text)
        .or_insert_with(|| Box::leak(mark(text).into_boxed_str()))
}

/// One [`Words`] function, forwarded to English and marked. `str` marks a `&'static str`,
/// `string` a `String`, `option` an `Option<String>`, `list` each line of a `Vec<String>`.
macro_rules! forward {
    ($kind:ident $name:ident ($($arg:ident: $ty:ty),*) -> $ret:ty) => {
        fn $name(&self, $($arg: $ty),*) -> $ret {
            forward!(@$kind En.$name($($arg),*))
        }
    };
    (@str $e:expr) => { mark_static($e) };
    (@string $e:expr) => { mark(&$e) };
    (@option $e:expr) => { $e.map(|t| mark(&t)) };
    (@list $e:expr) => { $e.iter().map(|t| mark(t)).collect() };
}

fn legend(per: &str) -> String {
    mark(&(En.watch_words().legend)(per))
}

impl Words for Pseudo {
    fn lang(&self) -> crate::render::Lang {
        crate::render::Lang::EnXa
    }

    fn script_text(&self, text: &str) -> String {
        if text.is_empty() {
            String::new()
        } else {
            format!("⟪{text}⟫")
        }
    }

    forward!(string say(msg: &super::present::Msg) -> String);
    forward!(string parse_problem(p: &crate::script::ParseProblem) -> String);
    forward!(str help(h: Help) -> &'static str);
    forward!(string usage(u: &crate::engine::error::Usage) -> String);
    forward!(string system(s: &crate::engine::error::System) -> String);
    forward!(string json_failed(demo: &str, message: &str) -> String);
    forward!(str demo_failed() -> &'static str);
    forward!(string interrupted(signal: &str) -> String);
    forward!(str quit() -> &'static str);
    forward!(str state(state: State) -> &'static str);
    forward!(string exit_status(status: ExitStatus) -> String);
    forward!(string signal(signal: i32) -> String);
    forward!(string errno(errno: i32) -> String);
    forward!(string call_failed(call: Call, errno: i32) -> String);
    forward!(str sigchld(d: Option<Disposition>) -> &'static str);
    forward!(str sigchld_column(d: Option<Disposition>) -> &'static str);
    forward!(string outcome(outcome: &Outcome, ctx: &Ctx) -> String);
    forward!(string verdict(verdict: &Verdict, ctx: &Ctx) -> String);
    forward!(string value(value: &Value, ctx: &Ctx) -> String);
    forward!(string cond(cond: &Cond, ctx: &Ctx) -> String);
    forward!(string check(check: &Check) -> String);
    forward!(string failure(failure: &Failure, at: Option<usize>, ctx: &Ctx) -> String);
    forward!(string runner_problem(name: &str, problem: &RunnerProblem, left: usize) -> String);
    forward!(string describe(o: &Observation, ctx: &Ctx) -> String);
    forward!(string no_python(why: NoPython) -> String);
    forward!(string duration(d: Duration) -> String);
    forward!(string source(origin: &Origin) -> String);
    forward!(string script_line(origin: &Origin, runner_pid: Option<i32>) -> String);
    forward!(string seen_after(waited: Duration, reads: Option<u32>) -> String);
    forward!(string holds(check: &Check, stable: bool) -> String);
    forward!(string skipped(try_step: &str) -> String);
    forward!(string end_unless(try_step: &str, permitted: bool) -> String);
    forward!(str outcome_hidden() -> &'static str);
    forward!(str state_hidden() -> &'static str);
    forward!(string state_column(o: &Observation, stable: bool) -> String);
    forward!(str subreaper() -> &'static str);
    forward!(string gone_roles(roles: &[&str]) -> String);
    forward!(string share_result(share: &crate::engine::model::CpuShare, ctx: &Ctx) -> String);
    forward!(list share_notes(share: &crate::engine::model::CpuShare, ctx: &Ctx) -> Vec<String>);
    forward!(str whole_process() -> &'static str);
    forward!(string region(bytes: usize) -> String);
    forward!(str no_region() -> &'static str);
    forward!(string memory_line(
        role: &str,
        pid: &str,
        what: &str,
        m: &crate::engine::model::Memory,
        minflt: Option<u64>
    ) -> String);
    forward!(string signal_list(mask: u64) -> String);
    forward!(string exe(exe: &crate::engine::model::Exe, stable: bool) -> String);
    forward!(string cmdline(cmdline: &crate::engine::model::Cmdline, stable: bool) -> String);
    forward!(string ns_pids(pids: &[i32], ctx: &Ctx) -> String);
    forward!(string fd(
        fd: &crate::engine::model::OpenFd,
        role: crate::script::RoleId,
        ctx: &Ctx
    ) -> String);
    forward!(string procdemo_pipes(numbers: &str, count: usize, cloexec: bool) -> String);
    forward!(string fd_gone(was: &str) -> String);
    forward!(string region_mapped(
        region: &crate::engine::model::RegionMapped,
        stable: bool
    ) -> String);
    forward!(string was(before: &str) -> String);
    forward!(str not_readable(zombie: bool) -> &'static str);
    forward!(string output_heading(captured: &crate::engine::model::Captured) -> String);
    forward!(str no_final_newline() -> &'static str);
    forward!(str other_process() -> &'static str);
    forward!(string cleanup(killed: usize) -> String);
    forward!(string quiz_intro(seed: u64) -> String);
    forward!(string quiz_move(m: &crate::script::quiz::Move) -> String);
    forward!(string quiz_task() -> String);
    forward!(string quiz_go() -> String);
    forward!(string quiz_reverse_task() -> String);
    forward!(string quiz_moves_were() -> String);
    forward!(string reveal_hint(hint: &crate::render::judge::Hint) -> String);
    forward!(string page_summary(ok: usize, failed: usize) -> String);

    fn ask_prompt(&self) -> (&'static str, &'static str) {
        let (mark, prompt) = En.ask_prompt();
        (mark, mark_static(prompt))
    }
    forward!(string reveal(answer: &str, shown: &str, right: Option<bool>) -> String);
    forward!(string score(right: usize, judged: usize, asked: usize) -> String);
    forward!(str worksheet() -> &'static str);
    forward!(str answer_key() -> &'static str);
    forward!(string pause(step_text: &str, line: usize) -> String);
    forward!(str failed() -> &'static str);
    forward!(str no_reason() -> &'static str);
    forward!(str summary_title() -> &'static str);
    forward!(str summary_verdict(ok: bool) -> &'static str);
    forward!(string wall(d: Duration) -> String);
    forward!(string passed(passed: usize, total: usize, time: Option<Duration>) -> String);

    fn ok(&self) -> (&'static str, &'static str) {
        let (label, text) = En.ok();
        (mark_static(label), mark_static(text))
    }

    fn observation_headers(&self) -> ObservationHeaders {
        let h = En.observation_headers();
        ObservationHeaders {
            role: mark_static(h.role),
            pid: mark_static(h.pid),
            ns_pid: mark_static(h.ns_pid),
            ppid: mark_static(h.ppid),
            stat: mark_static(h.stat),
            sigchld: mark_static(h.sigchld),
            state: mark_static(h.state),
        }
    }

    fn memory_headers(&self, stable: bool) -> MemoryHeaders {
        let h = En.memory_headers(stable);
        MemoryHeaders {
            role: mark_static(h.role),
            pid: mark_static(h.pid),
            what: mark_static(h.what),
            rss: mark_static(h.rss),
            pss: mark_static(h.pss),
            shared: mark_static(h.shared),
            private: mark_static(h.private),
            minflt: mark_static(h.minflt),
            note: mark_static(h.note),
        }
    }

    fn share_headers(&self) -> ShareHeaders {
        let h = En.share_headers();
        ShareHeaders {
            role: mark_static(h.role),
            pid: mark_static(h.pid),
            nice: mark_static(h.nice),
            weight: mark_static(h.weight),
            by_weight: mark_static(h.by_weight),
            cpu: mark_static(h.cpu),
            ticks: mark_static(h.ticks),
            share: mark_static(h.share),
            states: mark_static(h.states),
        }
    }

    fn timeline(&self) -> TimelineWords {
        let t = En.timeline();
        TimelineWords {
            title: mark_static(t.title),
            step: mark_static(t.step),
            fork: mark_static(t.fork),
            exit: mark_static(t.exit),
            exec: mark_static(t.exec),
            reap: mark_static(t.reap),
            marks: mark_static(t.marks),
            reparented: mark_static(t.reparented),
        }
    }

    fn watch_words(&self) -> WatchWords {
        let w = En.watch_words();
        WatchWords {
            summary: mark_static(w.summary),
            tree: mark_static(w.tree),
            timeline: mark_static(w.timeline),
            legend,
            picture: mark_static(w.picture),
            picture_keys: w.picture_keys.map(mark_static),
        }
    }

    fn inspect_labels(&self) -> InspectLabels {
        let l = En.inspect_labels();
        InspectLabels {
            comm: mark_static(l.comm),
            exe: mark_static(l.exe),
            cmdline: mark_static(l.cmdline),
            ns_pids: mark_static(l.ns_pids),
            fds: mark_static(l.fds),
            blocked: mark_static(l.blocked),
            shared_pending: mark_static(l.shared_pending),
            pending: mark_static(l.pending),
            ignored: mark_static(l.ignored),
            caught: mark_static(l.caught),
            region: mark_static(l.region),
        }
    }

    fn page(&self) -> PageWords {
        let p = En.page();
        PageWords {
            // HTML's `lang` attribute is data: the page is English underneath.
            lang: p.lang,
            footer: mark_static(p.footer),
            all_title: mark_static(p.all_title),
            contents: mark_static(p.contents),
            questions: mark_static(p.questions),
            show_answer: mark_static(p.show_answer),
            unanswered: mark_static(p.unanswered),
            fonts_note: p.fonts_note,
        }
    }

    fn reference(&self, topic: Topic) -> Reference {
        let r = En.reference(topic);
        Reference {
            title: mark_static(r.title),
            headers: (mark_static(r.headers.0), mark_static(r.headers.1)),
            rows: r.rows.iter().map(|(a, b)| (mark(a), mark(b))).collect(),
            notes: r.notes.iter().map(|n| mark(n)).collect(),
        }
    }
}
