//! Temporary: the runner-facing API of the action registry, on today's `Action` enum.
//! Replaced when the registry lands.

use super::{Action, WaitTarget};
use crate::script::RoleId;

/// What the runner itself may do.
pub enum RunnerAction {
    Fork { child: RoleId },
    Waitpid { target: RoleId, nohang: bool },
    Kill { target: RoleId, signal: i32 },
}

impl Action {
    pub fn ends_actor(&self) -> bool {
        matches!(self, Action::Exit { .. })
    }

    pub fn ends_target(&self) -> bool {
        matches!(self, Action::Kill { signal, .. } if crate::script::ends(*signal))
    }

    pub fn gives_region(&self) -> bool {
        matches!(self, Action::Alloc { .. })
    }

    pub fn mib_written(&self, region_bytes: Option<usize>) -> u64 {
        match self {
            Action::Alloc { mib } => *mib,
            Action::TouchAll => region_bytes.map_or(0, |b| (b >> 20) as u64),
            _ => 0,
        }
    }

    pub fn runner_action(&self) -> Option<RunnerAction> {
        Some(match self {
            Action::Fork { child } => RunnerAction::Fork { child: *child },
            Action::Wait {
                target: WaitTarget::Role(r),
                nohang,
                until_reaped: false,
            } => RunnerAction::Waitpid {
                target: *r,
                nohang: *nohang,
            },
            Action::Kill { target, signal } => RunnerAction::Kill {
                target: *target,
                signal: *signal,
            },
            _ => return None,
        })
    }

    pub fn changes_privileged_role(&self, actor: RoleId) -> RoleId {
        match self {
            Action::Trace { target } | Action::Untrace { target } => *target,
            _ => actor,
        }
    }
}
