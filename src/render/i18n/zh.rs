//! Chinese (简体中文): every word procdemo prints, from the typed model.
//!
//! The same shape as [`crate::render::en`]: `say` is the table of the presenter's messages, an
//! exhaustive `match` with no `_` arm, so a new message does not compile until it has its
//! Chinese words too; Chinese has no plural, so its table never looks at a count. Numbers, PIDs, state letters, STAT flags, errno names and system-call
//! names stay as the kernel writes them; the terms are the course's (进程, 父进程, 子进程,
//! 僵尸进程, 孤儿进程, 回收, 阻塞 …), listed with their English in [`GLOSSARY`].

use crate::engine::model::{Disposition, ExitStatus, Memory, State, Unable};
use crate::render::i18n::present::Msg;
use crate::render::i18n::present::{errno_name, size, strerror};
use crate::render::words::{
    Help, InspectLabels, MemoryHeaders, ObservationHeaders, ShareHeaders, Words,
};
use crate::script::actions::list_words;
use crate::script::actions::{Call, NoPython, Purpose, Rule, SigchldMode};
use crate::script::{FieldPlace, Found, ParseProblem, TicketProblem};

/// 分配内存失败时打印（退出码 1）。
pub const OUT_OF_MEMORY: &str = "procdemo: 内存不足：一次内存分配失败（是否设置了 `ulimit -v` 或 `prlimit --as` 之类的限制？）；procdemo 启动的一切随之结束\n";

/// Chinese.
pub struct Zh;

/// The course's terms and their English, in the order a course meets them: for a glossary
/// (`procdemo explain glossary`, docs/chinese-and-python.md's 术语表).
// Printed by `procdemo explain glossary` (being built on another branch); held to docs/chinese-and-python.md
// by a test meanwhile.
#[allow(dead_code)]
pub const GLOSSARY: &[(&str, &str)] = &[
    ("进程", "process"),
    ("进程号 (PID)", "process ID (PID)"),
    ("父进程", "parent process"),
    ("父进程号 (PPID)", "parent process ID (PPID)"),
    ("子进程", "child process"),
    ("二级子进程", "grandchild process"),
    ("创建进程 (fork)", "fork"),
    ("写时复制", "copy-on-write"),
    ("页表", "page table"),
    ("缺页 (次缺页)", "page fault (minor fault)"),
    ("退出", "exit"),
    ("退出码 / 退出状态", "exit code / exit status"),
    ("回收", "reap (wait for a child)"),
    ("僵尸进程", "zombie process"),
    ("孤儿进程", "orphan process"),
    ("收养 / 重新设置父进程", "adopt / reparent"),
    ("子进程回收者 (subreaper)", "child subreaper"),
    ("守护进程", "daemon"),
    ("二次 fork", "double fork"),
    ("会话", "session"),
    ("进程组", "process group"),
    ("控制终端", "controlling terminal"),
    ("阻塞", "blocking"),
    ("非阻塞", "non-blocking"),
    ("挂起 / 暂停", "suspend / stop"),
    ("信号", "signal"),
    ("忽略 (信号)", "ignore (a signal)"),
    ("信号处理函数", "signal handler"),
    ("线程", "thread"),
    ("状态字母", "state letter"),
    ("运行 / 可运行", "running / runnable"),
    ("可中断睡眠", "interruptible sleep"),
    ("不可中断睡眠", "uninterruptible sleep"),
    ("被跟踪暂停", "tracing stop"),
    ("跟踪者 (tracer)", "tracer"),
    ("优先级 (nice 值)", "priority (nice value)"),
    ("系统调用", "system call"),
    ("程序 / 进程", "program / process"),
    ("执行新程序 (exec)", "exec (run a new program)"),
    ("文件描述符", "file descriptor"),
    ("缓冲区 (刷新)", "buffer (flush)"),
    ("未决信号", "pending signal"),
    ("阻塞信号 (信号屏蔽字)", "blocked signal (signal mask)"),
    ("PID 命名空间", "PID namespace"),
    ("管道", "pipe"),
    ("读端 / 写端", "read end / write end"),
    ("文件结束 (EOF)", "end of file (EOF)"),
    ("进程池", "process pool"),
    ("工作进程", "worker process"),
    ("调度器", "scheduler"),
    (
        "就绪态 / 运行态 / 等待态",
        "ready / running / blocked (waiting)",
    ),
    ("新建态 / 终止态", "new / terminated"),
    ("权重", "weight (of a nice value)"),
    ("份额", "share (of the CPU)"),
    ("互斥锁 (锁)", "mutual-exclusion lock (lock)"),
    (
        "购票 / 售票 (超卖)",
        "buying / selling a ticket (overselling)",
    ),
    ("竞争 (丢失的更新)", "race (lost updates)"),
];

/// What --stable output shows instead of a value that depends on privilege.
const PRIVILEGE_HIDDEN: &str = "取决于权限：--stable 下不显示";

/// A short Chinese meaning for the errnos a demo meets; the C library's English otherwise.
fn errno_text(errno: i32) -> String {
    let text = match errno {
        libc::EPERM => "操作不被允许",
        libc::ENOENT => "没有这个文件或目录",
        libc::ESRCH => "没有这个进程",
        libc::EINTR => "被信号中断",
        libc::EBADF => "文件描述符无效",
        libc::ECHILD => "没有子进程",
        libc::EAGAIN => "资源暂时不可用",
        libc::ENOMEM => "内存不足",
        libc::EACCES => "权限不够",
        libc::EINVAL => "参数无效",
        libc::EPIPE => "管道已断开",
        libc::ENOSPC => "超出了数量限制",
        libc::ENOEXEC => "可执行文件格式错误",
        _ => return strerror(errno),
    };
    text.to_string()
}

impl Zh {
    fn unable(&self, why: Unable) -> &'static str {
        match why {
            Unable::Gone => "它已经消失",
            Unable::Zombie => "它已经退出（状态 Z）",
            Unable::Stopped => "它已被暂停（状态 T）",
            Unable::TracingStop => "它被跟踪它的进程暂停（状态 t）",
        }
    }

    fn sigchld_mode(&self, mode: SigchldMode) -> &'static str {
        match mode {
            SigchldMode::Default => "SIG_DFL",
            SigchldMode::Ignore => "SIG_IGN",
            SigchldMode::NoCldWait => "SA_NOCLDWAIT 标志的信号处理函数",
            SigchldMode::ReapOne => "每收到一次信号调用一次 waitpid(-1, WNOHANG) 的信号处理函数",
            SigchldMode::ReapAll => {
                "循环调用 waitpid(-1, WNOHANG) 直到它返回 0 或 -1 的信号处理函数"
            }
        }
    }
}

impl Words for Zh {
    fn parse_problem(&self, p: &ParseProblem) -> String {
        parse_problem(p)
    }

