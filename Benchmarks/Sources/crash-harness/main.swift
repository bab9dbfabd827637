// crash-harness: kill a writer process with SIGKILL at random points, restart it on the same file outbox,
// and prove that every event whose `send` returned reaches the inlet exactly as sent.
//
//   swift run -c release --package-path Benchmarks crash-harness [--kills 200] [--seed 42] [--senders 16] [--memory-outbox]
//
//   swift run -c release --package-path Benchmarks crash-harness --power-loss [--kills 200] [--seed 42] [--senders 16] [--unsynced] [--posix-dirs] [--verbose]
//
// The parent runs an in-process AEPInletEmulator (with a seeded 10 % fault rate: 5xx, 429 with Retry-After,
// dropped connections, slow answers) and starts the SIGKILL child, the root package's `aep-client-harness child`, again and again on one outbox
// directory. The child runs --senders tasks (16 by default; 1 sends one event after another), each sending
// events through one AEPStreamingClient (file outbox, durability alternating between fsync-per-send and
// group commit, where concurrent appends share an fsync) and printing "ok <id> <n> <t0> <t1>" after each
// `send` returns (t0, t1: the call's start and end, epoch ms). The parent kills it after a seeded random
// delay, checks the outbox's disk use stays within its bound, now and then tears the newest segment's tail
// on purpose, and finally drains the outbox itself and compares. Every copy is checked, not just one per
// id: after each kill every event record the outbox could recover (its payload bytes exactly, its id, and
// for a promised event an enqueuedAt inside its send call), and at the end every message at the inlet,
// duplicates included (the xdmEntity bytes, `_id`, schema and dataset of the envelope). The children's
// fsyncs are counted (FsyncLedger), so the summary shows how many appends each segment fsync covered.
//
// A SIGKILL keeps the page cache, so it cannot show what fsync is for. The child links FsyncLedger
// (Sources/FsyncLedger), which interposes fsync/fdatasync; the child gets $FSYNC_LEDGER and so logs every successful sync:
// the file, its size when the sync began, and for a directory the entries it held. After each kill the
// parent turns the outbox directory into what a power loss could have left: every file cut to its last
// synced size, files whose directory entry was never made durable deleted, unlinks not followed by a
// directory sync undone (the file comes back as it was), and, seeded, part of the unsynced bytes kept (a
// partial write that reached the disk) or garbage appended (a torn sector). The next child starts on that.
// After each simulated loss the parent also reads the segment files itself and notes, per promised event not
// yet delivered, whether a reopen could still find it, so a loss is reported with the kill and cuts behind it.
// --unsynced is the self-check: the child uses .osBuffered (no fsync), so the harness must report FAIL.
// --posix-dirs holds the outbox to POSIX rather than ext4: a file's fsync alone does not keep its new name.
//
// One concept per file: the workload's oracle (CrashWorkload), the child executable (ChildExecutable), the parent (Parent), what a child
// promised (Promise), the fsync ledger (FsyncLedgerLines), the power-loss model (PowerLossSimulator), a torn
// tail (TornTail), the outbox's records read back (RecoveredRecords) and the copy checks (CopyChecker).
import ExampleSupport
import Foundation

let tool = CommandLineTool(
    name: "crash-harness",
    usage: """
        Usage: crash-harness [--kills N] [--seed S] [--senders N] [--memory-outbox]
               crash-harness --power-loss [--kills N] [--seed S] [--senders N] [--unsynced]
          --kills N          SIGKILLs of the writer (default 200)
          --senders N        concurrent send loops in each writer, sharing group-commit fsyncs (default 16; 1: one send after another)
          --seed S           seeds kill times, torn tails and inlet faults (default 42)
          --memory-outbox    self-check: writers use the in-memory outbox, so the harness must report FAIL
          --alter-self-check self-check: one event in 50 is sent with a payload its id does not match, so the copy checks must FAIL
          --power-loss       after each kill, cut the outbox back to what fsync made durable
          --unsynced         with --power-loss, self-check: writers use .osBuffered, so the harness must report FAIL
          --posix-dirs       with --power-loss, a new file's name survives only a directory fsync, not its own fsync
          --verbose          with --power-loss, print what each simulated power loss did to each file
        """
)
let options = tool.parse(
    flags: ["--memory-outbox", "--alter-self-check", "--power-loss", "--unsynced", "--posix-dirs", "--verbose"],
    valued: ["--kills", "--seed", "--senders"]
)
if let stray = options.positional.first { tool.usageError("unexpected argument '\(stray)' (see --help)") }
exit(await runParent(options))
