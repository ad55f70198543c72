#include "bench/throughput.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <malloc.h>
#include <random>

#include "bench/median.h"
#include "harness/core/asan.h"
#include "harness/core/generate.h"
#include "harness/core/runner.h"
#include "harness/targets/data_dir.h"
#include "harness/targets/process_target.h"
#include "harness/targets/subprocess.h"
#include "harness/targets/target_options.h"

namespace savefuzz::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// What the harness did to a target, in order, so a bare loop can do exactly the same.
struct Event {
  enum class Kind { call, restart, crash, crash_during } kind;
  Json request;
  CrashAt at;
};
using Log = std::vector<Event>;

// Passes everything through to `inner`, counting the steps and, given a log, writing them down.
class RecordingTarget : public Target {
 public:
  RecordingTarget(Target& inner, Log* log, std::size_t& steps) : inner_(inner), log_(log), steps_(steps) {}
  std::optional<TargetFault> start() override { return inner_.start(); }
  Reply call(const Json& r) override {
    note(Event::Kind::call, r);
    return inner_.call(r);
  }
  std::optional<TargetFault> restart() override {
    note(Event::Kind::restart);
    return inner_.restart();
  }
  std::optional<TargetFault> crash() override {
    note(Event::Kind::crash);
    return inner_.crash();
  }
  std::optional<TargetFault> crash_during(const Json& r, const CrashAt& at) override {
    note(Event::Kind::crash_during, r, at);
    return inner_.crash_during(r, at);
  }
  Limits limits() const override { return inner_.limits(); }
  std::string describe() const override { return inner_.describe(); }
  std::string keep_data() override { return inner_.keep_data(); }

 private:
  void note(Event::Kind kind, const Json& request = {}, CrashAt at = {}) {
    ++steps_;
    if (log_) log_->push_back({kind, request, at});
  }
  Target& inner_;
  Log* log_;
  std::size_t& steps_;
};

TargetOptions target_options(const fs::path& server, const fs::path& root) {
  TargetOptions o;
  if (server.empty()) o.builtin = "records";
  else o.command = server.string();
  o.data_root = root;
  validate(o);
  return o;
}

std::vector<Scenario> workload(const TargetOptions& target, std::size_t n) {
  GenOptions gen;
  auto probe = make_target(target, 0);
  if (auto f = probe->start()) throw SetupError("the target failed its hello: " + f->detail);
  gen.limits = probe->limits();
  gen.controls = false;  // steady request traffic; crash cycles are measured on their own
  std::vector<Scenario> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(generate_scenario(gen, 2026, i));
  return out;
}

struct Timed {
  double seconds = 0;
  std::size_t steps = 0;
  double rate() const { return seconds > 0 ? static_cast<double>(steps) / seconds : 0; }
};

// The harness: runner, model, checks, final sweep. Given `logs`, writes down each scenario's steps
// for the bare loops (an untimed round: copying the requests is not the harness's cost).
Timed harness_round(const TargetOptions& target, const std::vector<Scenario>& scenarios,
                    std::vector<Log>* logs = nullptr) {
  if (logs) logs->assign(scenarios.size(), {});
  Timed out;
  auto t0 = Clock::now();
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    auto t = make_target(target, i);
    RecordingTarget rec(*t, logs ? &(*logs)[i] : nullptr, out.steps);
    RunResult r = run_scenario(scenarios[i], rec, RunnerOptions{true, i});
    if (r.finding) throw SetupError("the correct target failed a throughput scenario: " + r.finding->detail);
  }
  out.seconds = since(t0);
  return out;
}

// The same steps through the same Target interface, answers ignored: no model, no checks.
Timed bare_round(const TargetOptions& target, const std::vector<Log>& logs) {
  auto t0 = Clock::now();
  std::size_t steps = 0;
  for (std::size_t i = 0; i < logs.size(); ++i) {
    auto t = make_target(target, i);
    if (t->start()) throw SetupError("the target failed to start in the bare loop");
    for (const Event& e : logs[i]) {
      switch (e.kind) {
        case Event::Kind::call: t->call(e.request); break;
        case Event::Kind::restart: t->restart(); break;
        case Event::Kind::crash: t->crash(); break;
        case Event::Kind::crash_during: t->crash_during(e.request, e.at); break;
      }
      ++steps;
    }
  }
  return {since(t0), steps};
}

