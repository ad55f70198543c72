// Scenario generation. Arguments are drawn from the model of the state so far, so most steps
// reach the interesting checks instead of failing at not_found.
#include "harness/generate.h"

#include <algorithm>

#include "harness/values.h"

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

// The longest prefix of `s` within `bytes` that ends on a character boundary.
std::string cut_utf8(const std::string& s, std::size_t bytes) {
  if (s.size() <= bytes) return s;
  while (bytes > 0 && (static_cast<unsigned char>(s[bytes]) & 0xC0) == 0x80) --bytes;
  return s.substr(0, bytes);
}

std::string repeat_to(const std::string& unit, std::size_t bytes) {
  std::string s;
  while (s.size() + unit.size() <= bytes) s += unit;
  while (s.size() < bytes) s += 'a';
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

// Builds each step's request from the model of the state so far.
class Builder : public Dice {
 public:
  Builder(const Limits& limits, Choices& c) : Dice{&c}, limits_(limits), model_(limits) {}
  Builder(const Model& m, Choices& c) : Dice{&c}, limits_(m.limits()), model_(m) {}

  Model& model() { return model_; }
  void use(Choices& c) { c_ = &c; }

  std::string id_of(Kind kind, const std::vector<std::string>& pool) {
    auto existing = model_.ids_of(kind);
    int dice = roll(0, 100);
    if (dice < 80 && !existing.empty()) return pick(existing);
    if (dice < 92) return pick(pool);
    if (dice < 97) return pick(all_ids());
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
    return chance(90) ? pick(all_ids()) : pick(kBadIds);
  }

  // Set-up texts are mostly plain, so that the world gets built; observation fields, titles and
  // contents get the boundary-heavy mix.
  std::string setup_text() { return chance(90) ? pick(kMedical) : text(Limit::field); }

  std::string text(Limit limit) {
    std::size_t bytes = limit == Limit::title ? limits_.title_bytes
                        : limit == Limit::document ? limits_.document_bytes
                                                   : limits_.field_bytes;
    return draw_text(*c_, bytes);
  }

  std::string start() {
    if (chance(5)) return pick(std::vector<std::string>{"2023-02-29T10:00", "2024-01-01T24:00", "2024-1-1T10:00", ""});
    int day = roll(1, 4), hour = roll(8, 11);
    return "2024-03-0" + std::to_string(day) + "T" + (hour < 10 ? "0" : "") + std::to_string(hour) + ":00";
  }

  Request request(Op op) {
    Request r{op, {}};
    switch (op) {
      case Op::create_practice:
        r.set(Key::practice, chance(90) ? pick(kPractices) : pick(all_ids()));
        break;
      case Op::create_practitioner:
        r.set(Key::practitioner, chance(90) ? pick(kPractitioners) : pick(all_ids()))
            .set(Key::practice, id_of(Kind::practice, kPractices))
            .set(Key::name, setup_text())
            .set(Key::specialty, setup_text());
        break;
      case Op::create_patient:
        r.set(Key::patient, chance(90) ? pick(kPatients) : pick(all_ids())).set(Key::practice, id_of(Kind::practice, kPractices));
        for (Key k : {Key::name, Key::first_name, Key::sex, Key::phone, Key::email})
          r.set(k, chance(97) ? pick(kMedical) : text(Limit::field));
        break;
      case Op::create_api_client:
        r.set(Key::client, chance(90) ? pick(kClients) : pick(all_ids())).set(Key::practice, id_of(Kind::practice, kPractices));
        break;
      case Op::book_appointment: {
        std::string patient = id_of(Kind::patient, kPatients);
        r.set(Key::as, principal_for(model_.practice_of(patient)))
            .set(Key::appointment, chance(85) ? pick(kAppointments) : pick(all_ids()))
            .set(Key::patient, patient)
            .set(Key::start, start());
        break;
      }
      case Op::update_appointment: {
        std::string a = id_of(Kind::appointment, kAppointments);
        r.set(Key::as, principal_for(model_.practice_of(a))).set(Key::appointment, a);
        int which = roll(0, 100);
        if (which < 45 || which >= 95) r.set(Key::start, start());
        if (which >= 40 && which < 95) r.set(Key::status, pick(std::vector<std::string>{"booked", "done", "cancelled", "closed"}));
        break;
      }
      case Op::save_observation: {
        std::string a = id_of(Kind::appointment, kAppointments);
        r.set(Key::as, principal_for(model_.practice_of(a))).set(Key::appointment, a);
        Fields f;
        if (!chance(3)) {
          auto n = roll(1, 5);
          for (int i = 0; i < n; ++i) f[static_cast<std::size_t>(roll(0, 4))] = text(Limit::field);
        }
        r.set(Key::fields, f);
        if (chance(45)) {
          auto obs = model_.observation(a);
          std::int64_t current = obs ? obs->version : 0;
          int dice = roll(0, 100);
          r.set(Key::base_version, dice < 60 ? current : dice < 90 ? current - 1 : std::int64_t{roll(-2, 50)});
        }
        break;
      }
      case Op::read_observation: {
        std::string a = id_of(Kind::appointment, kAppointments);
        r.set(Key::as, principal_for(model_.practice_of(a))).set(Key::appointment, a);
        break;
      }
      case Op::attach_document: {
        std::string a = id_of(Kind::appointment, kAppointments);
        r.set(Key::as, principal_for(model_.practice_of(a)))
            .set(Key::document, chance(85) ? pick(kDocuments) : pick(all_ids()))
            .set(Key::appointment, a)
            .set(Key::title, text(Limit::title))
            .set(Key::content, chance(90) ? pick(kMedical) : text(Limit::document));
        break;
      }
      case Op::share_document:
      case Op::unshare_document: {
        std::string d = id_of(Kind::document, kDocuments);
        r.set(Key::as, principal_for(model_.practice_of(d))).set(Key::document, d).set(Key::with, recipient_for(d));
        break;
      }
      case Op::read_document: {
        std::string d = id_of(Kind::document, kDocuments);
        r.set(Key::as, chance(50) ? principal_for(model_.practice_of(d)) : recipient_for(d)).set(Key::document, d);
        break;
      }
      case Op::list_appointments: {
        int dice = roll(0, 100);
        auto clients = model_.ids_of(Kind::api_client);
        r.set(Key::as, dice < 40 && !clients.empty() ? pick(clients) : principal_for(std::nullopt));
        if (chance(30)) r.set(Key::from, start());
        if (chance(30)) r.set(Key::to, start());
        break;
      }
    }
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
    if (dice < 85) return id_of(Kind::practitioner, kPractitioners);
    return pick(all_ids());
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
  std::vector<std::string> all_ids() {
    std::vector<std::string> all;
    for (const auto* pool : {&kPractices, &kPractitioners, &kPatients, &kClients, &kAppointments, &kDocuments})
      all.insert(all.end(), pool->begin(), pool->end());
    return all;
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
  switch (d.roll(0, 21)) {
    case 0: return "";
    case 1: return repeat_to("a", limit);
    case 2: return repeat_to("a", limit + 1);
    case 3: return repeat_to("\xF0\x9F\x98\xB7", limit);            // 4-byte emoji up to the limit
    case 4: return repeat_to("\xF0\x9F\x98\xB7", limit - 2) + "é";  // ends with a 2-byte char at the limit
    case 5: return repeat_to("é", limit) + "é";                     // one character over
    case 6: return repeat_to("é", std::min<std::size_t>(limit, 4097));  // straddles 4 KiB mid-character
    case 7: return repeat_to("observation ", std::min<std::size_t>(limit, 4096 + d.roll<std::size_t>(1, 200)));
    case 8: return "e\u0301 n\u0303 \U0001F468\u200D\u2695\uFE0F";  // combining marks, ZWJ sequence
    case 9: return "ligne 1\r\nligne 2\nligne 3\r";
    case 10: return "\"guillemets\" et \\antislash\\ et \t tab";
    case 11: return std::string("avant\0après", 12);  // U+0000: always invalid
    case 12: {
      std::string s;
      while (s.size() < std::min<std::size_t>(limit, 2000)) s += d.pick(kMedical) + " ";
      return cut_utf8(s, limit);
    }
    case 13: {  // raw bytes (controls, U+FFFD), sometimes repeated up to the limit
      std::string raw = to_valid_utf8(c.bytes(d.roll<std::size_t>(1, 17)));
      return d.chance(25) ? repeat_to(raw, limit + d.roll<std::size_t>(0, 2)) : raw;
    }
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

std::vector<Step> StepDrawer::world(const WorldSize& n) {
  std::vector<Step> steps;
  auto add = [&](int count, Op op) {
    for (int i = 0; i < count; ++i) steps.push_back(impl_->step(op));
  };
  add(n.practices, Op::create_practice);
  add(n.practitioners, Op::create_practitioner);
  add(n.patients, Op::create_patient);
  add(n.clients, Op::create_api_client);
  add(n.appointments, Op::book_appointment);
  add(n.documents, Op::attach_document);
  return steps;
}

Step StepDrawer::request_step(Op op) { return impl_->step(op); }

Step StepDrawer::crash_during_step() {
  Builder& b = *impl_;
  Request r = b.request(b.pick(std::vector<Op>{Op::save_observation, Op::save_observation, Op::share_document,
                                               Op::update_appointment, Op::attach_document, Op::book_appointment}));
  b.model().apply(r);
  return {StepKind::crash_during, Call::of(r), std::nullopt};
}

void StepDrawer::note(const Step& step) {
  if (step.call && step.call->request()) impl_->model().apply(*step.call->request());
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
      for (StepKind k : {StepKind::restart, StepKind::crash, StepKind::crash_during})
        if (d.chance(40)) controls.push_back(k);

    // Set-up preamble: a world to act in.
    WorldSize world{d.roll(1, 3), d.roll(1, 4), d.roll(1, 4), d.roll(0, 3), d.roll(0, 4), d.roll(0, 3)};
    Scenario s{"generated", "", drawer.world(world)};

    std::size_t room = options.max_steps > s.steps.size() ? options.max_steps - s.steps.size() : 0;
    std::size_t body = *gen::inRange<std::size_t>(0, room + 1);  // grows with size: small cases first
    for (std::size_t i = 0; i < body; ++i) {
      if (!controls.empty() && d.chance(8)) {
        StepKind k = d.pick(controls);
        s.steps.push_back(k == StepKind::crash_during ? drawer.crash_during_step() : Step::control(k));
        continue;
      }
      s.steps.push_back(drawer.request_step(d.pick(ops)));
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
  std::uint64_t z = seed + 0x9e3779b97f4a7c15ull * (case_index + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return scenario_gen(options)(rc::Random(z ^ (z >> 31)), rc::kNominalSize).value();
}

}  // namespace savefuzz
