//! `procdemo quiz`: generated fork/exit exercises, in the manner of OSTEP's `fork.py`, that are
//! then run for real.
//!
//! A seed decides everything (a small xorshift generator, the same on every machine): which
//! process forks or exits at each step. The exercise is a `.demo` script like any other,
//! checked by the same checker and run by the same runner, ending in a `tree` step: the answer
//! is what /proc shows, zombies and the orphans' real adopter (the runner, a subreaper)
//! included. This module makes data only: the words are the renderer's.

use crate::script::limits;

/// One action of an exercise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Move {
    /// `parent` forks a new process, `child`.
    Fork { parent: String, child: String },
    /// `who` exits; its children, if any, become orphans.
    Exit { who: String },
}

/// A generated exercise: its moves and the script that performs them.
#[derive(Debug, Clone, PartialEq)]
pub struct Quiz {
    pub seed: u64,
    pub moves: Vec<Move>,
    pub script: String,
}

/// How to generate an exercise.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    pub seed: u64,
    /// Moves after the first process exists.
    pub actions: usize,
    /// Percent of moves that are forks (the rest are exits).
    pub fork_percent: u32,
}

struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        // xorshift must not start at 0; mix the seed so that 1, 2, 3... differ at once.
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// The process names, in the order they are created (as `fork.py` names them).
fn name(i: usize) -> String {
    let letters = "abcdefghijklmnopqrstuvwxyz";
    letters[i % 26..i % 26 + 1].to_string()
}

/// Generate the exercise for `options`: always within the script limits (at most
/// [`limits::MAX_PROCESSES`] processes), and the same for the same options everywhere.
pub fn generate(options: Options) -> Quiz {
    let mut rng = Rng::new(options.seed);
    let mut alive: Vec<String> = vec![name(0)];
    let mut created = 1;
    let mut moves = Vec::new();
    for n in 0..options.actions {
        let can_fork = created < limits::MAX_PROCESSES;
        // `a`, the first process, stays: an exercise keeps a root to draw the tree from.
        let can_exit = alive.len() > 1;
        // An exercise has at least one exit, or there is nothing to learn about zombies and
        // orphans: the last move is one if none came before (unless every move is a fork).
        let owed_exit = n + 1 == options.actions
            && options.fork_percent < 100
            && !moves.iter().any(|m| matches!(m, Move::Exit { .. }));
        let fork = can_fork
            && (!can_exit || (!owed_exit && (rng.below(100) as u32) < options.fork_percent));
        if fork {
            let parent = alive[rng.below(alive.len())].clone();
            let child = name(created);
            created += 1;
            alive.push(child.clone());
            moves.push(Move::Fork { parent, child });
        } else if can_exit {
            let who = alive.remove(1 + rng.below(alive.len() - 1));
            moves.push(Move::Exit { who });
        }
    }
    let mut script = format!(
        "title Exercise {}: which processes are left, in what state, and who is whose parent?\nrunner fork a\n",
        options.seed
    );
    for m in &moves {
        match m {
            Move::Fork { parent, child } => script.push_str(&format!("{parent} fork {child}\n")),
            // Nobody waits: the process stays a zombie of its parent, and its children are
            // reparented (to the runner, a subreaper) — what the tree will show.
            Move::Exit { who } => script.push_str(&format!("{who} exit 0\nawait {who} Z\n")),
        }
    }
    script.push_str("tree\n");
    Quiz {
        seed: options.seed,
        moves,
        script,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quiz(seed: u64, actions: usize, fork_percent: u32) -> Quiz {
        generate(Options {
            seed,
            actions,
            fork_percent,
        })
    }

    #[test]
    fn the_same_seed_gives_the_same_exercise_and_another_seed_another() {
        assert_eq!(quiz(7, 8, 70), quiz(7, 8, 70));
        assert_ne!(quiz(7, 8, 70).moves, quiz(8, 8, 70).moves);
    }

    #[test]
    fn every_generated_exercise_passes_the_checker_and_stays_within_the_limits() {
        for seed in 0..300 {
            for (actions, percent) in [(1, 50), (6, 70), (20, 90), (40, 100), (12, 10)] {
                let q = quiz(seed, actions, percent);
                let script = crate::script::parse("quiz.demo", "quiz", &q.script)
                    .unwrap_or_else(|e| panic!("seed {seed}: {e}\n{}", q.script));
                assert!(script.roles.len() <= limits::MAX_PROCESSES + 1);
                assert!(matches!(script.steps.last().map(|s| s.as_tree), Some(true)));
            }
        }
    }

    #[test]
    fn an_exercise_of_two_moves_or_more_has_an_exit_unless_every_move_must_be_a_fork() {
        for seed in 0..500 {
            for (actions, percent) in [(2, 70), (6, 70), (6, 95), (12, 99), (20, 90)] {
                let q = quiz(seed, actions, percent);
                assert!(
                    q.moves.iter().any(|m| matches!(m, Move::Exit { .. })),
                    "seed {seed}, {actions} actions at {percent}%: {q:?}"
                );
            }
            let all_forks = quiz(seed, 6, 100);
            assert!(
                all_forks
                    .moves
                    .iter()
                    .all(|m| matches!(m, Move::Fork { .. }))
            );
        }
    }

    #[test]
    fn an_exercise_forks_from_live_processes_and_never_exits_the_root() {
        let q = quiz(7, 30, 60);
        let mut alive = vec!["a".to_string()];
        for m in &q.moves {
            match m {
                Move::Fork { parent, child } => {
                    assert!(alive.contains(parent), "{m:?} in {q:?}");
                    alive.push(child.clone());
                }
                Move::Exit { who } => {
                    assert_ne!(who, "a");
                    assert!(alive.contains(who), "{m:?}");
                    alive.retain(|p| p != who);
                }
            }
        }
    }
}
