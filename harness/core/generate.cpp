// Scenario generation. Arguments are drawn from the model of the state so far, so most steps
// reach the interesting checks instead of failing at not_found.
#include "harness/core/generate.h"
#include "harness/core/patient_data.h"

#include <algorithm>
#include <array>
#include <mutex>
#include <stdexcept>

#include "harness/core/hash.h"
#include "harness/core/values.h"

namespace savefuzz {
namespace {

namespace gen = rc::gen;

// Small id pools: ids collide and rules interact.
const std::vector<std::string> kPractices{"P1", "P2"};
const std::vector<std::string> kPractitioners{"D1", "D2", "E1"};
const std::vector<std::string> kPatients{"U1", "U2", "V1"};
const std::vector<std::string> kClients{"C1", "C2"};
const std::vector<std::string> kAppointments{"A1", "A2", "A10"};
const std::vector<std::string> kDocuments{"X1", "X2"};
const std::vector<std::string> kBadIds{"", "bad id", std::string(65, 'a'), "D1\xc3\xa9", "A1;--"};

const std::vector<std::string> kMedical{
    "toux", "RAS", "fièvre 39,2 °C depuis 48 h", "douleur thoracique à l'effort",
    "Auscultation : murmure vésiculaire symétrique, pas de crépitants.",
    "Conclusion : angine érythémato-pultacée ; TDR positif → amoxicilline 1 g × 2/j pendant 6 j."};

std::string repeat_to(const std::string& unit, std::size_t bytes) {
  // Doubling: a 1 MiB text costs twenty copies, not a million appends.
  std::size_t whole = unit.empty() ? 0 : bytes / unit.size() * unit.size();
  std::string s;
  s.reserve(bytes);
  if (whole) s = unit;
  while (!s.empty() && s.size() * 2 <= whole) s += s;
  s.append(s, 0, whole - s.size());
  s.append(bytes - s.size(), 'a');
  return s;
}

// Decisions drawn from a source: a choice in [lo, hi), an element, a percent chance.
struct Dice {
  Choices* c_;

  template <class T>
  T roll(T lo, T hi) {
    return static_cast<T>(lo + static_cast<T>(c_->below(static_cast<std::uint64_t>(hi - lo))));
  }
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[roll<std::size_t>(0, v.size())];
  }
  bool chance(int percent) { return roll(0, 100) < percent; }
};

// A text within 16 bytes of a power of two from 256 to 64 KiB, at most `limit` bytes: where a page,
// a buffer or an overflow threshold sits. An 11-byte band just under 8 KiB is drawn once in 27
// (a byte names the power, one the offset); a length drawn at random in 64 KiB, once in 6,000.
std::string near_power_of_two(Dice& d, std::size_t limit) {
  std::size_t bytes = (std::size_t{1} << d.roll(8, 17)) + d.roll(0, 33) - 16;
  return repeat_to(d.chance(25) ? "é" : "observation ", std::min(bytes, limit));
}

// Builds each step's request from the model of the state so far.
class Builder : public Dice {
 public:
  Builder(const Limits& limits, Choices& c) : Dice{&c}, limits_(limits), model_(limits) {}
  Builder(const Model& m, Choices& c) : Dice{&c}, limits_(m.limits()), model_(m) {}

  Model& model() { return model_; }
  void use(Choices& c) { c_ = &c; }

  // An id of `kind`: mostly one that exists, else from its pool, any pool, or a bad id.
  std::string id_of(Kind kind) {
    auto existing = model_.ids_of(kind);
    int dice = roll(0, 100);
    if (dice < 80 && !existing.empty()) return pick(existing);
    if (dice < 92) return pick(pool(kind));
    if (dice < 97) return any_id();
    return pick(kBadIds);
  }

  // A practitioner of `practice` most of the time; otherwise anyone at all.
  std::string principal_for(const std::optional<std::string>& practice) {
    if (practice && chance(80)) {
      std::vector<std::string> own;
      for (const auto& d : model_.ids_of(Kind::practitioner))
        if (model_.practice_of(d) == practice) own.push_back(d);
      if (!own.empty()) return pick(own);
    }
    return chance(90) ? any_id() : pick(kBadIds);
  }

