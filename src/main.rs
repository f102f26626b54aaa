//! procdemo: stage real Linux process lifecycles (fork, exit, wait, orphans, zombies...) and
//! show what the kernel reports in /proc at every step.
//!
//! The layers, each importing only those before it (a tidy test holds it, see
//! ARCHITECTURE.md): [`kernel`] (system calls, the only unsafe code, and /proc), [`script`]
//! (the `.demo` language and its actions), [`engine`] (the runner and actors that stage a
//! script, and the typed events they stream), [`watch`] (the tracer behind `procdemo watch`),
//! [`render`] (the only layer that knows a human language or JSON) and [`app`] (the command
//! line and the front end). This file only dispatches.
#![deny(unsafe_code)]

mod app;
mod engine;
mod kernel;
mod render;
mod script;
mod watch;

fn main() {
    // An actor that exec'd procdemo's binary (`exec self`) goes on as that actor, with the
    // signal state the exec left it: nothing of the front end's below applies to it.
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args
        .get(1)
        .is_some_and(|a| a == engine::actor::RESUME_COMMAND)
    {
        engine::actor::resume(&args);
    }
    std::process::exit(app::commands::main(args));
}
