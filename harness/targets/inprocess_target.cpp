// In-process target: restart closes and reopens the store; a crash abandons it unclosed.
#include "harness/targets/inprocess_target.h"

#include <sqlite3.h>

#include "harness/core/fault_points.h"
#include "targets/records/fault_vfs.h"

namespace savefuzz {
namespace {

struct SimulatedCrash {};

}  // namespace

// Throws after a chosen number of commits, so a crash_during lands between two durable points of
// the request; never sleeps, so a mutant's slow path costs nothing in-process.
class InProcessTarget::CrashEnv : public records::Env {
 public:
  bool faulty_storage = false;
  const char* sqlite_vfs() const override { return faulty_storage ? records::FaultVfs::name() : nullptr; }
  int commits_left = -1;  // -1: never crash
  void after_commit() override {
    if (commits_left > 0 && --commits_left == 0) throw SimulatedCrash{};
  }
  void pause(std::chrono::milliseconds) override {}
};

InProcessTarget::InProcessTarget(InProcessOptions options) : options_(std::move(options)) {
  if (options_.data_root.empty()) options_.data_root = default_data_root();
  env_ = std::make_unique<CrashEnv>();
  env_->faulty_storage = options_.io_fault_percent > 0;
}

InProcessTarget::~InProcessTarget() = default;

std::string InProcessTarget::describe() const {
  std::string d = "in-process records";
  if (options_.mutant != records::Mutant::none) d += " --mutant " + std::string(records::mutant_name(options_.mutant));
  return d;
}

std::string InProcessTarget::keep_data() {
  if (!dir_) return {};
  dir_->keep();
  return dir_->path().string();
}

std::optional<TargetFault> InProcessTarget::open() {
  service_.reset();
  records::ServiceOptions o;
  o.data_dir = dir_->path();
  o.mutant = options_.mutant;
  o.env = env_.get();
  try {
    service_ = std::make_unique<records::Service>(o);
  } catch (const std::exception& e) {
    return TargetFault{TargetFault::Kind::died, std::string("cannot open the store: ") + e.what(), {}};
  }
  Json hello = service_->handle(Json{{"id", 0}, {"op", "hello"}, {"protocol", 1}});
  auto limits = limits_from_hello(hello);
  if (!limits) return TargetFault{TargetFault::Kind::handshake, hello.dump(), {}};
  limits_ = *limits;
  return std::nullopt;
}

std::optional<TargetFault> InProcessTarget::start() {
  dir_ = std::make_unique<DataDir>(options_.data_root);
  next_id_ = 0;
  return open();
}

Reply InProcessTarget::call(const Json& request) {
  Json r = request;
  r["id"] = ++next_id_;
  // Chosen by content, like crash points: a shrunk scenario keeps the faults it needs.
  std::uint32_t roll = options_.io_fault_percent ? crash_point_for(options_.fault_seed ^ 0xfa17, request) : 0;
  bool fault = options_.io_fault_percent && roll % 100 < options_.io_fault_percent;
  if (fault) records::FaultVfs::fail_after(static_cast<int>((roll >> 8) % 4), (roll >> 16) % 2 ? SQLITE_FULL : SQLITE_IOERR_WRITE);
  // Disarmed however the call ends: a simulated crash leaves by exception.
  struct Disarm {
    bool armed;
    ~Disarm() {
      if (armed) records::FaultVfs::disarm();
    }
  } disarm{fault};
  Json answer = service_->handle(r);
  if (answer.value("id", Json()) != next_id_)
    return TargetFault{TargetFault::Kind::wrong_id, "answer " + answer.dump() + " to request " + r.dump(), {}};
  return answer;
}

std::optional<TargetFault> InProcessTarget::restart() {
  service_->close();
  return open();
}

std::optional<TargetFault> InProcessTarget::crash() { return open(); }

std::optional<TargetFault> InProcessTarget::crash_during(const Json& request, std::uint32_t crash_point) {
  // 0: killed before the request is handled; 1 or 2: right after the request's first or second
  // commit (a request with fewer commits completes, and its answer is never read).
  int commits = static_cast<int>(crash_point % 3);
  if (commits > 0) {
    env_->commits_left = commits;
    try {
      call(request);
    } catch (const SimulatedCrash&) {
    }
    env_->commits_left = -1;
  }
  return open();
}

Limits reference_limits() {
  InProcessTarget reference(InProcessOptions{});
  if (auto fault = reference.start()) throw SetupError("the reference target does not start: " + fault->detail);
  return reference.limits();
}

}  // namespace savefuzz