    fn help(&self, h: Help) -> &'static str {
        match h {
            Help::About => "演示真实的 Linux 进程生命周期，并展示内核报告的内容",
            Help::LongAbout => {
                "\
procdemo 创建真实的进程（fork、exit、wait、信号……），并在每一步读取 /proc，
所以你看到的是内核报告的 PID、PPID 和状态字母（R S D T Z……），而不是示意图。
打印出的每个数字都是在这次运行中从内核读到的。

先运行 `procdemo list`，再试试 `procdemo zombie --explain`。
使用指南（包括教师指南）：procdemo 源代码中的 README.md 和 docs/。"
            }
            Help::Examples => {
                "\
示例：
  procdemo list                 每个内置演示，各占一行
  procdemo zombie               制造一个僵尸进程，看着它被回收
  procdemo orphan --explain     让子进程成为孤儿，看它被收养，带旁白
  procdemo all                  所有演示，最后是汇总
  procdemo run my.demo          运行你自己的脚本（见 demos/README.md）
  procdemo zombie --json        一个带真实 PID 的 JSON 文档
  procdemo zombie --html z.html 一个用于投影或讲义的网页
  procdemo show zombie          zombie 演示的脚本，可以从它开始写你自己的
  procdemo explain wait-status  一张参考表（`explain` 列出所有参考表）
  procdemo watch -- python3 hw.py  你自己的程序创建的每个进程

退出码：0 成功，1 有演示失败（等待的状态没有及时出现），2 用法或脚本错误
（什么都没有运行），128+N 在清理之后因信号 N 停止（130 Ctrl-C，143 SIGTERM，
129 SIGHUP，131 Ctrl-\\）。"
            }
            Help::Commands => "演示和命令",
            Help::Explain => "为课堂逐步讲解每一步，带上这次运行的数值",
            Help::Json => "每个演示打印一个 JSON 文档（真实 PID）",
            Help::RecordEvents => "引擎自己的事件（用于渲染测试的数据）",
            Help::JsonEvents => {
                "打印 JSON Lines：每个事件一行，发生时立即打印（供实时跟随运行的程序使用）"
            }
            Help::Timeline => {
                "每个演示之后画一条时间线：每个角色在每一步的状态（--explain 时默认开启）"
            }
            Help::NoTimeline => "不画时间线，即使用了 --explain",
            Help::Tree => "把每次观察画成进程树，而不是表格",
            Help::Stable => "显示角色而不是 PID，不显示耗时：每次运行的文字都相同",
            Help::CheckPs => "同时用真实的 `ps -o stat=` 检查每个观察到的进程；不一致则失败",
            Help::Python => "在每个动作旁边显示课程中发出同一系统调用的 Python 代码",
            Help::Step => {
                "每一步之前暂停：回车运行这一步，c 运行其余步骤，q 退出（需要终端）；暂停时可以用 ps 查看进程"
            }
            Help::Predict => {
                "在回答问题的那一步之前，先在终端上提出演示的问题，再展示内核实际做了什么（需要终端）"
            }
            Help::Answers => "每个演示之后，列出它的问题和这次运行给出的答案：一张练习纸和它的答案",
            Help::Worksheet => {
                "只打印演示的问题（用 `all` 时打印每个演示的问题），不运行它：课前发给学生的练习纸；--answers 给出答案"
            }
            Help::Count => {
                "练习的数量：从 --seed 开始的种子，最后附上答案：每个练习真实运行时得到的进程树（用角色名而不是 PID）"
            }
            Help::Lang => "输出的语言：zh（中文）或 en [默认：取自 LC_ALL、LC_MESSAGES 或 LANG]",
            Help::Timeout => "演示运行超过这么久就判为失败 [默认：20，也是允许的最大值]",
            Help::Delay => "每一步之前等待 MS 毫秒，便于投影讲解（从不用于同步）",
            Help::Color => {
                "给状态字母着色：auto（在终端上，除非设置了 NO_COLOR、CLICOLOR=0 或 TERM=dumb；CLICOLOR_FORCE=1 强制着色）、always、never"
            }
            Help::Size => {
                "fork-cow（任何 `alloc` 步骤）的内存区域大小，单位 MiB [默认：按脚本所写]"
            }
            Help::Html => "同时把运行写成一个独立的 HTML 网页（讲义；`all`：所有演示在一个网页中）",
            Help::Seed => {
                "哪一道练习：同一个种子在任何机器上给出同一道练习 [默认：取自时钟，并会打印出来]"
            }
            Help::Actions => "fork 和 exit 的总数",
            Help::Forks => "动作中 fork 所占的百分比（其余是 exit）",
            Help::Reverse => "反过来：展示最终的进程树（真实运行），请你写出产生它的动作",
            Help::ShowScript => "把练习打印成 .demo 脚本（可以修改它，再用 `procdemo run` 运行）",
            Help::List => "列出内置演示",
            Help::Quiz => "自动生成的 fork/exit 练习：画出最终的进程树，再看它真实运行",
            Help::Show => "打印一个内置演示的脚本（可以从它开始写你自己的）",
            Help::ExplainCommand => {
                "打印一张参考表：states、stat-flags、wait-status、orphan、sigchld"
            }
            Help::All => "按顺序运行所有内置演示，最后打印汇总",
            Help::Run => "运行你写的场景脚本（语言说明：demos/README.md）",
            Help::Replay => {
                "重新显示之前录下的一次运行（--record-events > FILE），不创建任何进程：可以用文本、--explain、--lang、--timeline、--html"
            }
            Help::Watch => {
                "运行一个程序（例如你自己的 Python 作业），显示它创建的每个进程：fork、exec、退出、僵尸进程、孤儿进程、回收和状态"
            }
            Help::WatchCommand => "要运行的程序及其参数（写在 -- 之后）",
            Help::MaxProcs => {
                "程序同时存活的进程超过 N 个时停止它（杀死并回收它的每个进程）[默认：256]"
            }
            Help::NoSignals => "不显示递送给程序各进程的信号（文本与网页；--json 仍保留）",
            Help::WatchAll => "显示每个进程：不折叠包装程序的辅助进程与大批相似的进程",
            Help::KillRest => {
                "程序的第一个进程结束时，杀死仍存活的进程（默认：不干预，一直观察到它们结束）"
            }
            Help::WatchNotes => {
                "\
程序保留终端（标准输入、标准输出、标准错误）；procdemo 的报告写到标准错误，或 -o FILE。
--tree 和 --timeline 不起作用（两者总会画出）；只用于演示的选项（--explain、--step、--stable 等）
会被拒绝。同时存活的进程最多 --max-procs 个，否则整个进程家族被杀死并回收。

退出码：程序自己的退出码（第一个进程的），被信号 N 结束时为 128+N（在 --max-procs 处被
停止时为 137）；127 找不到命令，126 无法运行；1 procdemo 无法跟踪它（例如在 strace -f
下）；130 Ctrl-C（进程家族已被杀死并回收）。"
            }
            Help::WatchOutput => "把 procdemo 的报告写入 FILE，而不是标准错误（程序保留终端）",
            Help::Exercises => "列出 procdemo check 能评判的作业任务，或完整显示其中一个",
            Help::ExercisesTask => "任务名：显示它的题目、检查的内容和提示",
            Help::Check => {
                "像 watch 一样运行你的程序，并根据内核报告的内容评判任务的各项性质（退出码 0：通过，1：未通过）"
            }
            Help::CheckTask => {
                "内置任务名（procdemo exercises 列出它们）或任务文件（./my-task.task）"
            }
            Help::CheckNotes => {
                "例：procdemo check zombie -- python3 hw.py\n\n评判结果写到标准错误（或 -o FILE）；--json 把它们写成一个 JSON 文档（schema/check.json）；--html FILE 另外写一个页面：评判结果和画在时间轴上的进程家族。"
            }
            // Delivery (#19).
            Help::RunFile => "要运行的脚本；- 表示从标准输入读取",
            Help::Completions => "输出某个 shell 的补全脚本（bash、zsh、fish、elvish、powershell）",
            Help::Shell => "要补全的 shell",
            Help::Man => "输出手册页（roff 格式：`procdemo man | man -l -` 可以查看）",
            Help::ExitCodes => {
                "0\t每个演示都运行了，每个等待的状态都观察到了
1\t有演示失败（等待的状态没有按时出现、fork 被拒绝、崩溃），或系统拒绝了 procdemo 需要的东西（/proc 缺失……）
2\t用法或脚本错误：什么都没有运行
126\tprocdemo watch：找到了命令，但无法运行
127\tprocdemo watch：找不到命令
128+N\t被信号 N 停止，它启动的每个进程都已清理：130 Ctrl-C、143 SIGTERM、129 SIGHUP、131 Ctrl-\\
其他\tprocdemo watch：被观察程序自己的退出码（被信号 N 结束时为 128+N）
0, 1\tprocdemo check：所有性质都成立（0）或有一项不成立（1），包括程序在 --timeout 之前没有结束（procdemo 杀死了它）"
            }
            Help::CheckTimeout => {
                "程序在 SECONDS 秒（默认 10）后仍未结束就杀死它，并说明每个进程当时还在做什么；此时性质 ends-by-itself 不成立（退出码 1）"
            }
        }
    }

    fn json_failed(&self, demo: &str, message: &str) -> String {
        format!("{demo} 失败：{message}")
    }

    fn demo_failed(&self) -> &'static str {
        "有一个演示失败了（见上文）"
    }

    fn interrupted(&self, signal: &str) -> String {
        format!("被 {signal} 中断：procdemo 启动的每个进程都已被杀死并回收")
    }

    fn quit(&self) -> &'static str {
        "在暂停处退出：procdemo 启动的每个进程都已被杀死并回收"
    }

    fn inspect_labels(&self) -> InspectLabels {
        InspectLabels {
            comm: "命令名",
            exe: "程序文件 (exe)",
            cmdline: "命令行",
            ns_pids: "各命名空间中的 PID",
            fds: "文件描述符",
            blocked: "阻塞 (SigBlk)",
            shared_pending: "未决 (ShdPnd)",
            pending: "未决，本线程 (SigPnd)",
            ignored: "忽略 (SigIgn)",
            caught: "捕获 (SigCgt)",
            region: "内存区域",
        }
    }

    fn signal_list(&self, mask: u64) -> String {
        crate::render::signal_list(mask).unwrap_or_else(|| "无".into())
    }

    fn fd_gone(&self, was: &str) -> String {
        format!("自上一次 inspect 以来已关闭（原来是 {was}）")
    }

    fn was(&self, before: &str) -> String {
        format!("（原来：{before}）")
    }

    fn not_readable(&self, zombie: bool) -> &'static str {
        if zombie {
            "-（僵尸进程已经没有程序、内存和文件描述符了）"
        } else {
            "-（无法读取）"
        }
    }

    fn no_final_newline(&self) -> &'static str {
        "（末尾没有换行）"
    }

    fn watch_words(&self) -> crate::render::words::WatchWords {
        crate::render::words::WatchWords {
            summary: "总结",
            tree: "进程树（按创建它的进程）",
            timeline: "时间线",
            picture: "时间轴上的进程家族",
            picture_keys: [
                "运行（R）",
                "睡眠（S）",
                "磁盘等待（D）",
                "暂停（T）",
                "正在退出",
                "僵尸（Z）",
                "fork",
                "exec",
                "退出",
                "信号",
                "被收养",
                "被回收",
            ],
            legend: |per| {
                format!(
                    "= 存活   T 被信号暂停   x 退出   . 正在退出   Z 僵尸进程（直到被回收）；每列代表 {per}"
                )
            },
        }
    }

    fn timeline(&self) -> crate::render::words::TimelineWords {
        crate::render::words::TimelineWords {
            title: "时间线：每个角色在观察到或改变它的每一步时的状态",
            step: "步骤",
            fork: "创建",
            exit: "退出",
            exec: "exec",
            reap: "回收",
            marks: "创建：在这一步由 fork（或 clone）创建；退出：调用了 _exit() 或 exit()；exec：调用了 execve()；回收：父进程的 wait 返回了它；SIG...：向它发送了该信号",
            reparented: "它的 PPID 比上一步变了（被重新指定了父进程）",
        }
    }

    fn page_summary(&self, ok: usize, failed: usize) -> String {
        match failed {
            0 => format!("总结：全部 {ok} 个演示都成功了。"),
            _ => format!("总结：{ok} 个成功，{failed} 个失败。"),
        }
    }

    fn page(&self) -> crate::render::words::PageWords {
        crate::render::words::PageWords {
            lang: "zh-CN",
            footer: "由 procdemo 生成：本页中每个 PID、状态和退出状态都是在这次运行中从内核读到的（系统调用的结果或 /proc）。",
            all_title: "全部演示",
            contents: "目录",
            questions: "问题",
            show_answer: "内核显示的答案",
            unanswered: "没有答案：运行在这个问题的那一步之前就结束了",
            fonts_note: "如果本页的中文显示为方框，说明这台机器缺少中文字体：请安装 fonts-noto-cjk（Debian、Ubuntu）。",
        }
    }

    fn reference(
        &self,
        topic: crate::render::reference::Topic,
    ) -> crate::render::reference::Reference {
        use crate::render::reference::{Reference, Topic};
        let pairs = |rows: &[(&str, &str)]| -> Vec<(String, String)> {
            rows.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        match topic {
            Topic::States => Reference {
                title: "/proc/PID/stat 第 3 个字段和 ps 的 STAT 中的状态字母",
                headers: ("状态", "含义"),
                rows: [
                    State::Running,
                    State::Sleeping,
                    State::DiskSleep,
                    State::Stopped,
                    State::TracingStop,
                    State::Zombie,
                    State::Dead,
                    State::Idle,
                    State::Parked,
                    State::Gone,
                ]
                .iter()
                .map(|s| (s.code(), self.state(*s).to_string()))
                .collect(),
                notes: vec![
                    "`procdemo states` 在真实的进程上造出 R、S、D、T、t 和 Z；I（空闲的内核线程）和 X（已死亡，只出现一瞬间）不会造出来。gone 不是状态字母：进程已被回收，它的 PID 不在 /proc 中了。".into(),
                ],
            },
            Topic::StatFlags => Reference {
                title: "ps 在 STAT 的状态字母后面打印的标志，按这个顺序",
                headers: ("标志", "含义（从 /proc 读出）"),
                rows: pairs(&[
                    ("<", "高优先级：nice 值小于 0（stat 第 19 个字段）"),
                    ("N", "低优先级：nice 值大于 0（stat 第 19 个字段）"),
                    ("L", "有页面被锁定在内存中：VmLck 大于 0 kB（status）"),
                    ("s", "会话首进程：会话 ID 就是它自己的 PID（stat 第 6 个字段）"),
                    ("l", "多线程：不止一个线程（stat 第 20 个字段）"),
                    ("+", "在它的终端的前台进程组中：它的进程组就是终端的前台进程组（stat 第 5 和第 8 个字段）"),
                ]),
                notes: vec![
                    "`Ss` 是睡眠中的会话首进程，`Ss+` 是在终端前台的会话首进程，`Sl` 是睡眠中的多线程进程。`procdemo states` 在真实的进程上造出每个标志（`<` 和 `L` 可能因为普通用户权限不够而被拒绝）。".into(),
                ],
            },
            Topic::WaitStatus => Reference {
                title: "wait() 或 waitpid() 返回的原始状态怎样解码",
                headers: ("原始值", "解码（用 C 的宏，在这台机器上）"),
                rows: [256, 1792, 9, 15]
                    .iter()
                    .map(|raw| (raw.to_string(), self.exit_status(ExitStatus::decode(*raw))))
                    .collect(),
                notes: vec![
                    "子进程调用 exit 或 _exit 时 WIFEXITED(status) 为真，WEXITSTATUS(status) 就是退出码，即状态的第二个字节：exit(7) 得到 7 × 256 = 1792。".into(),
                    "子进程被信号杀死时 WIFSIGNALED(status) 为真，WTERMSIG(status) 就是那个信号，即状态的低 7 位：SIGKILL 得到 9，SIGTERM 得到 15（产生了 core 时再加 128）。".into(),
                    "Python 的 os.wait() 返回同样的原始数值；os.waitstatus_to_exitcode() 给出退出码，或者信号编号的相反数。".into(),
                ],
            },
            Topic::Orphan => Reference {
                title: "父进程先死时，谁成为进程的新父进程",
                headers: ("顺序", "新的父进程"),
                rows: pairs(&[
                    ("1", "死去的父进程所在进程中另一个还活着的线程（如果它有多个线程）"),
                    ("2", "否则，最近的、调用过 prctl(PR_SET_CHILD_SUBREAPER) 的活着的祖先进程（procdemo 的 runner 就是；systemd --user 也常常是）"),
                    ("3", "否则，孤儿进程所在 PID 命名空间的 init 进程（主机上的 PID 1，容器里的第一个进程）"),
                ]),
                notes: vec![
                    "孤儿进程的 PPID 立刻就变了（`procdemo orphan` 等待的正是这一点）。孤儿进程退出后，在新父进程 wait 它之前，它是新父进程的僵尸进程：一个从不 wait 的 PID 1 会一直留着这些僵尸进程，所以容器里要运行 tini 这样的小 init。".into(),
                ],
            },
            Topic::Sigchld => Reference {
                title: "父进程对 SIGCHLD 的处置方式，决定了退出的子进程会怎样",
                headers: ("处置方式", "会发生什么"),
                rows: pairs(&[
                    ("默认（SIG_DFL）", "SIGCHLD 被发送并被忽略；子进程在父进程 wait 之前是僵尸进程（Z），wait() 返回它的退出状态"),
                    ("SIG_IGN", "不投递任何信号；子进程永远不会成为僵尸进程（退出时就被回收）；wait() 阻塞到所有子进程都结束，然后以 ECHILD 失败：退出状态丢失了"),
                    ("带 SA_NOCLDWAIT 的处理函数", "处理函数仍然收到 SIGCHLD；子进程永远不会成为僵尸进程，wait() 和 SIG_IGN 时一样以 ECHILD 失败"),
                ]),
                notes: vec![
                    "SIG_IGN 和 SA_NOCLDWAIT 都会在 fork 时被继承；SIG_IGN 在 exec 之后也保留，所以从这样的进程启动的程序可能拿不到退出状态（在这样的进程中，Python 的 subprocess.call([\"false\"]) 返回了 0）。`procdemo sigchld-ignore` 把三种情况并排展示；/proc/PID/status 的 SigIgn 和 SigCgt 显示处置方式。".into(),
                ],
            },
        }
    }

    fn quiz_intro(&self, seed: u64) -> String {
        format!(
            "练习 {seed}（`procdemo quiz --seed {seed}` 可以再出同一道题）。runner 先 fork 出进程 a，然后："
        )
    }

    fn quiz_move(&self, m: &crate::script::quiz::Move) -> String {
        match m {
            crate::script::quiz::Move::Fork { parent, child } => {
                format!("{parent} fork 出 {child}")
            }
            crate::script::quiz::Move::Exit { who } => format!("{who} 退出（没有进程 wait 它）"),
        }
    }

    fn quiz_task(&self) -> String {
        "画出最后的进程树：/proc 里还能看到哪些进程，各自的父进程是谁，处于什么状态（S 睡眠，Z 僵尸）。父进程退出后，它的子进程去了哪里？然后 procdemo 真的运行一遍，给出 /proc 报告的进程树。".to_string()
    }

    fn quiz_reverse_task(&self) -> String {
        "这棵树是 runner 先 fork 出进程 a、再经过几次 fork 和退出（没有进程 wait）之后，/proc 显示的样子。是哪些操作、按什么顺序造出了它？写下来（“a fork 出 b”“b 退出”），然后按回车键看答案。".to_string()
    }

    fn quiz_moves_were(&self) -> String {
        "这些操作是：".to_string()
    }

    fn quiz_go(&self) -> String {
        "按回车键，真的运行一遍。\n".to_string()
    }

    fn ask_prompt(&self) -> (&'static str, &'static str) {
        ("？", "  你的答案（输入后按回车）：")
    }

    fn reveal_hint(&self, hint: &crate::render::judge::Hint) -> String {
        use crate::render::judge::Hint;
        let pid = |p: &Option<i32>| p.map_or(String::new(), |p| format!("（PID {p}）"));
        match hint {
            Hint::Subreaper { role, pid: p } => format!(
                "    内核把孤儿进程交给最近的、设为子进程收养者（child subreaper）的祖先进程；\
                 只有没有这样的祖先时，才交给 init（它所在 PID 命名空间的 1 号进程）：\
                 {role}{}用 prctl(PR_SET_CHILD_SUBREAPER) 把自己设成了收养者，\
                 所以由它收养了这个孤儿进程。\n",
                pid(p)
            ),
            Hint::OtherProcess { role, pid: p } => {
                format!("    那是 {role}{}：演示中的另一个进程。\n", pid(p))
            }
        }
    }

    fn worksheet(&self) -> &'static str {
        "问题（先作答，再运行演示；--predict 会在运行中逐题提问）"
    }

    fn answer_key(&self) -> &'static str {
        "答案：本次运行中内核给出的结果"
    }

    fn pause(&self, step_text: &str, line: usize) -> String {
        format!("▸ 下一步，第 {line} 行：{step_text} · [回车] 运行 · [c] 运行其余步骤 · [q] 退出")
    }

    fn lang(&self) -> crate::render::Lang {
        crate::render::Lang::Zh
    }

    fn state(&self, state: State) -> &'static str {
        match state {
            State::Running => "运行中或可运行",
            State::Sleeping => "睡眠，可中断",
            State::DiskSleep => "睡眠，不可中断",
            State::Stopped => "被信号暂停",
            State::TracingStop => "被跟踪它的进程暂停",
            State::Zombie => "僵尸态：已退出，尚未被回收",
            State::Dead => "已死亡，正在被移除",
            State::Idle => "空闲的内核线程",
            State::Parked => "停放（parked）",
            State::Gone => "已消失：已被回收，/proc 中不再有它",
        }
    }

    fn exit_status(&self, status: ExitStatus) -> String {
        match status {
            ExitStatus::Exited(code) => format!("WIFEXITED，WEXITSTATUS = {code}"),
            ExitStatus::Killed(sig) => {
                format!("WIFSIGNALED，WTERMSIG = {sig}（{}）", self.signal(sig))
            }
            ExitStatus::Stopped(sig) => {
                format!("WIFSTOPPED，WSTOPSIG = {sig}（{}）", self.signal(sig))
            }
            ExitStatus::Continued => "WIFCONTINUED".to_string(),
        }
    }

    fn signal(&self, signal: i32) -> String {
        crate::render::signal_name(signal)
    }

    fn errno(&self, errno: i32) -> String {
        format!("{}（{}）", errno_name(errno), errno_text(errno))
    }

    fn call_failed(&self, call: Call, errno: i32) -> String {
        format!("{} 失败：{}", call.name(), self.errno(errno))
    }

    fn sigchld(&self, disposition: Option<Disposition>) -> &'static str {
        match disposition {
            Some(Disposition::Default) => "默认",
            Some(Disposition::Ignored) => "忽略",
            Some(Disposition::Caught) => "捕获",
            None => "-",
        }
    }

    fn sigchld_column(&self, disposition: Option<Disposition>) -> &'static str {
        match disposition {
            Some(Disposition::Default) => "默认",
            Some(Disposition::Ignored) => "忽略（SigIgn）",
            Some(Disposition::Caught) => "处理函数（SigCgt）",
            None => "-",
        }
    }

    #[rustfmt::skip]
    fn say(&self, msg: &Msg) -> String {
        match msg {
            Msg::PipeMade { read_fd, write_fd, capacity } => format!("pipe() 返回 fd {read_fd}（读端）和 fd {write_fd}（写端），两者都是 close-on-exec，和 Python 的 os.pipe() 一样；F_GETPIPE_SZ：管道容量为 {capacity} 字节"),
            Msg::Closed { fd, end } => format!("close({fd}) 返回 0：这个进程不再持有{}", end_word(*end)),
            Msg::ReadEof { fd } => format!("read({fd}) 返回 0：文件结束（EOF），已经没有任何进程持有写端"),
            Msg::ReadText { fd, bytes, text } => format!("read({fd}) 返回 {bytes} 字节：{text:?}"),
            Msg::ReadBytes { fd, bytes } => format!("read({fd}) 返回 {bytes} 字节"),
            Msg::Wrote { fd, bytes } => format!("write({fd}) 返回 {bytes}"),
            Msg::Filled { fd, bytes, capacity } => format!("write({fd}) 一次写 {bytes} 字节（管道容量 {capacity} 再加一页），返回 {bytes}：管道最多只能容纳它的容量，所以只有在读者取走一些字节之后，这次调用才能返回"),
            Msg::WorkedHidden => "它的循环结束了：read() 返回 0，文件结束（它取到了哪些任务由调度器决定：--stable 不显示）".into(),
            Msg::WorkedNone => "一个任务也没有取到（别的工作进程先取走了），然后 read() 返回 0：文件结束".into(),
            Msg::Worked { count, done } => format!("取了 {count} 个任务（{}），每个都发回了结果，然后 read() 返回 0：文件结束", done.join("，")),
            Msg::Mapped { count, each, who } => format!("一次写一个任务，读回它的结果后再写下一个，共 {count} 个：{}{who}", each.join("，")),
            Msg::MapItem { task, value } => format!("{task} → {value}"),
            Msg::MapItemFrom { task, value, pid } => format!("{task} → {value}（来自 {pid}）"),
            Msg::WorkersHidden => "（每个结果由哪个工作进程算出，由调度器决定：--stable 不显示）".into(),
            Msg::Workers { distinct } => format!("，来自 {distinct} 个不同的工作进程 PID"),
            Msg::UnsharedPid => "unshare(CLONE_NEWPID) 返回 0：它的下一个子进程将是一个新 PID 命名空间中的 1 号进程".into(),
            Msg::UnsharedUser => "单独的 unshare(CLONE_NEWPID) 被拒绝了（EPERM：没有 CAP_SYS_ADMIN），所以像 `unshare -Urpf` 那样，unshare(CLONE_NEWUSER | CLONE_NEWPID) 返回 0：一个新的用户命名空间（它在其中拥有这项权限），它的下一个子进程将是一个新 PID 命名空间中的 1 号进程".into(),
            Msg::SignalSet { signal, mode } => format!("sigaction() 返回 0：{signal} 现在的处理方式：{}", signal_mode(*mode)),
            Msg::Masked { how, set, blocked, after } => format!("sigprocmask({how}, {set}) 返回 0；现在被阻塞的信号：{blocked}{after}"),
            Msg::Delivered { runs } => format!("。在这次调用返回之前，未决的信号被递送了：{runs}"),
            Msg::NoHandlerRan => "；没有信号处理函数运行".into(),
            Msg::NoHandlerYet => "还没有信号处理函数运行过".into(),
            Msg::HandledSoFar { runs } => format!("到目前为止，{runs}"),
            Msg::HandlerRuns { ran, waits } => format!("{}{waits}", ran.join("，")),
            Msg::HandlerRan { signal, times } => format!("{signal} 的信号处理函数运行了 {times} 次"),
            Msg::HandlerWaits { each } if each.len() == 1 => format!("：waitpid(-1, WNOHANG) 返回 {}", each[0]),
            Msg::HandlerWaits { each } => format!("：waitpid(-1, WNOHANG) 依次返回 {}", each.join("，然后 ")),
            Msg::WaitNone => "0（还有子进程，但没有一个结束）".into(),
            Msg::WaitError { errno } => format!("-1（{errno}）"),
            Msg::WaitPid { pid, status } => format!("{pid}（{status}）"),
            Msg::Printed { bytes, pending } => format!("printf() 把 {bytes} 字节放进它的 stdio 缓冲区，现在那里有 {pending} 字节等待，还没有写出（它的 stdout 是管道：全缓冲）"),
            Msg::FlushedNothing => "fflush() 没有发现等待写出的内容".into(),
            Msg::Flushed { bytes } => format!("fflush() 写出了等待中的 {bytes} 字节"),
            Msg::AtexitSet => "atexit() 注册了处理函数：exit() 会运行它，_exit() 不会".into(),
            Msg::ExitingFlushing { code, pending } => format!("exit({code})：运行 atexit 处理函数，刷新它的 stdio 缓冲区（当时有 {pending} 字节在等待），然后调用 _exit({code})"),
            Msg::OpenedCloexec { fd } => format!("open() 返回 fd {fd}，带 close-on-exec：execve() 会关闭它"),
            Msg::Opened { fd } => format!("open() 返回 fd {fd}，不带 close-on-exec：execve() 会保留它"),
            Msg::Execed { pid } => format!("execve() 没有返回：procdemo 的程序在同一个进程里重新开始运行，并从 PID {pid} 报告了这一点"),
            Msg::RunningExe { comm, exe } => format!("execve() 没有返回：这个进程现在运行 {exe}，命令名是 {comm}"),
            Msg::RunningExited { comm } => format!("execve() 没有返回：这个进程的命令名现在是 {comm}（它已经退出了：没有 exe 可读）"),
            Msg::RunningComm { comm } => format!("execve() 没有返回：这个进程的命令名现在是 {comm}"),
            Msg::ForkedBoth { pid, returned } => format!("fork() 向父进程返回 {pid}，向子进程返回 {returned}"),
            Msg::Forked { pid } => format!("fork() 返回 {pid}，即新进程的 PID"),
            Msg::OwnPid { pid } => format!("getpid() 返回 {pid}：它自己的 PID（在它自己看来）"),
            Msg::Vforked { pid, child } => format!("子进程结束后，clone(CLONE_VFORK) 返回 {pid}，即新进程的 PID（没有 CLONE_VM：子进程有自己的内存）。{child}"),
            Msg::VforkChildSaid { returned } => format!("在新进程中它曾返回 {returned}（新进程自己报告的）。"),
            Msg::Reaped { pid, status, decoded } => format!("返回 {pid}，状态 {status}：{decoded}"),
            Msg::NotYetOnce => "返回 0：有子进程，但还没有一个结束".into(),
            Msg::NotYet { polls } => format!("连续 {polls} 次返回 0：还没有子进程结束"),
            Msg::ReapedAtFirst { pid, status, decoded } => format!("第一次调用就返回 {pid}，状态 {status}：{decoded}"),
            Msg::PolledThenReaped { zeros, pid, status, decoded } => format!("在没有子进程退出时{zeros}，然后返回 {pid}，状态 {status}：{decoded}"),
            Msg::ZerosHidden => "一次又一次地返回 0（次数每次不同：--stable 下不显示）".into(),
            Msg::Zeros { times } => format!("{times} 次返回 0"),
            Msg::Peeked { pid, how } => format!("waitid(WNOWAIT) 读到 {pid} {how}，并没有回收它"),
            Msg::CldExited { status } => format!("CLD_EXITED，退出状态 {status}"),
            Msg::CldKilled { signal } => format!("CLD_KILLED，被 {signal} 杀死"),
            Msg::CldDumped { signal } => format!("CLD_DUMPED，被 {signal} 杀死"),
            Msg::CldOther { code, status } => format!("si_code {code}，si_status {status}"),
            Msg::Blocking => "在 read() 中睡眠，等待下一条命令".into(),
            Msg::Listening { fd, backlog, chose } => format!("socket() 返回 fd {fd}；bind() 到 127.0.0.1 的 0 号端口和 listen(fd {fd}, {backlog}) 都返回 0；getsockname() 表明内核选择了{chose}"),
            Msg::PortHidden => "一个端口（端口号每次不同：--stable 下不显示）".into(),
            Msg::Port { port } => format!("端口 {port}"),
            Msg::Accepted { fd, from, pid, child } => format!("accept() 返回 fd {fd}，一个来自 {from}的连接；fork() 返回 {pid}，即新进程的 PID{child}，由新进程为这个连接服务；服务端关闭了自己的 fd {fd} 副本"),
            Msg::PeerHidden => "127.0.0.1（客户端的端口号每次不同：--stable 下不显示）".into(),
            Msg::Peer { port } => format!("127.0.0.1 端口 {port} "),
            Msg::AcceptChildSaid { returned } => format!("（在新进程中它返回 {returned}，新进程自己报告的）"),
            Msg::Connected { first, fd, ports } => format!("{first}socket() 返回 fd {fd}，connect() 连接 127.0.0.1 {ports}"),
            Msg::ClosedFirst { fd } => format!("先关闭了之前的连接（fd {fd}），然后"),
            Msg::PortsHidden => "上服务端的端口，返回 0（端口号每次不同：--stable 下不显示）".into(),
            Msg::Ports { port, local } => format!("端口 {port}，返回 0；这一端是端口 {local}"),
            Msg::Sent { bytes } => format!("send() 返回 {bytes}：发送了 {bytes} 个字节"),
            Msg::ReceivedEof => "recv() 返回 0：对方已经关闭了连接（文件结束）".into(),
            Msg::Received { bytes, text } => format!("recv() 返回 {bytes} 个字节：{text}"),
            Msg::Spinning => "正在运行一个忙循环".into(),
            Msg::CpuLooping => "正在运行一个从不主动让出 CPU 的忙循环".into(),
            Msg::Reniced { pid, asked, nice } => format!("setpriority(PRIO_PROCESS, {pid}, {asked}) 返回 0；getpriority() 现在读到它的 nice 值是 {nice}"),
            Msg::Signalled { pid, signal } => format!("kill({pid}, {signal}) 返回 0：信号已发出"),
            Msg::SigchldSet { mode } => format!("SIGCHLD 的处理方式现在是 {}", self.sigchld_mode(*mode)),
            Msg::NewSession { sid } => format!("setsid() 返回 {sid}：一个新的会话和进程组"),
            Msg::Niced { nice } => format!("nice 值现在是 {nice}"),
            Msg::Threaded => "第二个线程正在运行".into(),
            Msg::Locked { bytes } => format!("mlock() 锁定了 {bytes} 字节"),
            Msg::Terminal { sid } => format!("一个伪终端成为新会话 {sid} 的控制终端"),
            Msg::Traced { pid } => format!("对 {pid} 的 ptrace(PTRACE_SEIZE) 和 ptrace(PTRACE_INTERRUPT) 都成功了"),
            Msg::Untraced { pid } => format!("从 {pid} 上 ptrace(PTRACE_DETACH) 成功"),
            Msg::Allocated { size, pages } => format!("映射了 {size}，并写了全部 {pages} 页"),
            Msg::TouchedAbout { pages } => format!("写了 {pages} 页；它的次缺页数大约每写一页加一（确切数目每次不同：--stable 下不显示）"),
            Msg::Touched { pages, before, after, faults } => format!("写了 {pages} 页；它的次缺页数 {before} -> {after}：写 {pages} 页，+{faults}"),
            Msg::TicketFile { fd, left } => format!("memfd_create() 返回 fd {fd}：票务文件（在内存中、不在任何目录里的文件）；pwrite() 写入票数，pread() 读回：{left}"),
            Msg::TicketsLeft { left } => format!("剩下 {left} 张票"),
            Msg::CountedHidden => "pread() 读到抢票后剩下的票数（取决于调度器：--stable 不显示）".into(),
            Msg::CountedRaced { left, sales } => format!("pread() 读到抢票后{left}{sales}（这个数取决于调度器在哪里切换进程）"),
            Msg::Counted { left, sales } => format!("pread() 读文件：{left}{sales}"),
            Msg::Sales { count, buyers } => format!("，记录了 {count} 次售票：卖给 {}", list_words(buyers, "和")),
            Msg::Bought { read, wrote } => format!("它先前读到 {read}，于是 pwrite() 写回 {wrote}，write() 把这次售票追加到文件里：购票成功"),
            Msg::SoldOut { read } => format!("它先前读到 {read}：购票失败（票已售完），什么也没写"),
            Msg::FileLocked { fd } => format!("open() 给了它 fd {fd}（它自己的打开文件描述），flock(fd, LOCK_EX) 返回 0：它持有锁"),
            Msg::FileUnlocked { fd } => format!("flock(fd {fd}, LOCK_UN) 返回 0，fd {fd} 已关闭：锁已释放"),
            Msg::Raced { steps } => format!("完成 {steps} 步：每步 pread() 读票数，再 pwrite() 写回减一后的数，不加锁"),
            Msg::TotalDeadline { timeout } => format!("脚本运行超过了它的总时限 {timeout}"),
            Msg::CannotAct { role, step, why } => format!("`{role}` 无法执行 `{step}`：{}", self.unable(*why)),
            Msg::TooBusy { role, step, waited, cpu } => format!("机器太忙：在 `{step}` 上等了 {waited} 之后，`{role}` 仍是可运行的（R：就绪或正在运行），但到脚本的总时限用完时它只得到了 {cpu} 的 CPU 时间。脚本和内核的回答都没有问题；请在机器不那么忙时再运行一次"),
            Msg::TargetGone { role, step, target } => format!("`{role}` 无法执行 `{step}`：`{target}` 已经消失（它在脚本的步骤之外死亡并被回收），它的 PID 现在可能属于另一个进程，所以什么也没有发送"),
            Msg::CommandNotSent { role, step, failed } => format!("无法把 `{step}` 发给 `{role}`：{failed}"),
            Msg::ForkRefused { role, call, errno, limit } => format!("`{role}` 无法创建进程：{call} 失败，{errno}{limit}"),
            Msg::NprocLimit { limit } => format!("。超过每个用户的上限 RLIMIT_NPROC（`ulimit -u`，这里是 {limit}）或系统的 pid 上限时，内核拒绝创建新进程；请结束一些进程或提高上限"),
            Msg::Unlimited => "不限".into(),
            Msg::NoHello { role, within } => format!("新进程 `{role}` 没有在 {within} 之内报告"),
            Msg::DiedDuring { role, step, seen } => format!("`{role}` 在执行 `{step}` 时死亡，没来得及报告：{seen}。（被内核的 OOM killer 结束的进程死于 SIGKILL；从外部 `kill -9` 的也一样。）"),
            Msg::Needed { role, failed } => format!("`{role}`：{failed}。后面的步骤依赖它本该创建的东西（一块内存区域、第二个线程），所以演示在这里停止"),
            Msg::NoResult { role, step, within, seen, hint } => format!("`{role}` 没有在 {within} 之内完成 `{step}`；{seen}{hint}"),
            Msg::AmpersandHint { role } => format!("。如果这个动作本来就会阻塞，请在行末加 `&`，并在解除阻塞的步骤之后加 `await {role} done`"),
            Msg::NotStarted { role, step, within, seen } => format!("`{role}` 没有在 {within} 之内开始 `{step}`；{seen}"),
            Msg::RunnerWaitTimeout { role, within, seen } => format!("runner 对 `{role}` 的 waitpid 没有在 {within} 之内返回：这个子进程还没有退出；{seen}"),
            Msg::AwaitTimeout { role, cond, deadline, reads, seen } => format!("等待 `{role}` {deadline}{cond}，但{reads}之后仍然不是：{seen}"),
            Msg::Reads { reads } => format!("读了 {reads} 次 /proc "),
            Msg::Within { within } => format!("在 {within} 之内"),
            Msg::BeforeTotal { total } => format!("在脚本的总时限 {total} 用完之前"),
            Msg::DoneTimeout { role, step, deadline, seen } => format!("等待 `{role}` {deadline}完成 `{step}`，但它没有完成；{seen}"),
            Msg::MeasureGone { role } => format!("无法测量 `{role}`：它已经消失"),
            Msg::MeasureZombie { role } => format!("无法测量 `{role}`：没有 smaps（僵尸进程没有内存）"),
            Msg::RegionMissing { role, addr, pid } => format!("无法测量 `{role}`：它在 {addr:#x} 的内存区域不在 /proc/{pid}/smaps 中"),
            Msg::ExpectFailed { role, field, cmp, operand, wanted, actual, unit } => format!("期望 `{role}` 的 {field} {cmp} {operand}（{wanted}{unit}），但内核报告的是 {actual}{unit}"),
            Msg::RegionSize => "内存区域的大小".into(),
            Msg::FieldOf { role, field } => format!("`{role}` 的 {field}"),
            Msg::FigureMissing { role, field } => format!("无法检查 `{role}` 的 {field}：它最近一次 `measure` 没有这个数字（没有 `alloc` 区域，或 `faults` 只测量了一次）"),
            Msg::OperandMissing { operand } => format!("无法与 {operand} 比较：它没有被测量过"),
            Msg::OperandMissingOf { role, field } => format!("无法检查 `{role}` 的 {field}：与它比较的值没有被测量过"),
            Msg::TryNotRefusal { step, call, errno } => format!("`{step}`：{call} 失败，{errno}，这不是权限上的拒绝：`try` 只接受 EPERM 或 EACCES"),
            Msg::PsDisagrees { role, pid, ours, theirs } => format!("--check-ps：`{role}`（pid {pid}）在 /proc 中的 STAT 是 {ours}，但 ps -o stat= 给出 {theirs:?}"),
            Msg::PsFailed { errno } => format!("--check-ps：无法运行 ps：{errno}"),
            Msg::PsUnavailable => "--check-ps：无法运行 ps".into(),
            Msg::ProcUnreadable { path, role, pid, why } => format!("无法为 `{role}`（pid {pid}）读取 {path}{why}。/proc 是否以 hidepid 挂载，或者这个进程属于另一个用户？"),
            Msg::Because { errno } => format!("：{errno}"),
            Msg::NoProc { errno } => format!("无法读取 /proc/self/stat（{errno}）：procdemo 的每个状态都从 /proc 读出，所以必须挂载 procfs（mount -t proc proc /proc）"),
            Msg::NoProcfs => "无法理解 /proc/self/stat：/proc 是真正的 procfs 吗？".into(),
            Msg::Setup { failed } => format!("runner 无法完成自身的准备：{failed}"),
            Msg::GarbledReport => "一个参与者（actor）发来了无法读懂的报告".into(),
            Msg::ShareGone { role } => format!("无法读取 `{role}` 的 CPU 时间：它已经不在了"),
            Msg::ShareZombie { role } => format!("无法读取 `{role}` 的 CPU 时间：它是僵尸进程，不再运行"),
            Msg::NoSchedstat { role, pid } => format!("无法读取 `{role}` 的 CPU 时间：/proc/{pid}/schedstat 不存在或全为 0（这个内核不在那里记录每个进程的 CPU 时间：CONFIG_SCHED_INFO）"),
            Msg::ShareDeadline { role, used, wanted, waited } => format!("脚本的总时限在 {waited} 后用完时，`{role}` 只用了 {used} 的 CPU 时间（要求 {wanted}）：机器太忙，或者它没有在运行"),
            Msg::RunnerCrashed { name, code, left } => format!("`{name}` 的 runner 崩溃了（退出码 {code}）{left}"),
            Msg::RunnerKilled { name, signal, left } => format!("`{name}` 的 runner 被 {signal} 杀死{left}"),
            Msg::RunnerOverran { name, left } => format!("`{name}` 的 runner 没有在时限内结束，已被杀死{left}"),
            Msg::RunnerGarbled { name, left } => format!("`{name}` 的 runner 发来了无法读懂的事件{left}"),
            Msg::RunnerLeft { left } => format!("；前端杀死并回收了它留下的 {left} 个进程"),
            Msg::DescribeGone { who } => format!("{who} 已经消失"),
            Msg::DescribeHidden { who } => format!("{who} 最后看到的状态{PRIVILEGE_HIDDEN}"),
            Msg::Describe { who, code, meaning, wchan, status, ppid } => format!("{who} 最后看到的状态是 {code}（{meaning}）{wchan}{status}{ppid}"),
            Msg::Who { role, pid } => format!("`{role}`（pid {pid}）"),
            Msg::Wchan { wchan } => format!("，在 {wchan} 中等待"),
            Msg::Holding { status, decoded } => format!("，保存着状态 {status}（{decoded}）"),
            Msg::PpidIs { ppid } => format!("，PPID {ppid}"),
            Msg::Unreadable => "无法从 /proc 读到它的状态".into(),
            Msg::Refused => "（被拒绝：`try` 接受这个结果，以 `if permitted` 结尾的步骤会被跳过）".into(),
            Msg::AlreadyTraced { tracer } => format!("（不是缺少权限：目标已经有一个跟踪者 {tracer}，而一个进程同一时间只能有一个跟踪者；以 `if permitted` 结尾的步骤会被跳过）"),
            Msg::TracerComm { comm, pid } => format!("{comm}（pid {pid}）"),
            Msg::AnotherProcess => "另一个进程".into(),
            Msg::TracerPid { pid } => format!("pid {pid}"),
            Msg::WatchBegin { watcher, limit, command } => format!("procdemo 观察 `{command}`：观察进程 {watcher} 跟踪（ptrace，与 strace -f 相同）该程序创建的每个进程，并且是它们的子进程回收者（subreaper）。时间从程序的第一个进程创建时算起；状态约每毫秒从 /proc 读取一次（procdemo 自己造成的被跟踪暂停 `t` 从不当作程序的状态显示）。同时存活的进程最多 {limit} 个。"),
            Msg::WatchStarted { pid, watcher } => format!("{pid} 由 procdemo 的观察进程 {watcher} 启动"),
            Msg::WatchCreated { parent, pid, how } => format!("{parent} 用 {how} 创建了 {pid}"),
            Msg::ByFork => "fork()".into(),
            Msg::ByVfork => "vfork()（父进程挂起，直到子进程 exec 或退出；等待期间 /proc 显示 D）".into(),
            Msg::ByClone => "clone()（新的进程，不是线程）".into(),
            Msg::WatchThread { process, tid } => format!("{process} 启动了线程 {tid}（线程不是进程：单独计数）"),
            Msg::WatchExec { pid, command } => format!("{pid} 执行新程序（exec）`{command}`"),
            Msg::WatchState { pid, letter, meaning } => format!("{pid} 处于 {letter}（{meaning}）"),
            Msg::WatchStopped { pid, signal } => format!("{pid} 被 {signal} 暂停：T（procdemo 作为跟踪者持有这次暂停时，内核显示 t）"),
            Msg::WatchContinued { pid } => format!("{pid} 继续运行（SIGCONT）"),
            Msg::WatchExit { pid, status, core } => format!("{pid} 退出：{status}{core}"),
            Msg::CoreDumpedSuffix => "（已转储 core）".into(),
            Msg::StatusExited { code } => format!("退出码 {code}"),
            Msg::StatusKilled { signal } => format!("被 {signal} 杀死"),
            Msg::StatusStopped { signal } => format!("被 {signal} 暂停"),
            Msg::StatusContinued => "继续运行".into(),
            Msg::WatchDeadWaited { pid, parent } => format!("{pid} 已死亡；它的父进程 {parent} 已在 wait() 中等待它，立即取走它的状态"),
            Msg::WatchZombie { pid, parent } => format!("{pid} 成为僵尸进程（Z），直到它的父进程 {parent} 回收它"),
            Msg::WatcherSubreaper { pid } => format!("{pid}（procdemo 的观察进程，子进程回收者）"),
            Msg::WatchSignal { pid, signal, from, what } => format!("{pid} 收到来自{from}的 {signal}：{what}"),
            Msg::FromKernelChild { code, child } => format!("内核（{code}：它的子进程 {child}）"),
            Msg::FromSender { name, how } => format!("{name}，经 {how}"),
            Msg::FromKernelCode { code } => format!("内核（{code}）"),
            Msg::FromKernel => "内核".into(),
            Msg::ActionHandled => "它的处理函数运行".into(),
            Msg::ActionIgnored => "被忽略".into(),
            Msg::ActionStopped => "它暂停".into(),
            Msg::ActionContinued => "它继续运行".into(),
            Msg::ActionKilled => "它被杀死".into(),
            Msg::WatchRenamed { pid, comm } => format!("{pid} 把自己改名为 {comm}（prctl(PR_SET_NAME)，没有 exec）"),
            Msg::WatchReapedByParent { pid, parent, after } => format!("{pid} 被它的父进程 {parent} 回收{after}"),
            Msg::WatchReapedAtOnce { pid, parent } => format!("{pid} 立即被它的父进程 {parent} 回收（procdemo 还没来得及读到 Z 它就消失了）"),
            Msg::WatchReapedByWatcher { pid } => format!("{pid} 被 procdemo 的观察进程（它的父进程，如同 shell）回收"),
            Msg::WatchReapedBySubreaper { pid, watcher, after } => format!("{pid} 被 procdemo 的观察进程 {watcher} 作为子进程回收者回收{after}：程序自己从未回收它"),
            Msg::WatchReleased { pid } => format!("{pid} 立即被内核释放：它的父进程忽略了 SIGCHLD，所以它从未作为僵尸进程等待父进程（在 ptrace 下它只等待跟踪者 procdemo 读取它的退出状态）"),
            Msg::AfterZombie { time } => format!("，此前做了 {time} 的僵尸进程"),
            Msg::WatchOrphaned { pid, from, to } => format!("{pid} 成为孤儿进程：它的父进程 {from} 已经不在；内核把它交给 {to} 收养"),
            Msg::WatchMainExited { pid, status, rest } => format!("{pid}（程序的第一个进程）结束了（{status}）：procdemo 以它的退出码退出。{rest}"),
            Msg::NothingAlive => "这个进程家族已没有存活的进程。".into(),
            Msg::StillAlive { pids } => format!("仍然存活：{}。", pids.join("、")),
            Msg::WatchKilled { why, pids } => format!("{why}；向 {} 发送 SIGKILL", pids.join("、")),
            Msg::KillLimit => "同时存活的进程超过上限（--max-procs）：procdemo 停止这个程序".into(),
            Msg::KillSurvivors => "--kill-rest：procdemo 杀死第一个进程结束后仍存活的进程".into(),
            Msg::KillFrontEndGone => "procdemo 即将结束：不允许任何进程比它活得更久".into(),
            Msg::WatchEnd => "这个进程家族的每个进程都已被回收".into(),
            Msg::WatchCounts { processes, threads, execs, peak } => format!("共创建 {processes}（含第一个），{threads}，{execs}；同时存活的进程最多 {peak} 个。"),
            Msg::Processes { count } => format!("{count} 个进程"),
            Msg::Threads { count } => format!("{count} 个线程"),
            Msg::Execs { count } => format!("{count} 次 exec"),
            Msg::WatchWrappersRan { wrappers, processes } => format!("程序启动前，它的包装程序（{}）运行了 {processes}：下面不列出（--all 显示它们）。", wrappers.join("、")),
            Msg::WatchReapedAtOnceList { shown } => format!("立即回收：{shown}：它们死亡时父进程已阻塞在 wait() 中，立刻取走了状态。这是正常情况，不是泄漏。"),
            Msg::WatchPids { pids } => pids.join("、"),
            Msg::WatchPidsCut { pids, total } => format!("{}……（共 {total} 个）", pids.join("、")),
            Msg::WatchNoZombies => "等待父进程回收的僵尸进程：没有。".into(),
            Msg::WatchZombies { rows } => format!("等待父进程回收的僵尸进程：{}。它们死亡时父进程在忙别的事，僵尸保留着 PID 和退出状态，直到父进程调用 wait()；父进程始终不回收的就是泄漏（长期运行的父进程会让它们占满进程表）。", rows.join("；")),
            Msg::ZombieRow { pid, how_long, by } => format!("{pid} 持续 {how_long}（{by}）"),
            Msg::UntilTheEnd => "直到结束".into(),
            Msg::ZombieReapedBy { name } => format!("由 {name} 回收"),
            Msg::ZombieReapedByProcdemo => "由 procdemo 回收".into(),
            Msg::ZombieReleased => "由内核释放".into(),
            Msg::ZombieNeverReaped => "观察期间从未被回收".into(),
            Msg::WatchReleasedList { pids } => format!("从未成为僵尸进程（父进程忽略了 SIGCHLD）：{}。", pids.join("、")),
            Msg::WatchNoOrphans => "孤儿进程：没有。".into(),
            Msg::WatchOrphans { rows } => format!("孤儿进程：{}。", rows.join("；")),
            Msg::OrphanRow { pid, from, to } => format!("{pid}（父进程 {from} 已不在）→ {to}"),
            Msg::TheWatcher { pid } => format!("procdemo 的观察进程 {pid}"),
            Msg::WatchNeverReaped { pids } => format!("程序从未回收 {}：由它们的子进程回收者 procdemo 回收。", pids.join("、")),
            Msg::WatchFirstEnded { pid, status } => format!("第一个进程 {pid} 结束：{status}。"),
            Msg::WatchAliveAtEnd { pids, fate } => format!("它结束时仍存活：{}：{fate}。", pids.join("、")),
            Msg::FateKilled => "已被 procdemo 杀死（--kill-rest）".into(),
            Msg::FateLeftAlone => "未被干预，一直观察到它们结束（--kill-rest 会杀死它们）".into(),
            Msg::WatchStoppedAtLimit { limit, processes } => format!("达到同时存活 {limit} 个进程的上限而停止：procdemo 杀死并回收了 {processes}。"),
            Msg::WatchKilledAsItEnded { processes } => format!("procdemo 结束时杀死了 {processes}。"),
            Msg::WatchInterrupted { signal } => format!("被 {signal} 中断：procdemo 杀死并回收了整个进程家族。"),
            Msg::WatchEndedEarly => "观察提前结束：观察进程不再报告。".into(),
            Msg::WatchParts { parts } => parts.join("，"),
            Msg::NodeExec { command } => format!("exec `{command}`"),
            Msg::NodeExecWrapped { command, count, wrappers } => format!("exec `{command}`，经过 {count} 层包装：{}", wrappers.join("、")),
            Msg::NodeAlive => "仍然存活".into(),
            Msg::NodeCoreDumped => "已转储 core".into(),
            Msg::NodeReapedAtOnce => "立即回收（父进程已在等待）".into(),
            Msg::NodeZombie { time } => format!("僵尸 {time}"),
            Msg::NodeSignals { count } => format!("{count} 个信号"),
            Msg::NodeOrphanToProcdemo => "孤儿，由 procdemo 收养".into(),
            Msg::NodeOrphanTo { to } => format!("孤儿，由 {to} 收养"),
            Msg::NodeReapedBy { pid } => format!("由 {pid} 回收"),
            Msg::NodeReapedByWatcher => "由 procdemo（它的父进程）回收".into(),
            Msg::NodeReapedBySubreaper => "由 procdemo（子进程回收者）回收".into(),
            Msg::NodeReleased => "由内核释放（SIGCHLD 被忽略）".into(),
            Msg::WatchHelpers { processes, wrappers } => format!("程序启动前包装程序（{}）运行的 {processes}（--all 显示它们）", wrappers.join("、")),
            Msg::WatchFoldBegins { parent, shown } => format!("{parent} 已创建 {shown} 个子进程：此后它的其余子进程的常规行（创建、以退出码退出、僵尸、被它回收、它收到的 SIGCHLD）被折叠；其他关于它们的事仍会显示（--all 显示每一行）"),
            Msg::WatchFolded { lines, children } => format!("折叠了关于 {children} 个子进程的 {lines} 行常规事件；下面的摘要和进程树仍计入每一个"),
            Msg::GroupHead { count, parent, how } => format!("{parent} 的 {count} 个这样的子进程：{how}"),
            Msg::GroupExited { code } => format!("退出码 {code}"),
            Msg::GroupExitedRange { lo, hi } => format!("退出码 {lo}–{hi}"),
            Msg::GroupKilled { count } => format!("{count} 个被信号杀死"),
            Msg::GroupReapedWithin { lo, hi } => format!("每个都在 {lo}–{hi} µs 内被父进程回收"),
            Msg::GroupZombies { count } => format!("{count} 个曾作为僵尸等待"),
            Msg::WatchNoInterpreter { command, interpreter, errno } => format!("{command}：无法执行：找不到它的解释器 {interpreter}（#! 行有误；execve：{errno}）"),
            Msg::Unnamed => "（未命名）".into(),
            Msg::WatchNotFound { command, errno } => format!("{command}：找不到这个命令（execvp：{errno}）"),
            Msg::WatchCannotRun { command, errno } => format!("{command}：无法运行（execvp：{errno}）"),
            Msg::WatchTracedAlready { command, tracer, errno } => format!("无法跟踪 `{command}`：procdemo 自己正被进程 {tracer} 跟踪（例如 strace -f 或 gdb），那个跟踪者已经跟上了新进程（PTRACE_SEIZE：{errno}）。请不带跟踪者运行 procdemo watch。"),
            Msg::WatchCannotTrace { command, errno } => format!("无法跟踪 `{command}`（PTRACE_SEIZE：{errno}）：这里是否禁止了 ptrace（容器的 seccomp 策略，kernel.yama.ptrace_scope = 3）？"),
            Msg::WatchSetupFailed { call, errno } => format!("procdemo watch 无法完成准备：{call} 失败：{errno}"),
            Msg::WatchLost => "procdemo 的观察进程在观察结束前就结束了：它留下的每个进程都已被杀死并回收".into(),
            Msg::NotObserved => "（未观察到）".into(),
            Msg::VaryingHidden => "（一个每次不同的计数：--stable 下不显示）".into(),
            Msg::NoExitCodeKilled { signal } => format!("无（被 {signal} 杀死）"),
            Msg::NoExitCodeStopped { signal } => format!("无（被 {signal} 暂停）"),
            Msg::NoExitCodeContinued => "无（已继续运行）".into(),
            Msg::NothingWritten => "什么也没有".into(),
            Msg::PrivilegeHidden => format!("（{PRIVILEGE_HIDDEN}）"),
            Msg::SchedulerHidden => "（由调度器决定：--stable 不显示）".into(),
            Msg::InState { code, meaning } => format!("处于状态 {code}（{meaning}）"),
            Msg::CondGone => "已消失（已被回收）".into(),
            Msg::CondReparented => "已被重新设置父进程".into(),
            Msg::ChildOf { role } => format!("`{role}` 的子进程"),
            Msg::CondDone => "已完成".into(),
            Msg::CondFlock => "阻塞在 flock() 中（S；/proc/locks 列出它的请求在等待）".into(),
            Msg::ShowingFlags { flags, .. } => format!("显示 STAT 标志 {flags}"),
            Msg::StateColumn { meaning, wchan, status, traced } => format!("{meaning}{wchan}{status}{traced}"),
            Msg::InWchan { wchan } => format!("，在 {wchan} 中"),
            Msg::HoldsStatus { status, decoded } => format!("；保存着退出状态 {status}（{decoded}）"),
            Msg::TracedBy { tracer } => format!("：{tracer} 在跟踪它，在跟踪者之下，每次暂停都显示为 t"),
            Msg::SeenAfter { time, reads } => format!("{time} 后看到{reads}"),
            Msg::ReadsOfProc { reads } => format!("，读了 {reads} 次 /proc"),
            Msg::ShareEndedStable { role, wanted, busy, floor } => format!("按内核自己的数字，`{role}` 用满 {wanted} 的 CPU 时间时，时间窗口结束（机器太忙、{busy} 的实际时间内给不了这么多时：到 {busy} 时结束，只要它已用了至少 {floor}）"),
            Msg::ShareCutShort { role, used, wanted, busy, floor, wall, reads } => format!("机器太忙，{busy} 内给不了 `{role}` {wanted} 的 CPU 时间：经过 {wall} 的实际时间后时间窗口结束，按内核自己的数字，它用了 {used}（至少要 {floor}），每个角色读了 {reads} 次"),
            Msg::OutputIsInput { option, path } => format!("{option} {path}：这个文件是本次运行的输入；procdemo 不会覆盖它"),
            Msg::OutputIsOtherOutput { option, path } => format!("{option} {path}：另一个输出也指向同一个文件"),
            Msg::OutputIsSymlink { option, path } => format!("{option} {path}：这是一个符号链接；procdemo 不通过符号链接写入（那会截断它指向的文件）"),
            Msg::OutputNotAFile { option, path } => format!("{option} {path}：不是普通文件（FIFO、设备或套接字）；procdemo 把输出写到文件里"),
            Msg::ForkWatcher { error } => format!("无法启动观察进程：fork 失败：{error}"),
            Msg::FamilyLimit { limit, seen } => format!("本次运行同时存活的进程超过了 {limit} 个（数到 {seen} 个）：它们是用 `exec` 启动的程序创建的，远多于演示自己的进程；它们全部先被暂停，然后被杀死"),
            Msg::ShareEnded { role, used, wanted, wall, reads } => format!("按内核自己的数字，`{role}` 用了 {used} 的 CPU 时间（要求 {wanted}）时，时间窗口结束：经过了 {wall} 的实际时间，每个角色读了 {reads} 次"),
            Msg::OneCpu { which } => format!("它们，以及读取 /proc 的 runner，都只能在{which} 上运行（Cpus_allowed_list）：任一时刻最多只有其中一个在 CPU 上，而每次读取时在 CPU 上的是 runner。"),
            Msg::OneCpuStable => "同一个 CPU".into(),
            Msg::CpuNumbered { cpu } => format!("CPU {cpu}"),
            Msg::NotOneCpu { each, runner } => format!("它们并不都在同一个 CPU 上（Cpus_allowed_list：{}；runner {runner}）：它们不一定互相竞争。", each.join("，")),
            Msg::WeightNote => "权重：内核的表 sched_prio_to_weight（kernel/sched/core.c）中该 nice 值对应的权重，抄自内核源码，不是从这个内核读出来的；按权重：竞争同一个 CPU 的任务按这些权重应得的份额。".into(),
            Msg::StatesNoteStable => "状态：时间窗口内读到的每一个状态字母。CPU 时间和份额取决于调度器和机器：--stable 不显示。".into(),
            Msg::CpuTimeNote { tick_ms } => format!("CPU 时间：取自 /proc/PID/schedstat（在 CPU 上的纳秒数）；TICKS：/proc/PID/stat 中的 utime + stime，单位是 {tick_ms} ms 的时钟滴答，也就是 ps 的 TIME 累加的数字；状态：时间窗口内读到的每一个状态字母。"),
            Msg::APipe => "一个管道".into(),
            Msg::CloexecSuffix => "，close-on-exec".into(),
            Msg::FdOpened { target, line, cloexec } => format!("{target}（第 {line} 行打开{cloexec}）"),
            Msg::FdOwnOutput { cloexec } => format!("一个管道：它自己的输出，由 procdemo 读取{cloexec}"),
            Msg::FdOutputOf { role, cloexec } => format!("一个管道：`{role}` 的输出{cloexec}"),
            Msg::FdCommandsOf { role, cloexec } => format!("一个管道：`{role}` 的命令{cloexec}"),
            Msg::FdReports { cloexec } => format!("一个管道：向 procdemo 报告{cloexec}"),
            Msg::FdOtherCloexec { target } => format!("{target}（close-on-exec）"),
            Msg::RegionIsMapped { size, at } => format!("{size}{at}：已映射"),
            Msg::RegionUnmapped { size, at } => format!("{size}{at}：已不再映射"),
            Msg::At { addr } => format!("，位于 {addr:#x}"),
            Msg::ExeProcdemoStable => "procdemo 自己的程序文件".into(),
            Msg::ExeProcdemo { path } => format!("{path}（procdemo 自己的程序文件）"),
            Msg::CmdlineProcdemoStable => "procdemo 自己的命令行（fork 会保留它）".into(),
            Msg::CmdlineProcdemo { args } => format!("{args}（procdemo 自己的：fork 会保留它）"),
            Msg::NsPids { outer, inner } => format!("外面是 {outer}，在它的 PID 命名空间里是 {}", inner.join("，再往里是 ")),
            Msg::OutputNothing => "什么也没有写".into(),
            Msg::OutputWrote { bytes } => format!("写了 {bytes} 字节："),
            Msg::OutputCut { bytes, shown } => format!("写了 {bytes} 字节；下面显示前 {shown} 字节："),
            Msg::ProcdemoPipes { numbers, count, cloexec } => format!("{numbers}：procdemo 自己的 {count} 个管道（命令、报告、其他角色的输出）{cloexec}"),
            Msg::Holds => "成立".into(),
            Msg::HoldsCheck { check } => format!("成立：{check}"),
            Msg::TryPermitted { step } => format!("`{step}` 被允许了：演示继续"),
            Msg::TryRefusedEnds { step } => format!("`{step}` 被拒绝了，而演示的其余部分需要它：演示到此结束，并且算作通过（在这个系统上、以这个用户身份，无法展示它）"),
            Msg::ScriptLine { source, runner } => format!("（脚本 {source}，runner pid {runner}）"),
            Msg::ScriptLineNoPid { source } => format!("（脚本 {source}）"),
            Msg::BuiltIn { path } => format!("{path}，内置"),
            Msg::UnknownDemo { name, closest, demos } => format!("没有名为 `{name}` 的演示。{closest}演示有：{}。（`procdemo list` 介绍它们；`procdemo run FILE` 运行你自己的脚本。）", demos.join("、")),
            Msg::DidYouMean { demo } => format!("你是想输入 `{demo}` 吗？"),
            Msg::UnknownTopic { name, topics } => format!("没有名为 `{name}` 的主题。主题有：{}。", topics.join("、")),
            Msg::NoDemo { demos } => format!("这里应当是一个演示（{}）或一个命令（list、all、run FILE、show DEMO、explain [TOPIC]）；`procdemo --help` 会解释它们", demos.join("、")),
            Msg::NoCommand => "这里应当是一个演示或一个命令".into(),
            Msg::CannotRead { path, error } => format!("无法读取脚本 {path}：{error}"),
            Msg::NotUtf8 { path, offset } => format!("{path}：不是 UTF-8 文本（偏移 {offset} 处的字节无效）：脚本是一个文本文件"),
            Msg::TooLarge { path, max_mib } => format!("脚本 {path} 大于 {max_mib} MiB，这是 procdemo 最多读取的大小：脚本是一个短小的文本文件"),
            Msg::NoTerminal { error } => format!("--step 和 --predict 等待在终端上输入的按键，而这里没有终端（/dev/tty：{error}）；没有终端时，请用 --delay MS 控制运行的节奏，或用 --answers 列出问题和答案"),
            Msg::NotForWatch { option } => format!("{option} 不适用于 procdemo watch（它运行一个程序，而不是演示脚本）"),
            Msg::ReportFile { path, error } => format!("-o {path}：{error}"),
            Msg::HtmlFile { path, error } => format!("--html {path}：{error}"),
            Msg::HtmlWithoutRun { command } => format!("--html 画的是一次运行，而 procdemo {command} 什么都不运行：请把 --html 给一个演示、all 或 run（没有写任何文件）"),
            Msg::GoneValue => "已消失".into(),
            Msg::NotJson { option, command } => format!("{option} 不适用于 procdemo {command}：它输出给人读的文字，不是 JSON"),
            Msg::WorksheetRunsNothing { option } => format!("--worksheet 只打印问题、什么都不运行，所以 {option} 没有可显示的内容：请去掉其中一个"),
            Msg::ReplayNotice { file, name } => format!("▶ 这是 `{name}` 的回放，录在 {file} 中：现在不运行任何进程；下面的每个 PID、状态和数值都是录制时从内核读到的"),
            Msg::BadRecording { file, line, error } => format!("{file}:{line}：不是录下的运行中的一行（procdemo DEMO --record-events 会写出这样的文件）：{error}"),
            Msg::QuizKey => "答案：每个练习真实运行时 /proc 显示的进程树（用角色名而不是 PID：在任何机器上都一样）".into(),
            Msg::UnknownOption { arg, .. } => format!("procdemo 没有选项 `{arg}`：`procdemo --help` 列出所有选项"),
            Msg::BadValue { arg, value, .. } => format!("`{arg}` 不接受值 `{value}`：`procdemo --help` 说明它接受什么值"),
            Msg::SetupFailed { call, error } => format!("{call}：{error}"),
            Msg::PipeFor { demo, error } => format!("无法为 `{demo}` 创建管道：{error}"),
            Msg::NoPipe { error } => format!("无法创建管道：{error}"),
            Msg::NoRunner { demo, error } => format!("无法为 `{demo}` 启动 runner：fork 失败：{error}"),
            Msg::NoWrite { error } => format!("无法写出输出：{error}"),
            Msg::NoProcStat { error } => format!("无法读取 /proc/self/stat（{error}）：procdemo 的每个状态都读自 /proc，所以必须挂载 procfs（mount -t proc proc /proc）"),
            Msg::ProcStatUnreadable { error } => format!("无法读取 /proc/self/stat：{error}"),
            Msg::ProcStatNotUnderstood => "无法理解 /proc/self/stat 的内容：/proc 是真正的 procfs 吗？".into(),
            Msg::CleanedUp { killed } => format!("最后，runner 杀死并回收了脚本留下的 {killed} 个仍在运行的进程"),
            Msg::Passed { passed, total, time } => format!("{total} 个演示中 {passed} 个通过{time}"),
            Msg::PassedIn { wall } => format!("，用时 {wall}"),
            Msg::Score { right, judged, more } => format!("得分：{judged} 题中答对 {right} 题{more}\n"),
            Msg::CompareYourself { unjudged } => format!("（另有 {unjudged} 题请自己比较）"),
            Msg::RevealRight { answer, shown } => format!("  ✓ 答对了：你答 {answer}，内核显示的是 {shown}\n"),
            Msg::RevealWrong { answer, shown } => format!("  ✗ 你答 {answer}；内核显示的是 {shown}\n"),
            Msg::RevealUnjudged { answer, shown } => format!("  你答 {answer}；内核显示的是 {shown}（请自己比较）\n"),
            Msg::PropForks { cmp, want } => format!("程序 fork 的进程数：{cmp} {want}"),
            Msg::PropZombies { cmp, want } => format!("作为僵尸等待父进程的子进程数：{cmp} {want}"),
            Msg::PropZombiesLeft { cmp, want } => format!("父进程始终没有回收的僵尸数：{cmp} {want}"),
            Msg::PropOrphans { cmp, want } => format!("孤儿进程数（父进程先于子进程退出）：{cmp} {want}"),
            Msg::PropAliveAtExit { cmp, want } => format!("第一个进程结束时仍存活的进程数：{cmp} {want}"),
            Msg::PropLongestZombie { at_least } => format!("有一个子进程作为僵尸存在至少 {at_least}"),
            Msg::PropReapedByParent => "每个子进程都由其父进程回收（wait）".to_string(),
            Msg::PropReapedByKernel => "每个子进程退出时都由内核立即释放（忽略 SIGCHLD）：没有一个作为僵尸等待".to_string(),
            Msg::PropReapedBySubreaper => "每个子进程都留给 subreaper：程序中没有进程回收它".to_string(),
            Msg::PropAdoptedBySubreaper => "每个孤儿都被 procdemo 的观察进程（subreaper）收养".to_string(),
            Msg::PropExitCodes { codes } => format!("子进程的退出码是 {codes}"),
            Msg::PropMainExit { code } => format!("程序的第一个进程以退出码 {code} 结束"),
            Msg::SeenCount { count } => format!("{count}"),
            Msg::SeenCountOf { count, pids } => format!("{count}（{pids}）"),
            Msg::SeenLongest { pid, duration } => format!("最长的僵尸是 {pid}，持续 {duration}"),
            Msg::SeenNoZombie => "没有子进程作为僵尸等待过".to_string(),
            Msg::SeenList { each } => each.join("；"),
            Msg::SeenReapedByParent { pid, parent } => format!("{pid} 由其父进程 {parent} 回收"),
            Msg::SeenReapedByKernel { pid } => format!("{pid} 由内核释放（忽略了 SIGCHLD）"),
            Msg::SeenReapedBySubreaper { pid } => format!("{pid} 由 procdemo（subreaper）回收：程序中没有进程等待它"),
            Msg::SeenNotReaped { pid } => format!("{pid} 从未被回收"),
            Msg::SeenAdoptedBy { pid, to } => format!("{pid} 被 {to} 收养"),
            Msg::SeenStatus { pid, status } => format!("{pid}：{status}"),
            Msg::SeenNoStatus { pid } => format!("{pid}：没有看到退出状态"),
            Msg::SeenNoChild => "没有子进程".to_string(),
            Msg::SeenMainStatus { status } => status.clone(),
            Msg::SeenMainUnknown => "没有看到它的退出".to_string(),
            Msg::HintForksFew { want } => format!("fork 得不够：任务要求 {want} 个（每个子进程调用一次 os.fork()）"),
            Msg::HintForksMany { want } => format!("fork 得太多：任务要求 {want} 个；子进程若继续执行父进程的循环会再次 fork（用 os._exit 结束它）"),
            Msg::HintZombiesFew => "没有子进程作为僵尸等待：父进程必须比子进程活得久，并且先不要 wait".to_string(),
            Msg::HintZombiesMany => "有子进程作为僵尸等待：在 fork 之前把 SIGCHLD 设为 SIG_IGN（signal.signal(signal.SIGCHLD, signal.SIG_IGN)），或用 os.waitpid 回收它".to_string(),
            Msg::HintZombiesLeft => "留下了僵尸：它的父进程结束时没有对它调用 os.wait()/os.waitpid()，于是由 procdemo（像 init 那样）回收".to_string(),
            Msg::HintOrphansFew => "没有进程比它的父进程活得久：父进程必须在子进程仍在运行时退出（不调用 os.wait）".to_string(),
            Msg::HintOrphansMany => "有进程比它的父进程活得久：父进程退出前必须等待它的子进程".to_string(),
            Msg::HintAliveFew => "第一个进程必须在其子进程仍在运行时结束".to_string(),
            Msg::HintAliveMany => "第一个进程先于子进程结束：先等待它们".to_string(),
            Msg::HintLongestZombie { at_least } => format!("父进程回收子进程太早：在子进程退出和 os.waitpid(pid, 0) 之间 sleep（至少 {at_least}；时间由你的 sleep 决定）"),
            Msg::HintReapParent => "回收每个子进程：父进程退出前，每个子进程调用一次 os.wait() 或 os.waitpid(pid, 0)".to_string(),
            Msg::HintReapKernel => "signal.signal(signal.SIGCHLD, signal.SIG_IGN) 必须在第一次 os.fork() 之前：在此之前退出的子进程已是僵尸，之后再设 SIG_IGN 也不会回收它".to_string(),
            Msg::HintReapSubreaper => "任务要求程序从不回收它的子进程：不要调用 os.wait()".to_string(),
            Msg::HintAdopted => "在 procdemo 下收养孤儿的是观察进程（它是 child subreaper），而不是 PID 1".to_string(),
            Msg::HintExitCodes => "每个子进程用 os._exit(CODE) 结束：任务说明了是哪些退出码".to_string(),
            Msg::HintMainExit { code } => format!("让程序以退出码 {code} 结束（sys.exit({code})）"),
            Msg::CheckHolds { what } => format!("✓ {what}"),
            Msg::CheckFails { what } => format!("✗ {what}"),
            Msg::CheckSeen { seen } => format!("看到的：{seen}"),
            Msg::CheckHint { hint } => format!("提示：{hint}"),
            Msg::CheckHeading { task, title } => format!("procdemo check {task}：{title}"),
            Msg::CheckPassed { total } => format!("通过：{total} 项性质全部成立。"),
            Msg::CheckFailed { failed, total } => format!("未通过：{total} 项性质中有 {failed} 项不成立。"),
            Msg::ExerciseHeading { task, title } => format!("{task}：{title}"),
            Msg::ExerciseChecked => "procdemo check 检查的内容：".to_string(),
            Msg::ExerciseHints => "提示：".to_string(),
            Msg::ExercisesNext => "procdemo exercises 任务名 显示一个任务的全文；procdemo check 任务名 -- python3 hw.py 按内核报告的事实检查你的程序。".to_string(),
            Msg::ExerciseRun { task } => format!("检查你的程序：procdemo check {task} -- python3 hw.py"),
            Msg::UnknownTask { name, closest, tasks } => format!("没有名为 `{name}` 的任务（也没有这个文件）。{closest}任务有：{}。（`procdemo exercises` 列出它们。）", tasks.join("、")),
            Msg::DidYouMeanTask { task } => format!("你是想输入 `{task}` 吗？"),
            Msg::TaskUnknownKey { key, closest } => format!("未知的指令 `{key}`。{closest}任务文件由 title、text、hint（各自可带 .LANG）和 check 行组成。"),
            Msg::TaskUnknownProperty { name, closest, properties } => format!("未知的性质 `{name}`。{closest}性质有：{}。", properties.join("、")),
            Msg::DidYouMeanWord { word } => format!("你是想写 `{word}` 吗？"),
            Msg::TaskBadLang { key } => format!("`{key}`：语言代码是两三个小写字母（zh、fr、pt-BR）"),
            Msg::TaskEmpty { key } => format!("`{key}` 后面什么也没有"),
            Msg::TaskTwoTitles => "同一种语言的第二个 title".to_string(),
            Msg::TaskBadCheck { property, form } => format!("`{property}` 的写法是：check {form}"),
            Msg::TaskUpperBound { property } => format!("`{property}` 只接受 `>=`：时间只检查下限，正确的程序在繁忙的机器上也能满足"),
            Msg::TaskNoTitle => "任务以 `title` 行开头".to_string(),
            Msg::TaskNoCheck => "任务至少需要一行 `check`".to_string(),
            Msg::PropEndsByItself => "程序自己结束，在 procdemo 的时限（--timeout）之前".to_string(),
            Msg::PropNewSession => "有进程运行在程序自己创建的新会话中（os.setsid()）".to_string(),
            Msg::PropDaemonNotLeader => "比第一个进程活得久的进程（守护进程）不是会话首进程".to_string(),
            Msg::SeenEnded => "它自己结束了".to_string(),
            Msg::SeenDeadline { after, each } => format!("{after} 后，{}", each.join("；")),
            Msg::StuckPipe { pid, comm, fd, writers } => format!(
                "{pid}（{comm}）仍在睡眠，等着读一个管道（fd {fd}），而它的写端仍被 {}持有",
                writers.join(" 和 ")
            ),
            Msg::PipeWriter { pid, fds } => format!("{pid}（fd {fds}）"),
            Msg::PipeWriterItself { pid, fds } => format!("{pid}（它自己，fd {fds}）"),
            Msg::StuckPipeNoWriter { pid, comm, fd } => format!("{pid}（{comm}）仍在睡眠，等着读一个管道（fd {fd}），程序中没有进程持有它的写端"),
            Msg::StuckState { pid, comm, letter, meaning } => format!("{pid}（{comm}）仍处于 {letter}（{meaning}）"),
            Msg::StuckStateIn { pid, comm, letter, meaning, wchan } => format!("{pid}（{comm}）仍处于 {letter}（{meaning}），在 {wchan} 中"),
            Msg::SeenAtLimit { limit } => format!("procdemo 在同时存活 {limit} 个进程的上限处停止了它"),
            Msg::SeenNoSurvivor => "没有进程比第一个进程活得久（会话在它结束时读取）".to_string(),
            Msg::SessionOf { pid, sid } => format!("{pid} 在会话 {sid} 中"),
            Msg::SessionLeader { pid } => format!("{pid} 是它自己的会话 {pid} 的首进程"),
            Msg::HintPipeOwnWriteEnd { pid } => format!("{pid} 自己持有它所读管道的写端：只有所有写端（包括它自己的那份）都关闭后，os.read 才返回 b''（文件结束）；os.fork() 之后，读者立即调用 os.close(w)（写者调用 os.close(r)）"),
            Msg::HintPipeWriteEnd { pids } => format!("{} 仍持有管道的写端：只有每个进程都关闭了写端，读者才会看到文件结束；不写的进程都调用 os.close(w)，写者写完后关闭它（或退出）", pids.iter().map(i32::to_string).collect::<Vec<_>>().join(" 和 ")),
            Msg::HintEndsByItself => "程序必须自己结束：读一个没人关闭的管道、等待一个永不结束的子进程或死循环都会让它一直运行，procdemo 在时限到达时杀死了它".to_string(),
            Msg::HintAtLimit => "同时存在的进程太多：继续执行父进程循环的子进程会再次 fork（每个子进程用 os._exit 结束）".to_string(),
            Msg::HintAfterDeadline => "这不是在程序结束后评判的：procdemo 在时限到达时杀死了它（见第一个 ✗）".to_string(),
            Msg::HintNewSession => "第一个子进程先调用 os.setsid()，再 fork 守护进程：守护进程就运行在这个新会话中，离开终端所在的会话".to_string(),
            Msg::HintDaemonLeader => "守护进程是它自己会话的首进程，因此可能重新获得控制终端：在第一个子进程中调用 os.setsid()，再由它 fork 守护进程（不要在守护进程中调用 os.setsid()）".to_string(),
            Msg::WatchDeadline { after, each } => format!("{after} 后程序仍未结束：{}。", each.join("；")),
            Msg::SeenDeadlineOnly { after } => format!("{after} 后程序仍未结束"),
            Msg::KillDeadline => "程序在时限（--timeout）内没有结束：procdemo 停止它".into(),
            Msg::WatchStoppedAtDeadline { processes } => format!("在时限（--timeout）处停止：procdemo 杀死并回收了 {processes}。"),
            Msg::PropBlockingReaps { cmp, want } => format!("由早已阻塞在 wait 中等待的父进程回收的子进程数：{cmp} {want}"),
            Msg::PropSigchldCoalesced => "SIGCHLD 合并（递送次数少于退出的子进程数），且每次递送都由处理函数处理".to_string(),
            Msg::SeenSigchldHandledBy { parents, .. } => format!("它们的父进程 {parents} 处理了 SIGCHLD"),
            Msg::SeenNoChildExited => "程序中没有子进程退出".to_string(),
            Msg::SeenSigchld { parent, exited, delivered, handled } => {
                let times = if *delivered == 0 { "从未送达".to_string() } else { format!("送达 {delivered} 次") };
                let what = if *delivered == 0 { String::new() } else if handled == delivered { "（已处理）".to_string() } else { format!("（处理了 {handled} 次）") };
                format!("{parent} 的 {exited} 个子进程退出了，SIGCHLD 向 {parent} {times}{what}")
            }
            Msg::HintSigchldLoop => "一个 SIGCHLD 可以代表多个子进程的退出（同一信号不会排队两次）：在处理函数中循环调用 `pid, status = os.waitpid(-1, os.WNOHANG)`，直到 pid 为 0（并捕获 ChildProcessError）".to_string(),
            Msg::HintBlockingFew => "没有子进程由已在等待的父进程回收：在子进程退出之前调用 os.wait() 或 os.waitpid(pid, 0)".to_string(),
            Msg::HintBlockingMany => "子进程运行时父进程阻塞在 os.wait()/os.waitpid(pid, 0) 中：改用 os.waitpid(-1, os.WNOHANG) 轮询（没有子进程退出时返回 (0, 0)），两次轮询之间做别的工作或 time.sleep".to_string(),
            Msg::HintSigchldHandler => "SIGCHLD 没有被处理：在第一次 os.fork() 之前用 signal.signal(signal.SIGCHLD, handler) 安装处理函数".to_string(),
            Msg::HintSigchldBlock => "SIGCHLD 没有合并：在 fork 之前阻塞它（signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})），等所有子进程退出后再解除阻塞：一个 SIGCHLD 代表全部".to_string(),
        }
    }

    fn no_python(&self, why: NoPython) -> String {
        match why {
            NoPython::NotInStdlib(call) => format!("Python 的标准库没有 {call}"),
        }
    }

    fn skipped(&self, try_step: &str) -> String {
        format!("跳过：`{try_step}` 被拒绝了")
    }

    fn outcome_hidden(&self) -> &'static str {
        "结果取决于权限：--stable 下不显示"
    }

    fn state_hidden(&self) -> &'static str {
        PRIVILEGE_HIDDEN
    }

    fn observation_headers(&self) -> ObservationHeaders {
        ObservationHeaders {
            role: "角色",
            pid: "PID",
            ns_pid: "命名空间内",
            ppid: "PPID",
            stat: "STAT",
            sigchld: "SIGCHLD",
            state: "状态",
        }
    }

    fn subreaper(&self) -> &'static str {
        "，子进程回收者（subreaper）"
    }

    fn gone_roles(&self, roles: &[&str]) -> String {
        format!("已消失（已被回收，/proc 中不再有）：{}", roles.join(", "))
    }

    fn memory_headers(&self, _stable: bool) -> MemoryHeaders {
        MemoryHeaders {
            role: "角色",
            pid: "PID",
            what: "内存",
            rss: "Rss",
            pss: "Pss",
            shared: "Shared",
            private: "Private",
            minflt: "minflt",
            note: "（单位 kB；Shared 和 Private 即 smaps 的 Shared_Dirty 和 Private_Dirty）",
        }
    }

    fn share_headers(&self) -> ShareHeaders {
        ShareHeaders {
            role: "角色",
            pid: "PID",
            nice: "NICE",
            weight: "权重",
            by_weight: "按权重",
            cpu: "CPU 时间",
            ticks: "TICKS",
            share: "份额",
            states: "状态",
        }
    }

    fn whole_process(&self) -> &'static str {
        "整个进程"
    }

    fn region(&self, bytes: usize) -> String {
        format!("{} 区域", size(bytes))
    }

    fn no_region(&self) -> &'static str {
        "没有区域（整个进程的数字每次不同：--stable 下不显示）"
    }

    fn memory_line(
        &self,
        role: &str,
        pid: &str,
        what: &str,
        m: &Memory,
        minflt: Option<u64>,
    ) -> String {
        let minflt = minflt.map_or_else(String::new, |n| format!("，minflt {n}"));
        format!(
            "{role} {pid}，{what}：Rss {} kB，Pss {} kB，Shared_Dirty {} kB，Private_Dirty {} kB{minflt}",
            m.rss_kb, m.pss_kb, m.shared_dirty_kb, m.private_dirty_kb
        )
    }

    fn other_process(&self) -> &'static str {
        "其他"
    }

    fn ok(&self) -> (&'static str, &'static str) {
        ("成功:", "每个等待的状态都观察到了")
    }

    fn failed(&self) -> &'static str {
        "失败:"
    }

    fn no_reason(&self) -> &'static str {
        "运行在说明原因之前就结束了"
    }

    fn summary_title(&self) -> &'static str {
        "总结"
    }

    fn summary_verdict(&self, ok: bool) -> &'static str {
        if ok { "成功" } else { "失败" }
    }
}

