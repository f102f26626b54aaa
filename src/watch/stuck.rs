//! What a family that has not ended is doing, read from /proc at `procdemo check`'s deadline
//! (the watcher calls [`at_deadline`] once, just before it kills the family): each live
//! process's state and the kernel function it sleeps in, and for a process asleep reading a
//! pipe, which processes of the family still hold that pipe's write end: the usual reason a
//! reader never sees end of file (its own copy of the write end, never closed).

use crate::engine::model::{PipeEnd, PipeRead, State, Stuck};
use crate::kernel::proc;

/// Whether a wchan is a read of a pipe or FIFO (`pipe_read`; `anon_pipe_read` and
/// `fifo_pipe_read` on newer kernels).
pub fn is_pipe_read(wchan: &str) -> bool {
    wchan.ends_with("pipe_read")
}

/// The read-like system calls whose first argument is the descriptor read.
fn reads_a_descriptor(nr: i64) -> bool {
    nr == libc::SYS_read
        || nr == libc::SYS_readv
        || nr == libc::SYS_pread64
        || nr == libc::SYS_preadv
}

/// The pipe a thread of `pid` is asleep reading: the descriptor its read() names
/// (/proc/PID/task/TID/syscall) and that descriptor's pipe inode.
fn pipe_being_read(pid: i32) -> Option<(Option<String>, i32, u64)> {
    for tid in proc::threads_of(pid) {
        let Some(wchan) = proc::thread_wchan(pid, tid) else {
            continue;
        };
        if !is_pipe_read(&wchan) {
            continue;
        }
        let Some((nr, args)) = proc::blocked_call(pid, tid) else {
            continue;
        };
        if !reads_a_descriptor(nr) {
            continue;
        }
        let fd = args.first().copied()? as i32;
        let target = std::fs::read_link(format!("/proc/{pid}/fd/{fd}")).ok()?;
        let inode = proc::pipe_inode(&target.to_string_lossy())?;
        return Some((Some(wchan), fd, inode));
    }
    None
}

/// What each of `live` (the family's live processes) is doing now.
pub fn at_deadline(live: &[i32]) -> Vec<Stuck> {
    // Every pipe descriptor that may write, of every live process: (inode, pid, fd).
    let mut writers: Vec<(u64, i32, i32)> = Vec::new();
    for &pid in live {
        for (fd, inode, writes) in proc::pipe_fds(pid) {
            if writes {
                writers.push((inode, pid, fd));
            }
        }
    }
    live.iter()
        .filter_map(|&pid| {
            let sample = proc::sample(pid).ok().flatten()?;
            let state = State::from_letter(sample.state);
            if matches!(state, Some(State::Zombie | State::Dead)) {
                return None;
            }
            let reading = pipe_being_read(pid);
            let pipe = reading.as_ref().map(|&(_, fd, inode)| PipeRead {
                fd,
                inode,
                writers: writers
                    .iter()
                    .filter(|(i, _, _)| *i == inode)
                    .map(|&(_, pid, fd)| PipeEnd { pid, fd })
                    .collect(),
            });
            let wchan = match reading {
                Some((wchan, _, _)) => wchan,
                None => proc::wchan(pid),
            };
            Some(Stuck {
                pid,
                comm: sample.comm,
                state,
                wchan,
                pipe,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pipe_read_is_told_by_its_wchan_on_old_and_new_kernels() {
        for w in ["pipe_read", "anon_pipe_read", "fifo_pipe_read"] {
            assert!(is_pipe_read(w), "{w}");
        }
        for w in ["do_wait", "pipe_write", "hrtimer_nanosleep", "do_sys_poll"] {
            assert!(!is_pipe_read(w), "{w}");
        }
        assert!(reads_a_descriptor(libc::SYS_read));
        assert!(!reads_a_descriptor(libc::SYS_wait4));
    }
}
