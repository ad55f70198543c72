#include "bench/plain_rapidcheck.h"

#include <utility>

#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include "harness/core/hash.h"
#include "harness/core/model.h"
#include "harness/core/values.h"
#include "harness/targets/data_dir.h"
#include "harness/targets/inprocess_target.h"

namespace savefuzz::bench {
namespace {

using Cmd = rc::state::Command<Model, Target>;
using Clock = std::chrono::steady_clock;

std::uint64_t g_steps = 0;  // requests answered in the current hunt (one hunt at a time per process)

// The model's entities a key may name, as a hand-written test would pick them.
std::vector<std::string> candidates(const Model& m, Key key) {
  auto of = [&](std::initializer_list<Kind> kinds) {
    std::vector<std::string> ids;
    for (Kind k : kinds)
      for (auto& id : m.ids_of(k)) ids.push_back(id);
    return ids;
  };
  switch (key) {
    case Key::practice: return of({Kind::practice});
    case Key::practitioner: return of({Kind::practitioner});
    case Key::patient: return of({Kind::patient});
    case Key::client: return of({Kind::api_client});
    case Key::appointment: return of({Kind::appointment});
    case Key::document: return of({Kind::document});
    default: return of({Kind::practitioner, Kind::patient, Kind::api_client});  // as, with
  }
}

std::string plain_text() { return to_valid_utf8(*rc::gen::arbitrary<std::string>()); }

std::string plain_start() {
  // One draw per statement: the order of a call's arguments is unspecified, and the same seed
  // must give the same start with every compiler.
  int month = *rc::gen::inRange(1, 13);
  int day = *rc::gen::inRange(1, 29);
  int hour = *rc::gen::inRange(0, 24);
  int minute = *rc::gen::inRange(0, 60);
  char buf[32];
  std::snprintf(buf, sizeof buf, "2024-%02d-%02dT%02d:%02d", month, day, hour, minute);
  return buf;
}

Request plain_request(const Model& m, Op op) {
  Request r{op};
  const OpSpec& s = spec(op);
  for (const KeyUse& use : s.uses()) {
    if (!use.required() && *rc::gen::arbitrary<bool>()) continue;
    switch (key_type(use.key)) {
      case ValueType::id: {
        auto ids = candidates(m, use.key);
        if (s.creates == use.key || ids.empty()) {
          std::string fresh = "e";  // appended, not "e" + ...: GCC 12 warns falsely on that (-Wrestrict)
          fresh += std::to_string(*rc::gen::inRange(0, 1000));
          r.set(use.key, fresh);
        } else {
          r.set(use.key, *rc::gen::elementOf(ids));
        }
        break;
      }
      case ValueType::text: r.set(use.key, plain_text()); break;
      case ValueType::start: r.set(use.key, plain_start()); break;
      case ValueType::status: r.set(use.key, *rc::gen::element<std::string>("booked", "done", "cancelled")); break;
      case ValueType::integer: r.set(use.key, static_cast<std::int64_t>(*rc::gen::inRange(0, 5))); break;
      case ValueType::fields: {
        Fields f;
        for (auto& field : f)
          if (*rc::gen::arbitrary<bool>()) field = plain_text();
        r.set(use.key, f);
        break;
      }
    }
  }
  return r;
}

template <Op kOp>
struct PlainOp : Cmd {
  Request request;
  explicit PlainOp(const Model& m) : request(plain_request(m, kOp)) {}
  void apply(Model& m) const override { m.apply(request); }
  void run(const Model& m, Target& t) const override {
    ++g_steps;
    Model copy = m;
    Json expected = to_json(copy.apply(request));
    Reply reply = t.call(encode_request(request));
    RC_ASSERT(std::holds_alternative<Json>(reply));
    Json actual = std::get<Json>(reply);
    actual.erase("id");
    if (actual.contains("error")) actual["error"].erase("message");
    RC_ASSERT(actual == expected);
  }
  void show(std::ostream& os) const override { os << encode_request(request).dump(); }
};

// Control steps are not counted: steps are requests answered, as the campaign counts them.
struct PlainRestart : Cmd {
  void run(const Model&, Target& t) const override { RC_ASSERT(!t.restart()); }
};

struct PlainCrash : Cmd {
  void run(const Model&, Target& t) const override { RC_ASSERT(!t.crash()); }
};

// A save killed before it runs (crash point 0) or after its first commit (1), as the savefuzz
// suite does: the model knows which.
struct PlainCrashDuring : Cmd {
  Request request;
  bool completes;
  explicit PlainCrashDuring(const Model& m)
      : request(plain_request(m, Op::save_observation)), completes(*rc::gen::arbitrary<bool>()) {}
  void apply(Model& m) const override {
    if (completes) m.apply(request);
  }
  void run(const Model&, Target& t) const override {
    RC_ASSERT(!t.crash_during(encode_request(request), CrashAt{std::nullopt, completes ? 1u : 0u}));
  }
};

// One command per row of the op table, in row order, then the control steps.
template <std::size_t... I>
auto plain_commands(std::index_sequence<I...>) {
  return rc::state::gen::execOneOfWithArgs<PlainOp<static_cast<Op>(I)>..., PlainRestart, PlainCrash, PlainCrashDuring>();
}
auto plain_commands() { return plain_commands(std::make_index_sequence<kOpCount>{}); }

}  // namespace

Hunt hunt_with_plain_rapidcheck(records::Mutant mutant, std::uint64_t seed, std::chrono::milliseconds budget) {
  auto t0 = Clock::now();
  g_steps = 0;
  DataDir root(default_data_root());
  rc::detail::TestParams params;
  params.seed = seed * kGoldenGamma + 1;
  params.maxSuccess = 10;  // small checks, so the budget is looked at often
  params.maxSize = 100;
  params.disableShrinking = true;
  Hunt hunt;
  while (Clock::now() - t0 < budget) {
    auto property = [&] {
      InProcessTarget target({mutant, root.path()});
      RC_ASSERT(!target.start());
      Model model(target.limits());
      rc::state::check(model, static_cast<Target&>(target), plain_commands());
    };
    auto result = rc::detail::checkTestable(property, rc::detail::TestMetadata{"plain", "plain"}, params);
    if (result.template is<rc::detail::FailureResult>()) {
      hunt.found = true;
      break;
    }
    params.seed += kGoldenGamma;
  }
  hunt.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  hunt.steps = g_steps;
  return hunt;
}

}  // namespace savefuzz::bench
