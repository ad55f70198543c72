// Naming the broken invariant: from the diverging step, the model's state and what came before.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "harness/core/invariants.h"
#include "harness/core/model.h"
#include "harness/core/scenario.h"

namespace savefuzz {

// What earlier steps did to observations, as far as classification needs to know.
class History {
 public:
  // A request and the answer it got; `before` is the model as it was before the request.
  // `answered` is false for the request of a crash_during, recorded as if it had its predicted answer.
  void record(std::size_t step, const Request& r, const Response& actual, const Model& before, bool answered = true);
  // A restart, a crash, or a crash_during of `r` (which may then have touched an observation).
  void record_control(std::size_t step, StepKind kind, const Request* r, const Model& before);

  // A request whose write or sync failed, as a fault injected at it made it fail.
  void record_storage_failure() { storage_failed_ = true; }

  // Whether a crash, a crash_during or a failed write or sync came before: where a target that
  // acknowledged before its change was durable loses what it acknowledged (a correct one loses
  // nothing there, so a creation found gone since is a lost acknowledgement).
  bool may_have_lost_acknowledged() const;
  // Whether the last `lost` acknowledged saves of `appointment` wrote only values its fields
  // already held, and a restart or crash came after them: losing them shows only in the version.
  // The saves of crash_during steps count when `with_crashed` (the state the read matches had
  // them applied).
  bool lost_saves_show_only_in_version(const std::string& appointment, std::int64_t lost, bool with_crashed) const;

  // Why `appointment`'s observation reads with its fields right and a version `lost` below the
  // expected one, once no crash explains it (lost_saves_show_only_in_version): the last step
  // since its last save that could have changed it names the invariant (an update, a share); with
  // none, saves that wrote no new value were acknowledged and not kept (ack-durable, or
  // share-preserves-observation if made while a document was shared, as explain_field names a
  // lost value); otherwise the version is simply wrong. A save's answer carries the version, so a
  // save that did not bump it diverged at its own answer, before this is asked.
  Invariant explain_version(const std::string& appointment, std::int64_t lost, bool with_crashed) const;

  // Whether `appointment` was at `start` with `status` before an acknowledged update moved it.
  bool held_before_update(const std::string& appointment, const std::string& start, const std::string& status) const;

  // Why field `field` of `appointment` reads `actual` where the model expected `expected`.
  Invariant explain_field(const std::string& appointment, std::size_t field, const std::string& expected,
                          const std::string& actual) const;

 private:
  enum class Event { update, share, crash, crash_during };
  struct Ack {
    std::size_t step = 0;
    bool while_shared = false;
  };
  struct Rejected {
    std::string appointment;
    Fields fields;
    bool conflict;
  };
  struct Save {
    std::size_t step;
    bool unchanging;  // wrote no new value
    bool answered;    // false: the request of a crash_during
    bool while_shared;  // a document of the appointment was shared
  };

  // The last `lost` saves of `appointment` (crashed ones counted when `with_crashed`); none when
  // it had fewer.
  std::vector<Save> last_saves(const std::string& appointment, std::int64_t lost, bool with_crashed) const;
  // The last step after `since` that could have changed `appointment`'s observation (an update
  // or a share of it, any crash or crash_during) and what it was; {since, none} when none did.
  std::pair<std::size_t, std::optional<Event>> latest_event_since(const std::string& appointment,
                                                                  std::size_t since) const;

  std::map<std::string, std::array<Ack, 4>> acks_;
  std::map<std::string, std::vector<Save>> saves_;  // acknowledged or crashed, in order, by appointment
  std::vector<Rejected> rejected_;
  std::map<std::string, std::set<std::pair<std::string, std::string>>> before_updates_;  // (start, status)
  std::vector<std::pair<std::size_t, std::pair<Event, std::string>>> events_;  // step, (event, appointment)
  bool storage_failed_ = false;
};

// The invariant a divergence breaks. `outcomes` are the answers the allowed states predict (more
// than one after a crash_during whose outcome is still unknown), none of them `actual`. `model`
// is the model the first was predicted from: only its limits are read, and for reads (which
// change nothing) its entities, so after a write it may already hold the write's predicted effect.
Invariant classify(const Model& model, const Call& call, const std::vector<Response>& outcomes, const Response& actual,
                   const History& history);

}  // namespace savefuzz