/// `{a}、{b}` or `无`: the `{ROLE.FIELD}`s of a narration line.
fn placeholders(set: &[String]) -> String {
    if set.is_empty() {
        "无".to_string()
    } else {
        set.join("、")
    }
}

/// What follows an "expected ..." when something else was found.
fn found(f: &Found) -> String {
    match f {
        Found::Nothing => String::new(),
        Found::Word(w) => format!("；这里写的是 `{w}`"),
        Found::Field(w) => format!("；这里写的是字段 `{w}`"),
        Found::NoQuestion => "；缺少问题".to_string(),
    }
}

/// A script's problem in Chinese: the text after `FILE:LINE: `.
fn parse_problem(p: &ParseProblem) -> String {
    use ParseProblem as P;
    match p {
        P::SecondTitle => "第二个 `title` 行：一个脚本只有一个标题".into(),
        P::TitleEmpty => "`title` 后面需要写上这个演示的一行说明".into(),
        P::BadLang { word } => format!(
            "`{word}`：`title.`、`say.` 或 `ask.` 后面应当是语言代码（两三个小写字母，可以再加 `-` 和子标签：`zh`、`fr`、`pt-BR`）"
        ),
        P::SecondTitleIn { lang } => {
            format!("第二个 `title.{lang}` 行：一个脚本在每种语言里只有一个标题")
        }
        P::TitleInEmpty { lang } => format!("`title.{lang}` 后面需要写上该语言的标题"),
        P::AskInWithoutAsk { lang } => format!("`ask.{lang}` 是紧挨在它前面的 `ask` 行的另一种语言版本：它前面应当是一个（还没有 `ask.{lang}` 的）`ask` 行"),
        P::AskInEmpty { lang } => format!("`ask.{lang}` 后面需要写上该语言的问题"),
        P::SayInWithoutSay { lang } => format!("`say.{lang}` 是紧挨在它前面的 `say` 行的另一种语言版本：它前面应当是一个（还没有 `say.{lang}` 的）`say` 行"),
        P::SayInPlaceholders { lang, say, other } => format!(
            "`say.{lang}` 必须和它的 `say` 行有相同的 `{{ROLE.FIELD}}`：`say` 中有 {}，`say.{lang}` 中有 {}",
            placeholders(say),
            placeholders(other)
        ),
        P::TooManySteps { max } => {
            format!("步骤超过 {max} 个：一个脚本最多有 {max} 个步骤（procdemo 的限制）")
        }
        P::NoSteps => "脚本中没有任何步骤：至少需要 `runner fork ROLE`".into(),
        P::TooMuchMemory { total, max } => format!(
            "到这一步，脚本将写入 {total} MiB 内存（它的 `alloc` 区域以及对区域的每次 `touch`）：一个脚本最多写入 {max} MiB（procdemo 的限制，免得一个笔误耗尽教室里的机器）"
        ),
        P::KeywordAsRole { name } => format!("这里应当是角色名，却是关键字 `{name}`"),
        P::BadRoleName { name } => format!(
            "这里应当是角色名（小写字母、数字、'-' 或 '_'），却是 `{name}`"
        ),
        P::NoSuchRole { name, roles } => format!(
            "角色 `{name}` 还不存在：请先创建它，例如 `runner fork {name}`（目前的角色：{}）",
            roles.join("、")
        ),
        P::Stopped { role, line } => format!(
            "`{role}` 已被暂停（第 {line} 行）：被暂停的进程不能执行动作，直到 `kill {role} CONT`（或 `untrace {role}`）让它继续运行"
        ),
        P::Busy { role, line } => format!(
            "`{role}` 仍在执行第 {line} 行用 `&` 启动的动作：给它新的动作之前，先加上 `await {role} done`"
        ),
        P::Ended { role, line } => format!(
            "`{role}` 已经结束（第 {line} 行）：已退出或已被杀死的进程不能再执行动作"
        ),
        P::TargetEnded {
            role,
            line,
            purpose,
        } => format!(
            "`{role}` 已经结束（第 {line} 行）：已没有进程可以{}",
            match purpose {
                Purpose::Signal => "接收信号",
                Purpose::Trace => "跟踪（trace）",
                Purpose::Untrace => "解除跟踪（untrace）",
                Purpose::Renice => "改变 nice 值（renice）",
            }
        ),
        P::RunnersRole { name } => format!("角色 `{name}` 是 runner 自己的角色"),
        P::RoleExists { name } => {
            format!("角色 `{name}` 已经存在：每个进程都需要一个自己的角色")
        }
        P::BadNewRoleName { name } => format!(
            "这里应当是一个新角色名（小写字母开头，之后是字母、数字、'-' 或 '_'，最多 16 个字符），却是 `{name}`"
        ),
        P::TooManyProcesses { max } => format!(
            "一个脚本最多创建 {max} 个进程（procdemo 的限制，免得一个笔误在教室的机器上造成 fork 炸弹）"
        ),
        P::IfPermittedNotFor { word } => {
            format!("`if permitted` 只能放在动作或 `await` 的末尾，不能放在 `{word}` 后面")
        }
        P::MeasureEmpty => "`measure` 后面需要写上要测量的角色，例如 `measure parent child`".into(),
        P::ExpectSyntax(f) => format!(
            "应当是 `expect ROLE FIELD OP VALUE`，FIELD 是 rss、pss、shared_dirty、private_dirty、faults 之一（取自该角色最近一次 `measure`）或 cpu（取自它最近一次 `share`，只能与 ROLE.cpu 比较），OP 是 = >= <= > < 之一，VALUE 是数字、`region` 或 ROLE.FIELD{}",
            found(f)
        ),
        P::ExpectNotMeasured { role } => format!(
            "`expect` 检查的是 `{role}` 最近一次 `measure` 得到的数字，但这一行之前没有：请先加上 `measure {role}`"
        ),
        P::OtherNotMeasured { role } => format!(
            "这一行之前还没有测量过 `{role}`：请先加上 `measure {role}`"
        ),
        P::TryEmpty => "应当是 `try ROLE ACTION`，例如 `try child nice -5`".into(),
        P::TrySyntax => "应当是 `try ROLE ACTION`".into(),
        P::TryRunner => "runner 自己的动作从不会被拒绝：`try` 用于它创建的进程".into(),
        P::TryBackground => "`try` 步骤不能在后台运行（`&`）".into(),
        P::TryNotAllowed => "`try` 用于被拒绝时所有进程都保持原样的动作（nice、lock、trace、setsid……），不能用于 fork、vfork、exit、libc-exit、kill 或 exec".into(),
        P::IfPermittedOnly => "`if permitted` 只能放在动作或 `await` 的末尾".into(),
        P::NoTryBefore { role } => format!(
            "`if permitted` 指的是 `{role}` 最近参与的 `try` 步骤，但这一行之前没有：请先加上例如 `try {role} nice -5`"
        ),
        P::AwaitSyntax(f) => format!(
            "应当是 `await ROLE CONDITION [within DURATION] [if permitted]`，CONDITION 是状态字母（R S D T t Z）、`flag FLAGS`（< N L s l + 中的）、`gone`、`reparented`、`parent ROLE`、`done` 或 `flock`{}",
            found(f)
        ),
        P::ParentNeedsRole => "`parent` 后面应当是一个角色，例如 `await child parent runner`".into(),
        P::FlagNeedsFlags => "`flag` 后面应当是 STAT 标志（< N L s l + 中的任意几个），例如 `await child flag N`".into(),
        P::NotAFlag { flag } => format!(
            "`{flag}` 不是 STAT 标志：应当是 < N L s l + 中的任意几个（状态字母本身用 `await ROLE S` 等待）"
        ),
        P::AwaitRunner => "runner 是导演：不能等待它".into(),
        P::DoneIfPermitted => "`await ROLE done` 不能带 `if permitted`：它收取的动作总会执行".into(),
        P::NothingToAwait { role } => format!(
            "`await {role} done` 等待的是用 `&` 启动的动作，但 `{role}` 没有正在执行的这种动作"
        ),
        P::DeadlineRange { found, max_s } => {
            format!("时限必须大于 0 且最多 {max_s} 秒，这里写的是 `{found}`")
        }
        P::BadDuration { found } => {
            format!("应当是一个时长，例如 `500ms` 或 `2s`，这里写的是 `{found}`")
        }
        P::AskSyntax(f) => format!(
            "应当是 `ask ROLE.FIELD: QUESTION`，例如 `ask child.state: What state will the child be in after it exits?`{}",
            found(f)
        ),
        P::UnknownField {
            field,
            place,
            fields,
        } => format!(
            "{}中的字段 `{field}` 未知：应当是 {} 之一",
            match place {
                FieldPlace::Ask => "`ask` ",
                FieldPlace::Narration => "旁白",
            },
            fields.join("、")
        ),
        P::UnclosedBrace => "旁白中的 `{` 没有闭合：应当是 `{ROLE.FIELD}`".into(),
        P::BadPlaceholder { inner } => {
            format!("旁白中应当是 `{{ROLE.FIELD}}`，这里写的是 `{{{inner}}}`")
        }
        P::SayEmpty => "`say` 后面需要写上旁白的文字".into(),
        P::NoAction { role } => format!(
            "`{role}` 后面应当是一个动作，例如 `{role} fork child`（或者一个导演步骤：observe、await、say、measure）"
        ),
        P::RunnerCannot { forms, verb } => {
            let forms: Vec<String> = forms.iter().map(|f| format!("`{f}`")).collect();
            format!(
                "runner 只能 {}；`{verb}` 用于它创建的进程",
                forms.join("、")
            )
        }
        P::UnknownAction {
            closest: Some(closest),
            verb,
            ..
        } => format!("未知的动作 `{verb}`：你是想用 `{closest}` 吗？"),
        P::UnknownAction { verb, verbs, .. } => format!(
            "未知的动作 `{verb}`：应当是 {} 之一",
            verbs.join("、")
        ),
        P::NoSocket {
            role,
            verb,
            socket: crate::script::actions::Sock::Listening,
        } => format!(
            "`{role}` 没有可以 {verb} 的监听套接字：请先 `{role} listen`（或从已有监听套接字的进程 fork 出它）"
        ),
        P::NoSocket {
            role,
            verb,
            socket: crate::script::actions::Sock::Connection,
        } => format!(
            "`{role}` 没有可以 {verb} 的连接：请先 `{role} connect ROLE`，或用 `accept` 创建它"
        ),
        P::NotListening { role, target } => format!(
            "`{role}` 无法连接 `{target}`，因为它没有监听套接字：请先 `{target} listen`"
        ),
        P::HasListener { role } => format!(
            "`{role}` 已经有一个监听套接字（它自己 `listen` 的，或在 fork 时从创建者继承的）：一个进程只监听一次"
        ),
        P::NotYetAccepted { role, creator } => format!(
            "`{role}` 还不存在：`{creator} accept {role} &` 要等到有客户端连接时才创建它；请在 `await {creator} done` 之后再使用它"
        ),
        P::HasRegion { role } => format!(
            "`{role}` 已经有一个内存区域（它自己 `alloc` 的，或在 fork 时从创建者继承的）：一个进程只映射一个区域；请 fork 一个新角色并在其中 `alloc`"
        ),
        P::NoRegion { role, verb } => format!(
            "`{role}` 没有可以 {verb} 的内存区域：请先 `alloc SIZE`（在它之中，或在 fork 出它的进程中、fork 之前）"
        ),
        P::Rule { rule, role } => match rule {
            Rule::VforkInBackground => format!(
                "`vfork` 会让 `{role}` 挂起，直到新的子进程退出：请在行末加上 `&`，并在子进程退出之后加上 `await {role} done`"
            ),
            Rule::KillNotSelf => format!(
                "`{role}` 在这里不能给自己发信号：它会在报告结果之前就被暂停或死掉；请让 runner 或另一个角色发送"
            ),
            Rule::KillNotRunner => "脚本不能给 runner 发信号".into(),
            Rule::TraceNotSelf => "`trace` 指定的是演示中另一个要跟踪的进程，而不是跟踪者自己".into(),
            Rule::TraceNotRunner => "`trace` 指定的是演示中另一个要跟踪的进程，而不是 runner".into(),
            Rule::UntraceNotSelf => "`untrace` 指定的是演示中另一个被跟踪的进程，而不是跟踪者自己".into(),
            Rule::UntraceNotRunner => "`untrace` 指定的是演示中另一个被跟踪的进程，而不是 runner".into(),
            Rule::ReniceNotRunner => "`renice` 指定的是演示中的进程，而不是 runner（每个角色开始时的 nice 值都和 runner 一样）".into(),
        },
        P::RunnerBackground => "runner 不能在后台运行动作（`&`）".into(),
        P::NotBlocking { blocking } => format!(
            "`&` 用于会阻塞的动作（{}）：这个动作会立即返回",
            blocking.join("、")
        ),
        P::IfPermittedAction => "带 `if permitted` 的动作不能创建或结束进程（fork、vfork、exit、kill），也不能在后台运行：有哪些进程存在，不能取决于权限".into(),
        P::Threaded { role } => format!(
            "`{role}` 启动了第二个线程：多线程的进程在这里不能 fork（这样的 fork 之后只允许异步信号安全的代码）"
        ),
        P::Usage { role, usage } => format!("应当是 `{role} {usage}`"),
        P::AllocSyntax { role, usage } => {
            format!("应当是 `{role} {usage}`，SIZE 以 MiB 为单位，例如 `alloc 16MiB`")
        }
        P::AllocSize { found, max } => {
            format!("应当是 1MiB 到 {max}MiB 之间的大小，这里写的是 `{found}`")
        }
        P::AppendNumber { found } => format!("应当是要追加的整数，这里写的是 `{found}`"),
        P::NewRoleSyntax { role, verb } => format!(
            "应当是 `{role} {verb} NEW-ROLE`，为新进程命名，例如 `{role} {verb} child`"
        ),
        P::ExitCode { found } => format!("退出码是 0 到 255 之间的数，这里写的是 `{found}`"),
        P::NiceRange { found } => {
            format!("nice 的变化量是 -20 到 19 之间的数，这里写的是 `{found}`")
        }
        P::KillSyntax { role, signals } => format!(
            "应当是 `{role} kill ROLE SIGNAL`，SIGNAL 是 {} 之一",
            signals.join(" ")
        ),
        P::SignalName { found, signals } => format!(
            "应当是信号名（{}），这里写的是 `{found}`",
            signals.join(" ")
        ),
        P::RunnerWaitsAny => "runner 一次只等待一个角色：`runner waitpid ROLE`".into(),
        P::RunnerLoops => "runner 是导演，从不忙等：`loop` 用于它创建的进程".into(),
        P::PrintText { max } => {
            format!("`print` 后面应当是要打印的文字：写在同一行上，最多 {max} 字节")
        }
        P::PipeExists { name } => format!("名为 `{name}` 的管道之前已经创建过了：请给每个管道起不同的名字"),
        P::PipeNotHeld {
            role,
            pipe,
            made: false,
            ..
        } => format!(
            "没有创建过名为 `{pipe}` 的管道：请先创建它（`{role} pipe {pipe}`），在 `{role}` 中，或者在 `{role}` 的祖先进程中、fork 出 `{role}` 之前"
        ),
        P::PipeNotHeld {
            role,
            pipe,
            end,
            made: true,
        } => format!(
            "`{role}` 没有持有管道 `{pipe}` 的{}：它已经关闭了，或者它是在管道创建之前 fork 出来的（进程只拥有自己创建的、或 fork 时继承的描述符）",
            end_word(*end)
        ),
        P::SigpipeForeground { role, pipe } => format!(
            "已经没有进程持有管道 `{pipe}` 的读端：内核会向 `{role}` 发送 SIGPIPE，其默认动作会在它报告结果之前终止它。请在这一步末尾加 `&`，然后 `await {role} Z`；或者先 `{role} signal PIPE ignore`（Python 就是这样做的），这样 write 会以 EPIPE 失败"
        ),
        P::OpenPath { found } => {
            format!("`open` 后面应当是一个绝对路径（以 / 开头），实际是 `{found}`")
        }
        P::ExecArgs { max, max_len } => format!(
            "应当是 `exec self` 或 `exec PROGRAM [ARGS...]`，最多 {max} 个参数，每个最多 {max_len} 字节"
        ),
        P::ExecSameName { role, program } => format!(
            "`{role}` 不能 exec `{program}`：execve() 以程序名命名进程，而 `{role}` 已经叫这个名字，procdemo 就看不出 exec 是否发生了：请给这个角色换个名字"
        ),
        P::RunsProgram { role, line } => format!(
            "`{role}` 从第 {line} 行 exec 之后运行的是另一个程序：它不再听从命令（仍然可以被观察、被发信号、被等待）"
        ),
        P::InspectEmpty => "应当是 `inspect ROLE...`，写出要查看的角色".into(),
        P::EndUnlessSyntax => "应当是 `end unless ROLE permitted`".into(),
        P::EndUnlessNoTry { role } => format!(
            "`end unless {role} permitted` 指的是 `{role}` 参与的最近一个 `try` 步骤，但这一行之前没有 `{role}` 参与的 `try` 步骤"
        ),
        P::UnshareUnconfirmed { role, line } => format!(
            "`{role}` 在 `try {role} unshare pid`（第 {line} 行）之后又 fork：它的子进程是否在新的 PID 命名空间中，将取决于权限；请在这一行之前加上 `end unless {role} permitted`"
        ),
        P::NamespaceGone { role, init, line } => format!(
            "`{role}` 的子进程将在一个 PID 命名空间中，而它的 1 号进程 `{init}` 已经结束（第 {line} 行）：内核拒绝向其中 fork"
        ),
        P::NotVisible { role, target } => format!(
            "`{role}` 不能指名 `{target}`：`{role}` 所在的 PID 命名空间里 `{target}` 没有 PID（一个进程只看得见自己的命名空间及其下层的命名空间）"
        ),
        P::ShareSyntax(f) => format!(
            "应当是 `share ROLE... until ROLE DURATION`（例如 `share fast slow until fast 200ms`）{}",
            found(f)
        ),
        P::ShareUntilNotListed { role } => format!(
            "`until {role}`：`{role}` 必须是 `until` 前面列出的、这个时间窗口要读取的角色之一"
        ),
        P::ShareRunner => {
            "`share` 读取各角色的 CPU 时间；读取的是 runner 自己，它不能是其中之一".into()
        }
        P::ExpectNotShared { role } => format!(
            "`expect ... cpu` 需要在这一行之前有一个读取过 `{role}` 的 `share` 时间窗口"
        ),
        P::Tickets {
            role,
            verb,
            problem,
        } => match problem {
            TicketProblem::AlreadyHas => format!(
                "`{role}` 已经有一个票务文件（它自己 `tickets` 的，或在 fork 时从创建者继承的）：要另一个文件，请 fork 一个新角色"
            ),
            TicketProblem::NoFile => format!(
                "`{role}` 没有可以 {verb} 的票务文件：请先 `tickets NUMBER`（在它之中，或在 fork 出它的进程中、fork 之前）"
            ),
            TicketProblem::NotCounted => format!(
                "`{role} buy` 写回的是它读到的票数：每次 `buy` 之前请先 `{role} count`"
            ),
            TicketProblem::AlreadyLocked => format!(
                "`{role}` 已经持有锁：再 `flock` 一次会等它自己；请先 `{role} funlock`"
            ),
            TicketProblem::NotLocking => format!(
                "`await {role} flock` 等待的是正在进行的 `{role} flock &`，但 `{role}` 没有"
            ),
            TicketProblem::NotLocked => {
                format!("`{role}` 没有持有锁，无可释放：请先 `{role} flock`")
            }
        },
        P::TicketNumber { verb, found, max } => {
            format!("`{verb}` 需要一个 1 到 {max} 的整数，而不是 `{found}`")
        }
    }
}