// The floor for any subprocess harness: the same request lines written to records-server and
// each answer line read back, nothing parsed.
Timed raw_pipe_round(const fs::path& server, const fs::path& root, const std::vector<Log>& logs) {
  auto t0 = Clock::now();
  std::size_t steps = 0;
  for (const Log& log : logs) {
    DataDir dir(root);
    Subprocess p({server.string()}, {{"SAVEFUZZ_DATA_DIR", dir.path().string()}});
    auto deadline = Clock::now() + std::chrono::seconds(30);
    std::int64_t id = 0;
    auto round_trip = [&](Json request) {
      request["id"] = id++;
      if (!p.write(request.dump() + "\n", deadline) || p.read_line(deadline).kind != LineRead::Kind::line)
        throw SetupError("records-server stopped answering in the raw pipe loop");
    };
    round_trip(Json{{"op", "hello"}, {"protocol", 1}});
    for (const Event& e : log) {
      if (e.kind != Event::Kind::call) throw SetupError("the raw pipe loop sends requests only");
      round_trip(e.request);
      ++steps;
    }
    p.close_stdin();
    p.wait_until(deadline);
  }
  return {since(t0), steps};
}

// Cycles of a save, a crash (SIGKILL or its in-process equivalent) and a restart with hello.
Timed crash_cycles(const TargetOptions& target, std::size_t n) {
  auto t = make_target(target, 0);
  if (t->start()) throw SetupError("the target failed to start");
  Json setup[] = {
      {{"op", "create_practice"}, {"practice", "P1"}},
      {{"op", "create_practitioner"}, {"practitioner", "D1"}, {"practice", "P1"}, {"name", "Dr"}, {"specialty", "MG"}},
      {{"op", "create_patient"}, {"patient", "U1"}, {"practice", "P1"}, {"name", "N"}, {"first_name", "F"},
       {"sex", "F"}, {"phone", ""}, {"email", ""}},
      {{"op", "book_appointment"}, {"as", "D1"}, {"appointment", "A1"}, {"patient", "U1"}, {"start", "2024-01-01T09:00"}},
  };
  for (const Json& r : setup) t->call(r);
  auto t0 = Clock::now();
  for (std::size_t i = 0; i < n; ++i) {
    t->call(Json{{"op", "save_observation"}, {"as", "D1"}, {"appointment", "A1"},
                 {"fields", {{"motif", "toux " + std::to_string(i)}}}});
    if (auto f = t->crash()) throw SetupError("the target did not come back after a crash: " + f->detail);
  }
  return {since(t0), n};
}

double median_rate(const std::vector<Timed>& runs) {
  std::vector<double> r;
  for (const auto& t : runs) r.push_back(t.rate());
  return median(r);
}

Json rates(const std::vector<Timed>& runs) {
  return Json{{"per_second", median_rate(runs)}, {"steps", runs.empty() ? 0 : runs.front().steps}};
}

// Draws from a seeded generator, for scenarios of exact sizes outside RapidCheck.
class SeededChoices : public Choices {
 public:
  explicit SeededChoices(std::uint64_t seed) : rng_(seed) {}
  std::uint64_t below(std::uint64_t n) override { return n <= 1 ? 0 : rng_() % n; }
  std::string bytes(std::size_t n) override {
    std::string s(n, '\0');
    for (auto& c : s) c = static_cast<char>(rng_());
    return s;
  }

 private:
  std::mt19937_64 rng_;
};

