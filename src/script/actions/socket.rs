//! A server that forks one child per connection: `listen`, `accept NEW-ROLE`, `connect ROLE`,
//! `send TEXT`, `recv`. TCP on the loopback interface only (127.0.0.1), on a port the kernel
//! chooses (bind to port 0), so nothing is reachable from another machine and two runs never
//! compete for a port. Every socket is close-on-exec, and ends with its process.
//!
//! A role holds at most one listening socket and one connection. The runner knows the port a
//! `listen` reported and sends it with a `connect` command: the client learns it from the
//! server's own getsockname(), as a real client learns it from whoever started the server.

use super::failed;
use super::{Act, Args, Blocks, Call, Effects, Facts, Outcome, Performed, Python, Sock, Stage};
use crate::kernel::sys::{self, Forked};
use crate::script::names::RoleId;
use crate::script::problem::ParseProblem;
use serde::{Deserialize, Serialize};
use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::os::fd::AsRawFd;

/// The sockets a process holds. A fork copies them (the descriptors are inherited); `accept`'s
/// child keeps only the connection it serves.
#[derive(Default)]
pub struct Sockets {
    pub listener: Option<TcpListener>,
    pub connection: Option<TcpStream>,
}

/// The backlog `listen` asks for: more than the handful of clients a script may have.
const BACKLOG: i32 = 8;

/// The most `recv` reads at once (`send` takes at most 200 bytes).
const RECV_BYTES: usize = 4096;

/// `listen`: a listening TCP socket on 127.0.0.1, on a port the kernel chooses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Listen;

impl Act for Listen {
    const VERB: &str = "listen";
    const USAGE: &str = "listen";
    const EXAMPLE: &str = "parent listen";
    const RESULTS: &[&str] = &["listening"];
    const FACTS: Facts = Facts {
        gives_socket: Some(Sock::Listening),
        ..Facts::PLAIN
    };
    const FUZZ: &[&str] = &["now", "0"];

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
        a.none(Listen)
    }

    fn perform(&self, _: i32, stage: &mut dyn Stage) -> Performed {
        let socket = match sys::tcp_socket() {
            Ok(fd) => fd,
            Err(e) => return failed(Call::Socket, e),
        };
        let fd = socket.as_raw_fd();
        if let Err(e) = sys::bind_loopback_any_port(&socket) {
            return failed(Call::Bind, e);
        }
        if let Err(e) = sys::listen(&socket, BACKLOG) {
            return failed(Call::Listen, e);
        }
        let listener = TcpListener::from(socket);
        let port = match listener.local_addr() {
            Ok(addr) => addr.port(),
            Err(e) => return failed(Call::Getsockname, e),
        };
        stage.sockets().listener = Some(listener);
        Performed::Outcome(Outcome::Listening {
            fd,
            port,
            backlog: BACKLOG,
        })
    }

    fn python(&self, _: bool) -> Python {
        Python::line(
            "s = socket.socket(); s.bind((\"127.0.0.1\", 0)); s.listen(8); port = s.getsockname()[1]",
        )
    }
}

/// `accept NEW-ROLE [&]`: accept() a connection, then fork() a child that serves it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Accept {
    pub child: RoleId,
}

