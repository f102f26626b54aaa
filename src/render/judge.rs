//! `--predict`'s judge: is the answer a student typed the value the kernel showed?
//!
//! Lenient in form, strict in substance. A state is its letter or a usual name in either
//! language (`Z`, `zombie`, `defunct`, `僵尸`), and `Z (zombie)` is one answer whose parts
//! must all agree; a process is its PID or its role's name (`pid 4615`, `runner`, `the
//! subreaper`); articles, quotes and a closing full stop do not count. A wrong answer may come
//! with a [`Hint`]: the one sentence that says why (the textbook's "init" for an orphan that a
//! subreaper adopted). The words of hints are in `i18n/`; this file matches, it says nothing.

use crate::engine::model::{Disposition, ExitStatus, Parent, SignalMasks, State, Value};
use crate::script::{RUNNER, RoleId, Script};

/// Why a wrong answer is wrong, when one sentence can say it.
#[derive(Debug, Clone, PartialEq)]
pub enum Hint {
    /// The answer was init (PID 1), but a subreaper between the orphan and PID 1 adopted it.
    Subreaper { role: String, pid: Option<i32> },
    /// The answer names another of the demo's processes (by PID or role).
    OtherProcess { role: String, pid: Option<i32> },
}

/// The verdict on one answer: right or wrong (None: a value no typed word can be held to,
/// such as a CPU time), and a hint for some wrong ones.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub right: Option<bool>,
    pub hint: Option<Hint>,
}

/// The forms of an answer worth comparing: lower case, without quotes, articles, a closing
/// full stop or a trailing "state"/"process"; `X (Y)` gives the parts X and Y, each of which
/// must match.
fn parts(answer: &str) -> Vec<String> {
    let a = answer.trim().replace('（', "(").replace('）', ")");
    let (main, inner) = match (a.find('('), a.rfind(')')) {
        (Some(i), Some(j)) if j > i => (
            format!("{}{}", &a[..i], &a[j + 1..]),
            Some(a[i + 1..j].to_string()),
        ),
        _ => (a.clone(), None),
    };
    [Some(main), inner]
        .into_iter()
        .flatten()
        .map(|p| clean(&p))
        .filter(|p| !p.is_empty())
        .collect()
}

fn clean(part: &str) -> String {
    // Lower case, but for one letter: T (stopped) and t (tracing stop) are two states.
    let part = if part.trim().chars().count() == 1 {
        part.trim().to_string()
    } else {
        part.trim().to_lowercase()
    };
    let mut p = part
        .trim_matches(|c: char| {
            matches!(
                c,
                '`' | '"' | '\'' | '.' | '。' | '“' | '”' | '!' | '?' | '？'
            )
        })
        .trim()
        .to_string();
    for prefix in [
        "the ",
        "a ",
        "an ",
        "pid ",
        "pid=",
        "pid: ",
        "state ",
        "in state ",
    ] {
        if let Some(rest) = p.strip_prefix(prefix) {
            p = rest.trim().to_string();
        }
    }
    for suffix in [" state", " process", "状态", "进程", "态"] {
        if let Some(rest) = p.strip_suffix(suffix)
            && !rest.trim().is_empty()
        {
            p = rest.trim().to_string();
        }
    }
    p
}

/// Names a student may give PID 1 when they mean the system's init.
const INIT: &[&str] = &["init", "1", "systemd", "1号", "1 号", "1号进程", "1 号进程"];

/// Names of the runner besides its role name: what it is to the orphan, and its command name.
const SUBREAPER: &[&str] = &[
    "subreaper",
    "child subreaper",
    "procdemo-runner",
    "收养者",
    "子进程收养者",
    "收割者",
    "子进程收割者",
];