/// A pipe's end, in words.
/// How a signal is handled now, after `sigaction() 返回 0：SIGTERM 现在的处理方式是 `.
fn signal_mode(mode: crate::script::actions::SignalMode) -> &'static str {
    match mode {
        crate::script::actions::SignalMode::Default => "SIG_DFL（默认动作）",
        crate::script::actions::SignalMode::Ignore => "SIG_IGN（忽略）",
        crate::script::actions::SignalMode::Catch => "由信号处理函数捕获（它会数自己运行的次数）",
    }
}

fn end_word(end: crate::script::actions::End) -> &'static str {
    match end {
        crate::script::actions::End::Read => "读端",
        crate::script::actions::End::Write => "写端",
    }
}

#[cfg(test)]
mod tests {
    use super::GLOSSARY;

    #[test]
    fn the_docs_glossary_lists_every_pair_of_glossary() {
        let readme = include_str!("../../../docs/chinese-and-python.md");
        for (zh, en) in GLOSSARY {
            assert!(
                readme.contains(&format!("| {zh} | {en} |")),
                "docs/chinese-and-python.md's 术语表 lacks `| {zh} | {en} |`"
            );
        }
        let rows = readme
            .split("## 术语表 / Glossary")
            .nth(1)
            .expect("a 术语表 section")
            .lines()
            .skip_while(|l| !l.starts_with('|'))
            .take_while(|l| l.starts_with('|'))
            .count();
        // The header and its `|---|` line, then one row a pair.
        assert_eq!(
            rows,
            GLOSSARY.len() + 2,
            "docs/chinese-and-python.md's 术语表 has other rows"
        );
    }
}
