// The outside world as the save path sees it: the storage layer and the passing of time.
#pragma once

#include <chrono>

namespace records {

// Pass-through by default; a test or the in-process harness overrides only what it needs
// (a faulty SQLite VFS, a crash right after a commit, no real sleeping).
class Env {
 public:
  virtual ~Env() = default;

  // Name of the SQLite VFS to open the database with; nullptr for SQLite's default.
  virtual const char* sqlite_vfs() const { return nullptr; }

  // Called each time a transaction has committed. Throwing from here models a crash at that
  // point: what was committed stays, nothing after it happens.
  virtual void after_commit() {}

  // Where the save path waits on something slow between two steps.
  virtual void pause(std::chrono::milliseconds d);

  // The process-wide pass-through Env.
  static Env& standard();
};

}  // namespace records
