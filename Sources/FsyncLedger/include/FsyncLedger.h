#ifndef FSYNC_LEDGER_H
#define FSYNC_LEDGER_H
// Linked into aep-client-harness (the SIGKILL child of the crash tests and of Benchmarks' crash-harness),
// whose fsync/fdatasync it replaces (forwarding to libc's): in a process whose syncs are to be recorded
// (the children of crash-harness --power-loss), every
// successful fsync/fdatasync appends one line to the file named by $FSYNC_LEDGER (nothing when unset),
//
//   f <ns> <inode> <size> <path>\n                         a regular file (or anything not a directory)
//   d <ns> <inode> <size> <path>[\t<inode> <name>]...\n    a directory, with the entries it held
//
// so a harness can later cut every file back to what a power loss would have left.
// <ns> is CLOCK_MONOTONIC when the state the line describes was taken (a file's size, a directory's
// entries). Lines are written when the sync returns, so two syncs running at once on different threads
// can be written in the other order: a reader sorts by <ns>, or an older size would undo a newer one.
// <size> is st_size taken just before the real call: every byte below it was written before the sync
// began, so the sync covers it (a size taken afterwards could include a concurrent, unsynced append).
// The entries are listed just after the real call: a name listed then existed when the sync ended.
// The library exports nothing else: fsync and fdatasync themselves are its interface.
#endif