/// Usual names of each state, in English and in the course's Chinese.
fn state_names(state: State) -> &'static [&'static str] {
    match state {
        State::Running => &["running", "runnable", "run", "运行", "运行态", "就绪"],
        State::Sleeping => &[
            "sleeping",
            "sleep",
            "asleep",
            "interruptible",
            "interruptible sleep",
            "blocked",
            "睡眠",
            "休眠",
            "阻塞",
            "可中断睡眠",
        ],
        State::DiskSleep => &[
            "disk sleep",
            "uninterruptible",
            "uninterruptible sleep",
            "d-state",
            "不可中断睡眠",
        ],
        State::Stopped => &["stopped", "stop", "停止", "暂停", "挂起"],
        State::TracingStop => &[
            "traced",
            "tracing stop",
            "stopped by a tracer",
            "被跟踪",
            "跟踪暂停",
        ],
        State::Zombie => &["zombie", "defunct", "僵尸", "僵死", "僵尸进程"],
        State::Dead => &["dead", "死亡"],
        State::Idle => &["idle", "空闲"],
        State::Parked => &["parked"],
        State::Gone => &[
            "gone",
            "reaped",
            "nothing",
            "消失",
            "已消失",
            "回收",
            "已回收",
            "被回收",
            "没有了",
        ],
    }
}

/// Learn a role's PIDs from the run's events, for the judge: the runner's at `Begin`, each
/// actor's at `Spawned`, its PID as the runner sees it first, then the PIDs it has in inner
/// PID namespaces (the `1` of a namespace's init).
pub fn learn(pids: &mut Vec<(RoleId, i32)>, event: &crate::engine::model::Event) {
    use crate::engine::model::Event;
    match event {
        Event::Begin { runner_pid } => pids.push((RUNNER, *runner_pid)),
        Event::Spawned { role, pid, ns_pids } => {
            pids.push((*role, *pid));
            pids.extend(ns_pids.iter().filter(|p| *p != pid).map(|p| (*role, *p)));
        }
        _ => {}
    }
}

/// Judge `answer` against `value`. `pids` are the demo's processes by role, the runner's
/// included.
pub fn judge(answer: &str, value: &Value, script: &Script, pids: &[(RoleId, i32)]) -> Verdict {
    let parts = parts(answer);
    let pid_of = |r: RoleId| pids.iter().find(|(x, _)| *x == r).map(|(_, p)| *p);
    let role_of = |a: &str| -> Option<RoleId> {
        pids.iter()
            .find(|(_, p)| p.to_string() == a)
            .map(|(r, _)| *r)
            .or_else(|| {
                (0..script.roles.len())
                    .find(|r| script.role_name(*r as RoleId).to_lowercase() == a)
                    .map(|r| r as RoleId)
            })
    };
    // Every part must name the value; an empty answer, or a value no word can be held to,
    // is not judged.
    let right = match value {
        Value::DependsOnPrivilege(v) => return judge(answer, v, script, pids),
        _ if parts.is_empty() => None,
        _ => parts
            .iter()
            .map(|p| matches(p, value, script, pids))
            .collect::<Option<Vec<bool>>>()
            .map(|each| each.into_iter().all(|m| m)),
    };
    // A hint only for a wrong answer about a process.
    let hint = match value {
        _ if right != Some(false) => None,
        Value::Parent(Parent::Role(r))
            if *r == RUNNER && parts.iter().any(|p| INIT.contains(&p.as_str())) =>
        {
            Some(Hint::Subreaper {
                role: script.role_name(RUNNER).to_string(),
                pid: pid_of(RUNNER),
            })
        }
        Value::Parent(Parent::Role(_)) | Value::Pid(_) => parts
            .iter()
            .find_map(|p| role_of(p))
            .map(|r| Hint::OtherProcess {
                role: script.role_name(r).to_string(),
                pid: pid_of(r),
            }),
        _ => None,
    };
    Verdict { right, hint }
}