// A world of exactly `appointments` appointments (each with a document) over two practices, each
// with a practitioner and a patient; then `steps` steps drawn over it. The generators' small id
// pools cannot reach a scope of hundreds, so the world is written out here.
Scenario sized_scenario(const Limits& limits, int appointments, std::size_t steps) {
  std::vector<Json> world;
  for (int p = 1; p <= 2; ++p) {
    std::string n = std::to_string(p), practice = "P" + n;
    world.push_back({{"op", "create_practice"}, {"practice", practice}});
    world.push_back({{"op", "create_practitioner"}, {"practitioner", "D" + n}, {"practice", practice},
                     {"name", "Dr " + n}, {"specialty", "médecine générale"}});
    world.push_back({{"op", "create_patient"}, {"patient", "U" + n}, {"practice", practice}, {"name", "Martin"},
                     {"first_name", "Léa"}, {"sex", "F"}, {"phone", "0639980000"}, {"email", "lea@example.org"}});
  }
  world.push_back({{"op", "create_api_client"}, {"client", "C1"}, {"practice", "P1"}});
  for (int i = 0; i < appointments; ++i) {
    std::string n = std::to_string(i), who = std::to_string(1 + i % 2);
    world.push_back({{"op", "book_appointment"}, {"as", "D" + who}, {"appointment", "A" + n}, {"patient", "U" + who},
                     {"start", "2024-03-0" + std::to_string(1 + i % 4) + "T1" + std::to_string(i % 10) + ":00"}});
    world.push_back({{"op", "attach_document"}, {"as", "D" + who}, {"document", "X" + n}, {"appointment", "A" + n},
                     {"title", "ordonnance"}, {"content", "paracétamol 1 g, 3 fois par jour"}});
  }
  SeededChoices choices(42);
  StepDrawer drawer(limits, choices);
  Scenario s{"growth", "", {}};
  for (const Json& j : world) {
    s.steps.push_back(Step::request(Call::of(j)));
    drawer.note(s.steps.back());
  }
  for (std::size_t i = 0; i < steps; ++i) s.steps.push_back(drawer.request_step(static_cast<Op>(choices.below(kOpCount))));
  return s;
}

#ifdef SAVEFUZZ_ASAN
// ASan replaces malloc, so glibc's count stays empty: ask ASan (sanitizer/allocator_interface.h,
// declared here because GCC does not install that header).
extern "C" std::size_t __sanitizer_get_current_allocated_bytes();
std::size_t heap_in_use() { return __sanitizer_get_current_allocated_bytes(); }
#else
std::size_t heap_in_use() { return mallinfo2().uordblks; }  // glibc's count of bytes in use
#endif

// Heap bytes a model holds after applying every request of `s`.
std::size_t model_bytes(const Scenario& s, const Limits& limits) {
  std::size_t before = heap_in_use();
  std::size_t after;
  {
    Model m(limits);
    for (const Step& step : s.steps)
      if (step.call() && step.call()->request()) m.apply(*step.call()->request());
    after = heap_in_use();
  }
  return after > before ? after - before : 0;
}

Json growth_point(const TargetOptions& target, const Limits& limits, int appointments, std::size_t steps) {
  Scenario s = sized_scenario(limits, appointments, steps);
  auto t = make_target(target, 0);
  auto t0 = Clock::now();
  RunResult r = run_scenario(s, *t, RunnerOptions{true, 0});
  double secs = since(t0);
  if (r.finding) throw SetupError("the correct target failed a growth scenario: " + r.finding->detail);
  std::size_t bytes = model_bytes(s, limits);
  return Json{{"steps", s.steps.size()},
              {"appointments", appointments},
              {"requests", r.requests},
              {"seconds", secs},
              {"steps_per_second", r.requests / secs},
              {"seconds_per_request", secs / static_cast<double>(r.requests)},
              {"model_bytes", bytes},
              {"model_bytes_per_step", static_cast<double>(bytes) / static_cast<double>(s.steps.size())}};
}