impl Act for Accept {
    const VERB: &str = "accept";
    const USAGE: &str = "accept NEW-ROLE";
    const EXAMPLE: &str = "parent listen\nparent accept x";
    const RESULTS: &[&str] = &["accepted"];
    const FACTS: Facts = Facts {
        blocks: Blocks::Maybe,
        creates_role: true,
        needs_socket: Some(Sock::Listening),
        creates_on_return: true,
        ..Facts::PLAIN
    };
    const FUZZ: &[&str] = &["h1", "&"];

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
        let [child] = a.words else {
            return Err(ParseProblem::NewRoleSyntax {
                role: a.actor_name.to_string(),
                verb: a.verb,
            });
        };
        Ok(Accept {
            child: a.roles.create(child, a.actor)?,
        })
    }

    fn effects(&self) -> Effects {
        Effects {
            creates: Some(self.child),
            ..Effects::NONE
        }
    }

    fn perform(&self, _: i32, stage: &mut dyn Stage) -> Performed {
        let Some(listener) = stage.sockets().listener.take() else {
            return failed(Call::Accept, std::io::Error::from_raw_os_error(libc::EBADF));
        };
        // accept4(SOCK_CLOEXEC), retried if a signal handler (SIGCHLD's) interrupts it, as
        // Python's accept() is since 3.5 (PEP 475).
        let accepted = loop {
            match listener.accept() {
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                other => break other,
            }
        };
        let (connection, peer) = match accepted {
            Ok(c) => c,
            Err(e) => {
                stage.sockets().listener = Some(listener);
                return failed(Call::Accept, e);
            }
        };
        let fd = connection.as_raw_fd();
        // SAFETY: an actor is single-threaded: the checker refuses `accept`, like `fork`, to
        // a role that started a thread, so the child is a complete copy that may run Rust.
        #[allow(unsafe_code)]
        let forked = unsafe { sys::fork() };
        match forked {
            Ok(Forked::Parent(pid)) => {
                // The child serves the connection: the server closes its copy.
                drop(connection);
                stage.sockets().listener = Some(listener);
                Performed::Outcome(Outcome::Accepted {
                    fd,
                    peer_port: peer.port(),
                    pid,
                    in_child: None,
                })
            }
            Ok(Forked::Child { returned }) => {
                // The child serves this one connection: it closes its copy of the listener.
                drop(listener);
                stage.sockets().connection = Some(connection);
                stage.become_role(self.child, returned);
                Performed::Reported
            }
            Err(e) => {
                drop(connection);
                stage.sockets().listener = Some(listener);
                failed(Call::Fork, e)
            }
        }
    }

    fn python(&self, _: bool) -> Python {
        Python::Code(vec![
            "conn, addr = s.accept(); pid = os.fork()".into(),
            "conn, addr = s.accept(); Process(target=handle, args=(conn,)).start(); conn.close()"
                .into(),
        ])
    }
}

/// `connect ROLE`: a connection to ROLE's listening socket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Connect {
    pub target: RoleId,
}

impl Act for Connect {
    const VERB: &str = "connect";
    const USAGE: &str = "connect ROLE";
    const EXAMPLE: &str = "parent listen\nchild connect parent";
    const RESULTS: &[&str] = &["connected"];
    const FACTS: Facts = Facts {
        gives_socket: Some(Sock::Connection),
        target_listens: true,
        ..Facts::PLAIN
    };
    const FUZZ: &[&str] = &["runner", "any"];

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
        let [target] = a.words else {
            return Err(a.expected());
        };
        Ok(Connect {
            target: a.role(target)?,
        })
    }

    fn effects(&self) -> Effects {
        Effects {
            target: Some(self.target),
            ..Effects::NONE
        }
    }

    fn perform(&self, _: i32, stage: &mut dyn Stage) -> Performed {
        let port = stage.target_port();
        // A role holds one connection: a second `connect` closes the first.
        let closed = stage.sockets().connection.take().map(|old| old.as_raw_fd());
        let stream = match TcpStream::connect((std::net::Ipv4Addr::LOCALHOST, port)) {
            Ok(s) => s,
            Err(e) => return failed(Call::Connect, e),
        };
        let local_port = match stream.local_addr() {
            Ok(addr) => addr.port(),
            Err(e) => return failed(Call::Getsockname, e),
        };
        let fd = stream.as_raw_fd();
        stage.sockets().connection = Some(stream);
        Performed::Outcome(Outcome::Connected {
            fd,
            port,
            local_port,
            closed,
        })
    }

    fn python(&self, _: bool) -> Python {
        Python::line("c = socket.create_connection((\"127.0.0.1\", port))")
    }
}

/// The most bytes `send` takes.
const MAX_SEND: usize = 200;

/// `send TEXT`: send() the text on the connection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Send {
    pub text: String,
}

