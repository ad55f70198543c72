// A SQLite VFS that forwards to the default one and fails writes and syncs on demand.
#pragma once

namespace records {

// What a full disk or a failing disk looks like to the save path. The plan belongs to the thread
// that arms it (SQLite does a connection's I/O on the calling thread); tests arm it around the
// one request they want to fail.
class FaultVfs {
 public:
  // Registers the VFS on first use and returns its name for Env::sqlite_vfs().
  static const char* name();

  // Let `ok_ops` more writes/syncs/truncates through, then fail each one with `sqlite_code`
  // (an SQLITE_IOERR_* or SQLITE_FULL) until disarm().
  static void fail_after(int ok_ops, int sqlite_code);
  static void disarm();

  // How many operations were failed since the process started, on all threads.
  static long injected();
};

}  // namespace records
