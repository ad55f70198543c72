// ProcessTarget: every misbehaviour of the child (silence, garbage, wrong id, early exit, bad
// exit status) becomes a TargetFault quoting the evidence.
#include "harness/targets/process_target.h"

#include <algorithm>
#include <thread>

#include "harness/core/values.h"

namespace savefuzz {
namespace {

std::string quote(const std::string& line) {
  constexpr std::size_t kMax = 400;
  std::string q =
      line.size() > kMax ? std::string(utf8_prefix(line, kMax)) + "...(" + std::to_string(line.size()) + " bytes)" : line;
  return "'" + q + "'";
}

// crash_during kills after one of these delays: 0 usually lands before the request is read,
// the others inside or after its handling, depending on how slow the target is.
constexpr std::chrono::milliseconds kCrashDelays[] = {std::chrono::milliseconds(0), std::chrono::milliseconds(5),
                                                      std::chrono::milliseconds(15), std::chrono::milliseconds(40)};

// A crash_during without "at" through the fault library: killed at sync 1..this, or after the answer.
constexpr unsigned kMaxCrashPointSync = 4;

// Whether a hello answer lists `feature` (SPEC.md section 8; absent means none).
bool lists_feature(const Json& hello, std::string_view feature) {
  auto it = hello.find("features");
  if (it == hello.end() || !it->is_array()) return false;
  return std::any_of(it->begin(), it->end(), [&](const Json& f) { return f == feature; });
}

}  // namespace

ProcessTarget::ProcessTarget(ProcessOptions options) : options_(std::move(options)) {
  if (options_.argv.empty()) throw SetupError("empty target command");
  if (options_.data_root.empty()) options_.data_root = default_data_root();
  if (!options_.fault_library.empty()) faults_ = std::make_unique<FaultLibrary>(options_.fault_library, options_.data_root, options_.fault_dir_prefix);
}

FaultSupport ProcessTarget::fault_support() const {
  if (faults_ && library_loaded_) return {true, true, true, {}};
  std::string why = !faults_ ? "no fault library (build libsavefuzz_faults.so, or give --fault-library)"
                             : "the fault library did not load into the target, or did not see it write its answers "
                               "(statically linked, LD_PRELOAD dropped on the way, or answers written through C stdio)";
  return {false, false, false, why};
}

ProcessTarget::~ProcessTarget() = default;

std::string ProcessTarget::describe() const {
  std::string d;
  for (const auto& a : options_.argv) d += (d.empty() ? "" : " ") + a;
  return d;
}

std::string ProcessTarget::keep_data() {
  if (!dir_) return {};
  dir_->keep();
  return dir_->path().string();
}

TargetFault ProcessTarget::fault(TargetFault::Kind kind, std::string detail) {
  std::string tail = process_ ? process_->stderr_tail() : std::string();
  // A fault leaves the process in an unknown state: stop it now so nothing lingers.
  alive_ = false;
  if (process_) {
    ExitStatus s = process_->kill();
    if (kind == TargetFault::Kind::died) detail += " (" + s.describe() + ")";
  }
  return TargetFault{kind, std::move(detail), std::move(tail)};
}

std::optional<TargetFault> ProcessTarget::launch() {
  auto t0 = Clock::now();
  alive_ = false;
  process_.reset();
  std::map<std::string, std::string> env{{"SAVEFUZZ_DATA_DIR", dir_->path().string()}};
  std::uint32_t answers_before = 0;
  if (faults_) {
    faults_->cut_torn_record();
    faults_->add_environment(env);
    answers_before = faults_->answers();
  }
  process_ = std::make_unique<Subprocess>(options_.argv, env);
  next_id_ = -1;  // the hello is id 0
  Reply hello = call(Json{{"op", "hello"}, {"protocol", 1}});
  if (auto* f = std::get_if<TargetFault>(&hello)) {
    f->detail = "during hello: " + f->detail;
    return *f;
  }
  const Json& h = std::get<Json>(hello);
  auto limits = limits_from_hello(h);
  if (!limits) return fault(TargetFault::Kind::handshake, "hello answered " + quote(h.dump()));
  limits_ = *limits;
  lists_reset_ = lists_feature(h, "reset");
  library_loaded_ = faults_ && faults_->answers() > answers_before;
  alive_ = true;
  ++stats_.starts;
  stats_.seconds += std::chrono::duration<double>(Clock::now() - t0).count();
  return std::nullopt;
}

std::optional<TargetFault> ProcessTarget::reset() {
  if (!resets_in_place()) return start();
  Reply answer = call(Json{{"op", "reset"}});
  if (auto* f = std::get_if<TargetFault>(&answer)) {
    f->detail = "during reset: " + f->detail;
    return *f;
  }
  const Json& a = std::get<Json>(answer);
  if (a != Json{{"id", next_id_}, {"ok", true}})
    return fault(TargetFault::Kind::garbage, "reset answered " + quote(a.dump()) + ", not {\"id\":" +
                                                 std::to_string(next_id_) + ",\"ok\":true}");
  ++stats_.resets;
  return std::nullopt;
}

std::optional<TargetFault> ProcessTarget::start() {
  process_.reset();
  dir_ = std::make_unique<DataDir>(options_.data_root, options_.data_dir_prefix);
  if (faults_) faults_->forget_unsynced();
  return launch();
}

bool ProcessTarget::send(Json request, std::int64_t& id) {
  id = ++next_id_;
  request["id"] = id;
  std::string line;
  try {
    line = request.dump();
  } catch (const Json::exception& e) {
    // Only a harness bug makes a request that JSON cannot carry (texts are UTF-8 by construction).
    throw SetupError(std::string("cannot encode request ") + std::to_string(id) + ": " + e.what());
  }
  return process_->write(line + "\n", Clock::now() + options_.timeout);
}

Reply ProcessTarget::receive(std::int64_t id) {
  LineRead line = process_->read_line(Clock::now() + options_.timeout);
  if (line.kind == LineRead::Kind::timeout)
    return fault(TargetFault::Kind::hung, "no answer to request " + std::to_string(id) + " within " +
                                              std::to_string(options_.timeout.count()) + " ms");
  if (line.kind == LineRead::Kind::eof)
    return fault(TargetFault::Kind::died, "stdout closed before the answer to request " + std::to_string(id));
  Json answer;
  try {
    answer = Json::parse(line.text);
  } catch (const Json::exception&) {
    return fault(TargetFault::Kind::garbage, "answer to request " + std::to_string(id) + " is not JSON: " + quote(line.text));
  }
  if (!answer.is_object() || !answer.contains("id") || answer["id"] != id)
    return fault(TargetFault::Kind::wrong_id, "expected the answer to request " + std::to_string(id) + ", got " + quote(line.text));
  return answer;
}

Reply ProcessTarget::call(const Json& request) {
  std::int64_t id;
  if (!send(request, id)) {
    return fault(TargetFault::Kind::died, "stdin closed or blocked when sending request " + std::to_string(id));
  }
  return receive(id);
}

std::optional<TargetFault> ProcessTarget::restart() {
  auto t0 = Clock::now();
  alive_ = false;
  process_->close_stdin();
  auto status = process_->wait_until(Clock::now() + options_.timeout);
  if (!status) return fault(TargetFault::Kind::hung, "did not exit within " + std::to_string(options_.timeout.count()) + " ms of stdin closing");
  // Anything written after the last answer breaks "nothing else on stdout".
  LineRead extra = process_->read_line(Clock::now());
  if (extra.kind == LineRead::Kind::line) return fault(TargetFault::Kind::garbage, "wrote after its last answer: " + quote(extra.text));
  if (status->code != 0) return fault(TargetFault::Kind::bad_exit, "exited with " + status->describe() + " when stdin closed");
  stats_.seconds += std::chrono::duration<double>(Clock::now() - t0).count();  // the wait is the restart's cost too
  return launch();
}

std::optional<TargetFault> ProcessTarget::crash() {
  process_->kill();
  return launch();
}

std::optional<TargetFault> ProcessTarget::crash_during(const Json& request, const CrashAt& at) {
  std::int64_t id;
  if (!library_loaded_) {
    send(request, id);  // a target that already closed stdin is killed all the same
    std::this_thread::sleep_for(kCrashDelays[at.point % std::size(kCrashDelays)]);
    process_->kill();
    return launch();
  }
  // Exact: the library kills the target inside its K-th sync, or right after it writes its answer
  // when it makes fewer. Without "at", K comes from the crash point; K past the request's syncs is
  // the kill after the answer.
  unsigned k = at.sync.value_or(1 + at.point % (kMaxCrashPointSync + 1));
  faults_->arm(k, true, nullptr);
  if (send(request, id)) process_->read_line(Clock::now() + options_.timeout);  // EOF when it died; an answer is discarded
  process_->kill();
  faults_->disarm();
  return launch();
}

std::optional<TargetFault> ProcessTarget::power_loss(std::uint32_t tear) {
  process_->kill();
  try {
    faults_->lose_unsynced(tear);
  } catch (const SetupError& e) {
    return TargetFault{TargetFault::Kind::died, std::string("power loss not simulated: ") + e.what(), {}};
  }
  return launch();
}

Reply ProcessTarget::call_with_fault(const Json& request, const StorageFault& fault, bool& fired) {
  faults_->arm(std::nullopt, false, &fault);
  Reply answer = call(request);
  fired = faults_->fired();
  faults_->disarm();
  return answer;
}

}  // namespace savefuzz