  std::string text(Limit limit) { return draw_text(*c_, bytes_of(limit, limits_)); }

  std::string start() {
    if (chance(5)) return pick(std::vector<std::string>{"2023-02-29T10:00", "2024-01-01T24:00", "2024-1-1T10:00", ""});
    int day = roll(1, 4), hour = roll(8, 11);
    return "2024-03-0" + std::to_string(day) + "T" + (hour < 10 ? "0" : "") + std::to_string(hour) + ":00";
  }

  // Draws the keys of `op`'s row, each by its Draw rule; a key drawn from another is drawn after
  // it, so the request's choices come in a fixed order for a given row.
  Request request(Op op) {
    const OpSpec& s = spec(op);
    Request r{op, {}};
    Drawing d{s, r, {}, std::nullopt, 0};
    for (const KeyUse& u : s.uses()) draw(d, u);
    return r;
  }

  // The appointment's patient, a practitioner, or anyone.
  std::string recipient_for(const std::string& document) {
    int dice = roll(0, 100);
    if (dice < 40) {
      if (auto a = model_.appointment_of_document(document)) {
        for (const auto& p : model_.ids_of(Kind::patient))
          if (model_.practice_of(p) == model_.practice_of(*a)) return p;  // often the right patient
      }
    }
    if (dice < 85) return id_of(Kind::practitioner);
    return any_id();
  }

  struct Drawing {
    const OpSpec& spec;
    Request& request;
    std::array<bool, kKeyCount> visited{};
    std::optional<int> one_of_roll;  // one roll decides which of the one_of keys are given
    std::size_t one_of_seen = 0;
  };

  // Whether the i-th one_of key is given under `roll`: the first alone 45%, the second alone
  // 50%, both 5%. Never neither: that request would be invalid for a dull reason.
  static bool one_of_given(int roll, std::size_t i) { return i == 0 ? roll < 45 || roll >= 95 : roll >= 40 && roll < 95; }

  void draw(Drawing& d, const KeyUse& u) {
    auto& visited = d.visited[static_cast<std::size_t>(u.key)];
    if (visited) return;
    visited = true;
    if (u.from) draw(d, *d.spec.use(*u.from));
    switch (u.presence) {
      case Presence::required: break;
      case Presence::optional:
        if (!chance(u.percent)) return;
        break;
      case Presence::one_of:
        if (!d.one_of_roll) d.one_of_roll = roll(0, 100);
        if (!one_of_given(*d.one_of_roll, d.one_of_seen++)) return;
        break;
    }
    d.request.set(u.key, value(u, d.request));
  }

  Value value(const KeyUse& u, const Request& r) {
    auto from = [&] { return r.str(*u.from); };
    switch (u.draw) {
      case Draw::fresh_id: {
        Kind kind = *key_kind(u.key);
        return chance(fresh_percent(kind)) ? pick(pool(kind)) : any_id();
      }
      case Draw::existing_id: return id_of(*key_kind(u.key));
      case Draw::principal: return principal_for(model_.practice_of(from()));
      case Draw::recipient: return recipient_for(from());
      case Draw::reader: return chance(50) ? principal_for(model_.practice_of(from())) : recipient_for(from());
      case Draw::lister: {
        int dice = roll(0, 100);
        auto clients = model_.ids_of(Kind::api_client);
        return dice < 40 && !clients.empty() ? pick(clients) : principal_for(std::nullopt);
      }
      case Draw::setup_text: return chance(90) ? pick(kMedical) : text(key_limit(u.key));
      case Draw::person_text: return chance(97) ? pick(kMedical) : text(key_limit(u.key));
      case Draw::text: return text(key_limit(u.key));
      // A document's content is what page and overflow sizes cut: three in ten contents are sized
      // next to a power of two. At one in ten, save_path_fuzzer met an 11-byte band under 8 KiB
      // (page-overflow-cuts-document) in 5 to 8 seeds of 10 within 120 s, at three in ten in 19
      // of 20: its fresh draws come mostly from the records its mutations add, so the share is
      // what sets its odds (bench/results/fuzz.md).
      case Draw::content: {
        int dice = roll(0, 100);
        if (dice < 60) return pick(kMedical);
        return dice < 90 ? near_power_of_two(*this, bytes_of(key_limit(u.key), limits_)) : text(key_limit(u.key));
      }
      case Draw::start: return start();
      // `from <= start < to` turns on equality. Drawn from the nine starts, a bound equals a
      // given appointment's start one time in nine; an off-by-one there (from exclusive, to
      // inclusive, a filter lost at the boundary) shows only then, so it is drawn on purpose.
      case Draw::bound: {
        auto appointments = model_.ids_of(Kind::appointment);
        if (!appointments.empty() && chance(40)) return *model_.start_of(pick(appointments));
        return start();
      }
      case Draw::status: return pick(std::vector<std::string>{"booked", "done", "cancelled", "closed"});
      case Draw::fields: {
        Fields f;
        if (!chance(3)) {
          auto n = roll(1, 5);
          for (int i = 0; i < n; ++i) f[static_cast<std::size_t>(roll(0, 4))] = text(key_limit(u.key));
        }
        return f;
      }
      case Draw::version: {
        auto obs = model_.observation(from());
        std::int64_t current = obs ? obs->version : 0;
        int dice = roll(0, 100);
        return dice < 60 ? current : dice < 90 ? current - 1 : std::int64_t{roll(-2, 50)};
      }
    }
    return std::string();
  }