impl Act for Send {
    const VERB: &str = "send";
    const USAGE: &str = "send TEXT";
    const EXAMPLE: &str = "parent listen\nchild connect parent\nchild send hi";
    const RESULTS: &[&str] = &["sent"];
    const FACTS: Facts = Facts {
        needs_socket: Some(Sock::Connection),
        ..Facts::PLAIN
    };
    const FUZZ: &[&str] = &["hello", "héllo wörld"];

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
        let text = a.words.join(" ");
        if text.is_empty() || text.len() > MAX_SEND {
            return Err(a.expected());
        }
        Ok(Send { text })
    }

    fn perform(&self, _: i32, stage: &mut dyn Stage) -> Performed {
        let text = self.text.as_bytes();
        let Some(stream) = stage.sockets().connection.as_mut() else {
            return failed(
                Call::Send,
                std::io::Error::from_raw_os_error(libc::ENOTCONN),
            );
        };
        // send(fd, text, len, MSG_NOSIGNAL): a closed peer is an EPIPE, not a SIGPIPE.
        loop {
            match stream.write(text) {
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Ok(bytes) => break Performed::Outcome(Outcome::Sent { bytes }),
                Err(e) => break failed(Call::Send, e),
            }
        }
    }

    fn python(&self, _: bool) -> Python {
        Python::line(format!("sock.send({:?}.encode())", self.text))
    }
}

/// `recv [&]`: recv() on the connection; it blocks until something comes or the peer closes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recv;

impl Act for Recv {
    const VERB: &str = "recv";
    const USAGE: &str = "recv";
    const EXAMPLE: &str = "parent listen\nchild connect parent\nchild recv";
    const RESULTS: &[&str] = &["received"];
    const FACTS: Facts = Facts {
        blocks: Blocks::Maybe,
        needs_socket: Some(Sock::Connection),
        ..Facts::PLAIN
    };
    const FUZZ: &[&str] = &["1024"];

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
        a.none(Recv)
    }

    fn perform(&self, _: i32, stage: &mut dyn Stage) -> Performed {
        let Some(stream) = stage.sockets().connection.as_mut() else {
            return failed(
                Call::Recv,
                std::io::Error::from_raw_os_error(libc::ENOTCONN),
            );
        };
        let mut buf = [0u8; RECV_BYTES];
        loop {
            match stream.read(&mut buf) {
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Ok(n) => {
                    break Performed::Outcome(Outcome::Received {
                        text: String::from_utf8_lossy(&buf[..n]).into_owned(),
                    });
                }
                Err(e) => break failed(Call::Recv, e),
            }
        }
    }

    fn python(&self, _: bool) -> Python {
        Python::line("data = sock.recv(4096)")
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{act, refused};
    use super::*;
    use crate::script::actions::Action;

    #[test]
    fn accept_names_a_new_role_and_connect_a_listening_one() {
        let head = "runner fork s\ns listen\nrunner fork c\n";
        assert_eq!(
            act(&format!("{head}s accept h\n")),
            Action::Accept(Accept { child: 3 })
        );
        assert_eq!(
            act(&format!("{head}c connect s\n")),
            Action::Connect(Connect { target: 1 })
        );
        assert_eq!(
            act(&format!("{head}c connect s\nc send hello there\n")),
            Action::Send(Send {
                text: "hello there".into()
            })
        );
        assert!(refused(&format!("{head}s accept\n")).contains("`s accept NEW-ROLE`"));
        assert!(
            refused(&format!("{head}c connect s\nc send\n")).contains("expected `c send TEXT`")
        );
        assert!(refused("runner fork s\ns listen now\n").contains("expected `s listen`"));
    }

    #[test]
    fn sockets_must_be_there_before_they_are_used() {
        assert!(refused("runner fork s\ns accept h\n").contains("listening socket"));
        assert!(refused("runner fork s\nrunner fork c\nc connect s\n").contains("listening"));
        assert!(refused("runner fork s\ns recv &\n").contains("connection"));
        assert!(refused("runner fork s\ns send hi\n").contains("connection"));
        assert!(refused("runner fork s\ns listen\ns listen\n").contains("already holds"));
        // accept's child holds the connection, not the listener.
        assert!(
            refused(
                "runner fork s\ns listen\nrunner fork c\nc connect s\ns accept h\nh accept g\n"
            )
            .contains("listening socket")
        );
    }

    #[test]
    fn a_child_accepted_in_the_background_exists_only_after_await_done() {
        let head = "runner fork s\ns listen\nrunner fork c\ns accept h &\nc connect s\n";
        assert!(refused(&format!("{head}h recv\n")).contains("await s done"));
        assert!(refused(&format!("{head}observe h\n")).contains("await s done"));
        assert_eq!(
            act(&format!(
                "{head}await s done\nh recv &\nc send x\nawait h done\nh exit\n"
            )),
            Action::Exit(crate::script::actions::Exit { code: 0 })
        );
    }
}