/// Whether one part of an answer names the value; None for a value no typed word can be held
/// to (a CPU time or a share is the scheduler's; a whole result or command line is compared by
/// the student).
fn matches(a: &str, value: &Value, script: &Script, pids: &[(RoleId, i32)]) -> Option<bool> {
    let role_names = |r: RoleId| {
        let mut names = vec![script.role_name(r).to_lowercase()];
        names.extend(
            pids.iter()
                .filter(|(x, _)| *x == r)
                .map(|(_, p)| p.to_string()),
        );
        if r == RUNNER {
            names.extend(SUBREAPER.iter().map(|s| s.to_string()));
        }
        names
    };
    Some(match value {
        Value::Exe(e) => {
            let base = e.path.rsplit('/').next().unwrap_or(&e.path).to_lowercase();
            a == e.path.to_lowercase() || a == base
        }
        Value::Signals(mask) => {
            // `SIGCHLD`, `chld`, `SIGCHLD, SIGTERM`; `none` for an empty mask.
            let named: Option<u64> = a
                .split(|c: char| c == ',' || c == '，' || c.is_whitespace())
                .filter(|w| !w.is_empty())
                .try_fold(0u64, |m, w| {
                    let w = w.trim_start_matches("sig");
                    crate::script::actions::signal::SIGNALS
                        .iter()
                        .find(|(n, _)| n.eq_ignore_ascii_case(w))
                        .map(|(_, s)| m | SignalMasks::bit(*s))
                });
            match named {
                Some(m) if m != 0 => m == *mask,
                _ => *mask == 0 && ["none", "0", "无", "没有"].contains(&a),
            }
        }
        Value::NsPids(pids) => pids.last().map(|p| p.to_string()).as_deref() == Some(a),
        Value::DependsOnPrivilege(v) => return matches(a, v, script, pids),
        Value::State(state) => {
            let code = state.code();
            let letter_case_counts = matches!(state, State::Stopped | State::TracingStop);
            a == code
                || (!letter_case_counts && a.to_lowercase() == code.to_lowercase())
                || state_names(*state).contains(&a)
        }
        Value::Pid(p) => {
            a == p.to_string()
                || pids
                    .iter()
                    .any(|(r, q)| q == p && script.role_name(*r).to_lowercase() == a)
        }
        Value::Parent(Parent::Role(r)) => role_names(*r).iter().any(|n| n == a),
        Value::Parent(Parent::Other { comm }) => a == comm.to_lowercase(),
        Value::Number(n) => a.parse::<i64>().ok() == Some(*n),
        Value::Varying(n) => a.parse::<u64>().ok() == Some(*n),
        Value::Stat(s) | Value::Comm(s) => a == s.to_lowercase(),
        Value::Sigchld(Some(d)) => match d {
            Disposition::Default => ["default", "sig_dfl", "默认"].contains(&a),
            Disposition::Ignored => ["ignored", "sig_ign", "ignore", "忽略"].contains(&a),
            Disposition::Caught => ["caught", "handler", "handled", "捕获"].contains(&a),
        },
        Value::ExitCode(status) => match status {
            ExitStatus::Exited(code) => a.parse::<i32>().ok() == Some(*code),
            ExitStatus::Killed(sig) | ExitStatus::Stopped(sig) => {
                let name = super::signal_name(*sig).to_lowercase();
                a == name
                    || a == name.trim_start_matches("sig")
                    || a.parse::<i32>().ok() == Some(*sig)
            }
            ExitStatus::Continued => return None,
        },
        Value::NotObserved
        | Value::Result(_)
        | Value::Cmdline(_)
        | Value::Output(_)
        | Value::CpuTime(_)
        | Value::Share { .. }
        | Value::Parent(Parent::Unknown)
        | Value::Sigchld(None) => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_in_parentheses_is_judged_by_every_part() {
        assert_eq!(parts("Z (zombie)"), ["Z", "zombie"]);
        assert_eq!(parts("  the Subreaper. "), ["subreaper"]);
        assert_eq!(parts("PID 4615"), ["4615"]);
        assert_eq!(parts("僵尸进程"), ["僵尸"]);
        assert_eq!(parts("Z（僵尸）"), ["Z", "僵尸"]);
        assert!(parts("   ").is_empty());
        assert!(parts("()").is_empty());
    }
}