  // The same request with a defect the typed form cannot hold.
  Call malformed(const Request& r) {
    Json j = encode_request(r);
    switch (roll(0, 4)) {
      case 0: j["unexpected"] = true; break;
      case 1: j[j.begin().key() == "op" && j.size() > 1 ? std::next(j.begin()).key() : "op"] = 42; break;
      case 2: j[j.size() > 1 ? std::next(j.begin()).key() : "op"] = nullptr; break;
      default: j.erase(j.size() > 1 ? std::next(j.begin()).key() : "op"); break;
    }
    return Call::of(j);
  }

  Step step(Op op) {
    Request r = request(op);
    if (chance(3)) return Step::request(malformed(r));
    model_.apply(r);  // keeps later choices plausible; the runner holds the real model
    return Step::request(Call::of(r));
  }

 private:
  // Small id pools: ids collide and rules interact. A new entity's id comes from its pool mostly.
  static const std::vector<std::string>& pool(Kind kind) {
    switch (kind) {
      case Kind::practice: return kPractices;
      case Kind::practitioner: return kPractitioners;
      case Kind::patient: return kPatients;
      case Kind::api_client: return kClients;
      case Kind::appointment: return kAppointments;
      case Kind::document: return kDocuments;
    }
    return kPractices;
  }
  static int fresh_percent(Kind kind) { return kind == Kind::appointment || kind == Kind::document ? 85 : 90; }

  // An id of any pool, drawn as picking from all pools joined would draw it, without building
  // that list (a vector of strings per draw, many per request).
  const std::string& any_id() {
    static constexpr std::array<const std::vector<std::string>*, 6> kPools{
        &kPractices, &kPractitioners, &kPatients, &kClients, &kAppointments, &kDocuments};
    static const std::size_t total = [] {
      std::size_t n = 0;
      for (const auto* pool : kPools) n += pool->size();
      return n;
    }();
    std::size_t i = roll<std::size_t>(0, total);
    for (const auto* pool : kPools) {
      if (i < pool->size()) return (*pool)[i];
      i -= pool->size();
    }
    return kPractices.front();  // unreachable: i < total
  }

  Limits limits_;
  Model model_;
};

class RcChoices : public Choices {
 public:
  // Same odds at every size: RapidCheck's inRange narrows its range at small sizes, which would
  // make every "chance" certain in a property's first cases.
  std::uint64_t below(std::uint64_t n) override {
    return n <= 1 ? 0 : *gen::resize(rc::kNominalSize, gen::inRange<std::uint64_t>(0, n));
  }
  std::string bytes(std::size_t n) override {
    return *gen::container<std::string>(n, gen::arbitrary<char>());
  }
};

}  // namespace

