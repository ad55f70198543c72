// RapidCheck generators of whole scenarios: small scopes, swarm op mixes, boundary text.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <rapidcheck.h>

#include "harness/core/model.h"
#include "harness/core/scenario.h"

namespace savefuzz {

// Where the generators' decisions come from: RapidCheck's random stream inside a property, or a
// fuzzer's input bytes (harness/core/fuzz_input.h). One drawing code serves both engines.
class Choices {
 public:
  virtual ~Choices() = default;
  virtual std::uint64_t below(std::uint64_t n) = 0;  // a number in [0, n); 0 when n <= 1
  virtual std::string bytes(std::size_t n) = 0;       // n raw bytes, for texts that need not be UTF-8
};

// How many of each entity a scenario's set-up preamble creates.
struct WorldSize {
  int practices = 0, practitioners = 0, patients = 0, clients = 0, appointments = 0, documents = 0;

  // The ranges every engine draws a world from.
  static WorldSize draw(Choices& choices);
  int steps() const { return practices + practitioners + patients + clients + appointments + documents; }
};

// Draws steps whose arguments come from a model of the state so far, so most steps reach the
// interesting checks instead of failing at not_found; each drawn request is applied to that model.
class StepDrawer {
 public:
  StepDrawer(const Limits& limits, Choices& choices);
  ~StepDrawer();
  void use(Choices& choices);  // later draws come from `choices`

  void world(const WorldSize& size, std::vector<Step>& steps);  // appends the set-up preamble
  Step request_step(Op op);                        // sometimes malformed on purpose
  Step faulty_request_step(Op op);                 // with a storage fault (SPEC.md section 5)
  // A crash during a write; with `at_sync`, killed at its K-th sync (K drawn from 1..kMaxDrawnSync).
  Step crash_during_step(bool at_sync = false);
  Step control_step(StepKind kind, bool at_sync = false);  // a restart, crash, crash_during or power_loss
  void note(const Step& step);                     // a step from elsewhere joins the model

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The crash K and fault n drawn: a save's commit makes one or two syncs and a few writes, so small
// values reach every point of it; the shrinker only ever lowers them.
inline constexpr unsigned kMaxDrawnSync = 4;
inline constexpr unsigned kMaxDrawnFaultN = 4;

// Which of SPEC.md section 5's fault steps generation draws (those the target supports).
struct FaultMix {
  unsigned io_percent = 0;    // percent of requests that carry a storage fault
  bool power_loss = false;    // power_loss among the control steps
  bool sync_crashes = false;  // crash_during steps at an exact sync ("at")

  bool any() const { return io_percent > 0 || power_loss || sync_crashes; }
};

struct GenOptions {
  Limits limits;               // the target's, from its hello
  std::size_t max_steps = 40;  // scenario length at the largest size
  bool controls = true;        // restart, crash, crash_during (and power_loss when faults allow) allowed
  FaultMix faults;
};

// A scenario: a set-up preamble drawn from small id pools, then steps whose arguments are drawn
// from a model of the state so far (mostly valid, authorized requests; a steady share of
// invalid, wrong-kind, forbidden, not-found, stale and malformed ones). Each scenario enables a
// random subset of op kinds and control steps (swarm testing).
rc::Gen<Scenario> scenario_gen(const GenOptions& options);

// Texts biased to where save paths break: empty, exactly the limit and one byte over, multi-byte
// UTF-8 around the limit and around 4 KiB, emoji and combining marks, CR/LF, quotes and
// backslashes, U+0000, long French medical text.
// Raw bytes (made valid UTF-8) now and then.
std::string draw_text(Choices& choices, std::size_t limit);
rc::Gen<std::string> text_gen(std::size_t limit);

// One request of `op` with arguments drawn from `model`: mostly valid and authorized, sometimes
// not. Call it inside a RapidCheck generator or property (it draws with operator*).
Request draw_request(const Model& model, Op op);

// Deterministic generation outside a property: the same seed, case and options give the same
// scenario.
Scenario generate_scenario(const GenOptions& options, std::uint64_t seed, std::uint64_t case_index);

}  // namespace savefuzz
