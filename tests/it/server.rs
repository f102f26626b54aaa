//! The fork-server demo: what its JSON says must be what the kernel did (ports, the connection
//! each child serves, exactly three zombies, none with SIGCHLD ignored or a looping handler),
//! nothing may listen after the run, and, where strace is installed, the PIDs it prints must be
//! the ones that made the socket calls it claims.

use crate::programs::{calls_by, have_strace, under_strace};
use crate::util::{json, nth_event, pid_of};
use serde_json::Value;

fn event<'a>(doc: &'a Value, step: &str) -> &'a Value {
    nth_event(doc, step, 0)
}

fn result<'a>(doc: &'a Value, step: &str) -> &'a Value {
    &event(doc, step)["result"]
}

fn observations(e: &Value) -> &Vec<Value> {
    e["observations"]
        .as_array()
        .unwrap_or_else(|| panic!("no observations in {e}"))
}

fn int(v: &Value) -> i64 {
    v.as_i64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// The local ports of the TCP sockets in state LISTEN, from /proc/net/tcp.
fn listening_ports() -> Vec<u16> {
    let text = std::fs::read_to_string("/proc/net/tcp").unwrap_or_default();
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let (local, state) = (fields.get(1)?, fields.get(3)?);
            let port = u16::from_str_radix(local.rsplit(':').next()?, 16).ok()?;
            (*state == "0A").then_some(port)
        })
        .collect()
}

#[test]
fn fork_server_children_serve_the_connection_accepted_and_three_clients_leave_three_zombies() {
    let doc = json("fork-server");
    let servers = ["server", "server-ign", "server-loop"];
    let ports: Vec<i64> = servers
        .iter()
        .map(|s| {
            let r = result(&doc, &format!("{s} listen"));
            assert_eq!(r["type"], "listening", "{r}");
            int(&r["port"])
        })
        .collect();
    assert!(ports.iter().all(|&p| p > 0), "{ports:?}");
    assert!(ports[0] != ports[1] && ports[1] != ports[2] && ports[0] != ports[2]);

    // The server sleeps in accept() (its wchan says so when the kernel names it), the child
    // in recv().
    let asleep = &observations(event(&doc, "await server S"))[0];
    assert_eq!(asleep["state"], "S", "{asleep}");
    if let Some(wchan) = asleep["wchan"].as_str() {
        assert!(wchan.contains("accept"), "{asleep}");
    }
    let reading = &observations(event(&doc, "await h1 S"))[0];
    assert_eq!(
        (reading["state"].as_str(), int(&reading["parent"])),
        (Some("S"), pid_of(&doc, "server"))
    );
    assert_eq!(result(&doc, "await h1 done")["text"], "hello");

    // Each connect reached its server's port, and each accept took that client's connection
    // and forked the child that then served it.
    let accepts = [
        ("server", "await server done", "h1", "c1"),
        ("server", "server accept h2", "h2", "c2"),
        ("server", "server accept h3", "h3", "c3"),
        ("server-ign", "server-ign accept i1", "i1", "c1"),
        ("server-ign", "server-ign accept i2", "i2", "c2"),
        ("server-ign", "server-ign accept i3", "i3", "c3"),
        ("server-loop", "server-loop accept j1", "j1", "c1"),
        ("server-loop", "server-loop accept j2", "j2", "c2"),
        ("server-loop", "server-loop accept j3", "j3", "c3"),
    ];
    for (server, step, child, client) in accepts {
        let port = ports[servers.iter().position(|s| *s == server).unwrap()];
        let connected = result(&doc, &format!("{client} connect {server}"));
        assert_eq!(int(&connected["port"]), port, "{connected}");
        let accepted = result(&doc, step);
        assert_eq!(accepted["type"], "accepted", "{accepted}");
        assert_eq!(accepted["peer_port"], connected["local_port"], "{step}");
        assert_eq!(int(&accepted["pid"]), pid_of(&doc, child), "{step}");
        assert_eq!(accepted["in_child"], 0, "{step}");
    }
    for child in ["h2", "h3", "i1", "i2", "i3", "j1", "j2", "j3"] {
        assert_eq!(
            result(&doc, &format!("{child} recv"))["text"],
            "hello",
            "{child}"
        );
    }

    // No reaping: exactly three zombies among every process of the demo, the three children,
    // each the server's, each holding its exit status; the clients asleep.
    let tree = observations(event(&doc, "tree"));
    let zombies: Vec<(&str, i64, i64)> = tree
        .iter()
        .filter(|o| o["state"] == "Z")
        .map(|o| {
            (
                o["role"].as_str().unwrap(),
                int(&o["parent"]),
                int(&o["wait_status"]),
            )
        })
        .collect();
    let server = pid_of(&doc, "server");
    assert_eq!(
        zombies,
        [
            ("h1", server, 1 << 8),
            ("h2", server, 2 << 8),
            ("h3", server, 3 << 8)
        ]
    );
    for client in ["c1", "c2", "c3"] {
        let o = tree.iter().find(|o| o["role"] == client).unwrap();
        assert_eq!(o["state"], "S", "{o}");
    }
}