std::string draw_text(Choices& c, std::size_t limit) {
  Dice d{&c};
  switch (d.roll(0, 23)) {
    case 0: return "";
    case 1: return repeat_to("a", limit);
    case 2: return repeat_to("a", limit + 1);
    case 3: return repeat_to("\xF0\x9F\x98\xB7", limit);            // 4-byte emoji up to the limit
    case 4: return repeat_to("\xF0\x9F\x98\xB7", limit - 2) + "é";  // ends with a 2-byte char at the limit
    case 5: return repeat_to("é", limit) + "é";                     // one character over
    case 6: return repeat_to("é", std::min<std::size_t>(limit, 4097));  // straddles 4 KiB mid-character
    // Any length up to the limit (at most 64 KiB, so a fuzz input's two bytes name it exactly):
    // a save path's size thresholds (4 KiB, a page, an overflow) sit anywhere in that range.
    case 7: return repeat_to("observation ", d.roll<std::size_t>(1, std::min<std::size_t>(limit, 65535) + 1));
    case 8: return "e\u0301 n\u0303 \U0001F468\u200D\u2695\uFE0F";  // combining marks, ZWJ sequence
    case 9: return "ligne 1\r\nligne 2\nligne 3\r";
    case 10: return "\"guillemets\" et \\antislash\\ et \t tab";
    case 11: return std::string("avant\0après", 12);  // U+0000: always invalid
    case 12: {
      std::string s;
      while (s.size() < std::min<std::size_t>(limit, 2000)) s += d.pick(kMedical) + " ";
      return std::string(utf8_prefix(s, limit));
    }
    case 13: {  // raw bytes (controls, U+FFFD), sometimes repeated up to the limit
      std::string raw = to_valid_utf8(c.bytes(d.roll<std::size_t>(1, 17)));
      std::string text = d.chance(25) ? repeat_to(raw, limit + d.roll<std::size_t>(0, 2)) : raw;
      // The only draw that can spell digits or an address: a scenario file a finding saves never
      // holds what looks like real patient data (a phone number, an NIR, an e-mail).
      return find_patient_data(text).empty() ? text : std::string("observation");
    }
    case 14: return near_power_of_two(d, limit);
    default: return d.pick(kMedical);
  }
}

rc::Gen<std::string> text_gen(std::size_t limit) {
  return gen::exec([limit]() -> std::string {
    RcChoices c;
    return draw_text(c, limit);
  });
}

struct StepDrawer::Impl : Builder {
  using Builder::Builder;
};

StepDrawer::StepDrawer(const Limits& limits, Choices& choices) : impl_(std::make_unique<Impl>(limits, choices)) {}
StepDrawer::~StepDrawer() = default;
void StepDrawer::use(Choices& choices) { impl_->use(choices); }

void StepDrawer::world(const WorldSize& n, std::vector<Step>& steps) {
  steps.reserve(steps.size() + static_cast<std::size_t>(std::max(0, n.steps())));
  auto add = [&](int count, Op op) {
    for (int i = 0; i < count; ++i) steps.push_back(impl_->step(op));
  };
  add(n.practices, Op::create_practice);
  add(n.practitioners, Op::create_practitioner);
  add(n.patients, Op::create_patient);
  add(n.clients, Op::create_api_client);
  add(n.appointments, Op::book_appointment);
  add(n.documents, Op::attach_document);
}

Step StepDrawer::request_step(Op op) { return impl_->step(op); }

Step StepDrawer::faulty_request_step(Op op) {
  Builder& b = *impl_;
  StorageFault f;
  f.on = b.chance(50) ? StorageFault::On::sync : StorageFault::On::write;
  // A small write makes one sync: mostly the first, so sync faults fire as often as write faults.
  f.n = f.on == StorageFault::On::sync && b.chance(70) ? 1u : b.roll(1u, (f.on == StorageFault::On::sync ? kMaxDrawnSync : kMaxDrawnFaultN) + 1);
  f.error = b.chance(30) ? StorageFault::Errno::enospc : StorageFault::Errno::eio;
  Step step = impl_->step(op);
  std::get<RequestStep>(step.body).fault = f;
  return step;
}

