// Naming the broken invariant: from the diverging step, the model's state and what came before.
#pragma once

#include <array>
#include <map>
#include <optional>
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
  void record(std::size_t step, const Request& r, const Response& actual, const Model& before);
  // A restart, a crash, or a crash_during of `r` (which may then have touched an observation).
  void record_control(std::size_t step, StepKind kind, const Request* r, const Model& before);

  // Whether the target was restarted, crashed, or crashed mid-request at any point so far.
  bool restarted() const;

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
  bool since(std::size_t step, Event type, const std::string& appointment) const;

  std::map<std::string, std::array<Ack, 4>> acks_;
  std::map<std::string, std::vector<std::size_t>> saves_;  // steps of acknowledged saves, by appointment
  std::vector<Rejected> rejected_;
  std::vector<std::pair<std::size_t, std::pair<Event, std::string>>> events_;  // step, (event, appointment)
};

// The invariant a divergence breaks. `model` is the model the answer was predicted from: only its
// limits are read, and for reads (which change nothing) its entities, so after a write it may
// already hold the write's predicted effect. `several_outcomes` when an unresolved crash_during
// left allowed states that predict different answers, and none predicts this one.
Invariant classify(const Model& model, const Call& call, const Response& expected, const Response& actual,
                   const History& history, bool several_outcomes);

}  // namespace savefuzz