#[test]
fn fork_server_with_sigchld_ignored_or_a_looping_handler_leaves_no_zombie() {
    let doc = json("fork-server");
    for (server, children) in [
        ("server-ign", ["i1", "i2", "i3"]),
        ("server-loop", ["j1", "j2", "j3"]),
    ] {
        for child in children {
            let seen = &observations(event(&doc, &format!("await {child} gone")))[0];
            assert_eq!(seen["state"], "gone", "{seen}");
        }
        let tree = observations(event(
            &doc,
            &format!("tree {server} {}", children.join(" ")),
        ));
        assert!(tree.iter().all(|o| o["state"] != "Z"), "{tree:?}");
        let s = tree.iter().find(|o| o["role"] == server).unwrap();
        let ignored = server == "server-ign";
        assert_eq!(
            s["sigchld"].as_str(),
            Some(if ignored { "ignored" } else { "caught" }),
            "{s}"
        );
    }
    // The looping handler reaped each child with its status, then found none left.
    let waits: Vec<(i64, i64, i64)> = result(&doc, "server-loop handled")["waits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| (int(&w["ret"]), int(&w["status"]), int(&w["errno"])))
        .collect();
    let reaped: Vec<(i64, i64)> = waits
        .iter()
        .filter(|w| w.0 > 0)
        .map(|w| (w.0, w.1))
        .collect();
    assert_eq!(
        reaped,
        [
            (pid_of(&doc, "j1"), 1 << 8),
            (pid_of(&doc, "j2"), 2 << 8),
            (pid_of(&doc, "j3"), 3 << 8)
        ]
    );
    assert_eq!(
        waits.last().map(|w| (w.0, w.2)),
        Some((-1, libc::ECHILD as i64))
    );
}

#[test]
fn fork_server_leaves_nothing_listening_after_the_run() {
    let doc = json("fork-server");
    let left = listening_ports();
    for s in ["server", "server-ign", "server-loop"] {
        let port = int(&result(&doc, &format!("{s} listen"))["port"]) as u16;
        assert!(!left.contains(&port), "{s}'s port {port} still listens");
    }
}

// ---- strace: the PIDs printed made the socket calls claimed ---------------------------------

#[test]
fn under_strace_fork_server_roles_made_the_socket_calls_it_reports() {
    if !have_strace() {
        return;
    }
    let (doc, calls) = under_strace("fork-server", "bind,listen,accept4,connect,sendto,recvfrom");
    let made = |role: &str, call: &str, args: &str, ret: &str| {
        let pid = pid_of(&doc, role);
        let by = calls_by(&calls, pid, call);
        assert!(
            by.iter().any(|c| c.args.contains(args) && c.ret == ret),
            "{role} ({pid}) made no {call}(..{args}..) = {ret}: {by:?}"
        );
    };
    let port = |s: &str| int(&result(&doc, &format!("{s} listen"))["port"]);
    for s in ["server", "server-ign", "server-loop"] {
        made(s, "bind", "sin_port=htons(0)", "0");
        made(s, "bind", "inet_addr(\"127.0.0.1\")", "0");
        made(s, "listen", "4, 8", "0");
        // Every accept returned the connection as fd 5, the first blocked until c1 came.
        assert_eq!(calls_by(&calls, pid_of(&doc, s), "accept4").len(), 3, "{s}");
        made(s, "accept4", "4, ", "5");
    }
    for (client, server) in [
        ("c1", "server"),
        ("c2", "server-ign"),
        ("c3", "server-loop"),
    ] {
        made(
            client,
            "connect",
            &format!("sin_port=htons({})", port(server)),
            "0",
        );
        made(client, "sendto", "\"hello\"", "5");
    }
    for child in ["h1", "h2", "i2", "j3"] {
        made(child, "recvfrom", "\"hello\"", "5");
    }
}