Step StepDrawer::crash_during_step(bool at_sync) {
  Builder& b = *impl_;
  Request r = b.request(b.pick(std::vector<Op>{Op::save_observation, Op::save_observation, Op::share_document,
                                               Op::update_appointment, Op::attach_document, Op::book_appointment}));
  b.model().apply(r);
  std::optional<unsigned> k;
  if (at_sync) k = b.roll(1u, kMaxDrawnSync + 1);
  return Step::crash_during(Call::of(r), k);
}

Step StepDrawer::control_step(StepKind kind, bool at_sync) {
  switch (kind) {
    case StepKind::restart: return Step::restart();
    case StepKind::crash: return Step::crash();
    case StepKind::crash_during: return crash_during_step(at_sync);
    case StepKind::power_loss: return Step::power_loss();
    case StepKind::request:
    case StepKind::reset: break;
  }
  throw std::logic_error("control_step: not a drawn control step kind");
}

WorldSize WorldSize::draw(Choices& choices) {
  Dice d{&choices};
  // At least one practice, practitioner and patient: most steps need them.
  return {d.roll(1, 3), d.roll(1, 4), d.roll(1, 4), d.roll(0, 3), d.roll(0, 4), d.roll(0, 3)};
}

void StepDrawer::note(const Step& step) {
  if (step.call() && step.call()->request()) impl_->model().apply(*step.call()->request());
}

rc::Gen<Scenario> scenario_gen(const GenOptions& options) {
  return gen::exec([options]() -> Scenario {
    RcChoices c;
    StepDrawer drawer(options.limits, c);
    Dice d{&c};
    // Swarm: this scenario's op kinds and controls.
    std::vector<Op> ops;
    for (const auto& s : all_ops())
      if (d.chance(60)) ops.push_back(s.op);
    if (ops.empty()) ops.push_back(Op::save_observation);
    std::vector<StepKind> controls;
    if (options.controls)
      for (std::size_t k = 1; k < kStepKindCount; ++k) {
        auto kind = static_cast<StepKind>(k);
        if (!drawn_control(kind) || (kind == StepKind::power_loss && !options.faults.power_loss)) continue;
        if (d.chance(40)) controls.push_back(kind);
      }
    // Swarm again: some scenarios fail storage often, some never.
    unsigned io_percent = options.faults.io_percent && d.chance(60) ? options.faults.io_percent : 0;

    // Set-up preamble: a world to act in.
    Scenario s{"generated", "", {}};
    drawer.world(WorldSize::draw(c), s.steps);

    std::size_t room = options.max_steps > s.steps.size() ? options.max_steps - s.steps.size() : 0;
    std::size_t body = *gen::inRange<std::size_t>(0, room + 1);  // grows with size: small cases first
    for (std::size_t i = 0; i < body; ++i) {
      if (!controls.empty() && d.chance(8)) {
        // Two draws, sequenced: compilers evaluate a call's arguments in different orders (GCC 12
        // right to left, clang 14 left to right), and a seed must draw the same scenario whichever
        // compiler built savefuzz.
        StepKind kind = d.pick(controls);
        bool at_sync = options.faults.sync_crashes && d.chance(80);
        s.steps.push_back(drawer.control_step(kind, at_sync));
        continue;
      }
      Op op = d.pick(ops);
      // Only writes meet failing storage: a read's fault would never fire.
      bool fault = io_percent && spec(op).mutating && d.chance(static_cast<int>(io_percent));
      s.steps.push_back(fault ? drawer.faulty_request_step(op) : drawer.request_step(op));
    }
    return s;
  });
}

Request draw_request(const Model& model, Op op) {
  RcChoices c;
  return Builder(model, c).request(op);
}

Scenario generate_scenario(const GenOptions& options, std::uint64_t seed, std::uint64_t case_index) {
  // One independent random stream per case: any case can be generated again on its own.
  // RapidCheck keeps its implicit parameters in process-wide statics: one generation at a time
  // (parallel campaign workers).
  static std::mutex one_at_a_time;
  std::lock_guard lock(one_at_a_time);
  return scenario_gen(options)(rc::Random(splitmix64(seed, case_index)), rc::kNominalSize).value();
}

}  // namespace savefuzz