// log(t2/t1) / log(n2/n1) between the first and last points: 1 is linear, 2 quadratic.
double exponent(const Json& points, const char* size_key, const char* cost_key) {
  const Json &a = points.front(), &b = points.back();
  double n = b.at(size_key).get<double>() / a.at(size_key).get<double>();
  double c = b.at(cost_key).get<double>() / std::max(1e-9, a.at(cost_key).get<double>());
  return n > 1 ? std::log(c) / std::log(n) : 0;
}

// A data root as results name it: relative to where the benchmark ran when it is below it, so no
// machine's own paths end up in committed results.
std::string describe_root(const fs::path& root) {
  std::error_code ec;
  fs::path rel = fs::proximate(root, fs::current_path(), ec);
  if (!ec && !rel.empty() && *rel.begin() != "..") return rel.string();
  return root.string();
}

}  // namespace

double crash_cycle_rate(const TargetOptions& target, std::size_t n) { return crash_cycles(target, n).rate(); }

Json measure_throughput(const ThroughputOptions& o) {
  Json out = Json::array();
  for (const fs::path& root : o.data_roots) {
    TargetOptions in = target_options({}, root), sub = target_options(o.server, root);
    std::vector<Scenario> scenarios = workload(in, o.scenarios);
    std::vector<Timed> h_in, b_in, h_sub, b_sub, raw, cyc_in, cyc_sub;
    std::vector<Log> logs;
    harness_round(in, scenarios, &logs);  // the steps the bare loops replay; a correct target answers alike in both
    for (std::size_t r = 0; r < o.repeats; ++r) {  // interleaved, so drift hits every figure alike
      h_in.push_back(harness_round(in, scenarios));
      b_in.push_back(bare_round(in, logs));
      h_sub.push_back(harness_round(sub, scenarios));
      b_sub.push_back(bare_round(sub, logs));
      raw.push_back(raw_pipe_round(o.server, root, logs));
      cyc_in.push_back(crash_cycles(in, o.crash_cycles));
      cyc_sub.push_back(crash_cycles(sub, o.crash_cycles));
    }
    double hi = median_rate(h_in), bi = median_rate(b_in), hs = median_rate(h_sub), rs = median_rate(raw);
    out.push_back(Json{
        {"data_root", describe_root(root)},
        {"scenarios", o.scenarios},
        {"repeats", o.repeats},
        {"in_process", {{"harness", rates(h_in)}, {"bare_loop", rates(b_in)}, {"overhead", bi / hi - 1}}},
        {"subprocess",
         {{"harness", rates(h_sub)}, {"bare_loop", rates(b_sub)}, {"raw_pipe", rates(raw)}, {"slowdown_vs_raw_pipe", rs / hs}}},
        {"crash_cycles", {{"in_process", rates(cyc_in)}, {"subprocess", rates(cyc_sub)}}},
    });
  }
  return out;
}

Json measure_growth(const GrowthOptions& o) {
  TargetOptions target = target_options({}, o.data_root);
  Limits limits;
  {
    auto probe = make_target(target, 0);
    if (auto f = probe->start()) throw SetupError("the target failed its hello: " + f->detail);
    limits = probe->limits();
  }
  Json by_length = Json::array(), by_scope = Json::array();
  for (std::size_t n : o.lengths) by_length.push_back(growth_point(target, limits, o.length_scope, n));
  for (int a : o.scopes) {
    Json p = growth_point(target, limits, a, o.scope_steps);
    by_scope.push_back(p);
  }
  Json out{{"by_length", by_length}, {"by_scope", by_scope}};
  // Seconds per step and model bytes as the length grows: the exponent of each (1 = linear).
  if (by_length.size() > 1) {
    out["time_exponent"] = exponent(by_length, "requests", "seconds");
    out["memory_exponent"] = exponent(by_length, "steps", "model_bytes");
  }
  // Cost per request as the scope grows: 0 when a step costs the same in a world of any size.
  if (by_scope.size() > 1) out["scope_exponent"] = exponent(by_scope, "appointments", "seconds_per_request");
  return out;
}

}  // namespace savefuzz::bench
