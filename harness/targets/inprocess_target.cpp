// In-process target: restart closes and reopens the store; a crash abandons it unclosed.
#include "harness/targets/inprocess_target.h"

#include <map>
#include <mutex>

#include <sqlite3.h>

#include "harness/core/fault_points.h"
#include "harness/targets/disk_vfs.h"

namespace savefuzz {
namespace {

struct SimulatedCrash {};

}  // namespace

// Throws after a chosen number of commits, so a crash_during lands between two durable points of
// the request; never sleeps, so a mutant's slow path costs nothing in-process. The store's I/O
// goes through the Disk VFS, which counts syncs, fails the n-th write or sync, and loses what was
// not synced.
class InProcessTarget::CrashEnv : public records::Env {
 public:
  explicit CrashEnv(bool in_memory) : vfs(Disk::vfs_name(in_memory)) {}
  const char* vfs;
  const char* sqlite_vfs() const override { return vfs; }
  int commits_left = -1;  // -1: never crash
  void after_commit() override {
    if (commits_left > 0 && --commits_left == 0) throw SimulatedCrash{};
  }
  void pause(std::chrono::milliseconds) override {}
};

InProcessTarget::InProcessTarget(InProcessOptions options) : options_(std::move(options)) {
  if (options_.data_root.empty()) options_.data_root = default_data_root();
  env_ = std::make_unique<CrashEnv>(options_.in_memory);
}

InProcessTarget::~InProcessTarget() {
  if (service_) abandon();
}

std::string InProcessTarget::describe() const {
  std::string d = "in-process records";
  if (options_.mutant != records::Mutant::none) d += " --mutant " + std::string(records::mutant_name(options_.mutant));
  return d;
}

std::string InProcessTarget::keep_data() {
  if (!dir_) return {};
  disk_.files().write_to(dir_->path());  // what the store holds, for the user to open
  dir_->keep();
  return dir_->path().string();
}

void InProcessTarget::abandon(std::optional<std::uint32_t> lose) {
  Disk::Use use(disk_);
  disk_.freeze();
  service_.reset();
  if (lose) disk_.lose_unsynced(*lose);
  disk_.thaw();
}

std::optional<TargetFault> InProcessTarget::open() {
  Disk::Use use(disk_);
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
  // The reference target's hello answers the same at every start (its limits are options), and a
  // fuzzer starts it several times an input: it is asked once.
  if (greeted_) return std::nullopt;
  Json hello = service_->handle(Json{{"id", 0}, {"op", "hello"}, {"protocol", 1}});
  auto limits = limits_from_hello(hello);
  if (!limits) return TargetFault{TargetFault::Kind::handshake, hello.dump(), {}};
  limits_ = *limits;
  greeted_ = true;
  return std::nullopt;
}

namespace {

// The store a start of `mutant` leaves once closed cleanly, made once per process: creating the
// schema is most of a start's cost, and a fuzzer starts a target for every input. Beginning
// from this image is beginning from a data directory a previous start left, which the reference
// target treats as it treats an empty one (nullopt when that start failed: start from nothing).
const std::optional<MemFs::Image>& fresh_image(records::Mutant mutant, const std::filesystem::path& root) {
  static std::mutex lock;
  static std::map<records::Mutant, std::optional<MemFs::Image>> images;
  std::lock_guard hold(lock);
  auto it = images.find(mutant);
  if (it != images.end()) return it->second;
  InProcessTarget t(InProcessOptions{mutant, root, true, false});
  std::optional<MemFs::Image> image;
  if (!t.start() && !t.restart()) image = t.files().image();
  return images.emplace(mutant, std::move(image)).first->second;
}

}  // namespace

std::optional<TargetFault> InProcessTarget::start() {
  stop();
  // The same directory again, emptied, unless a finding kept it: a fuzzer starts this target once
  // per input, and only a target writing beside its store (not through the VFS) leaves files.
  if (dir_ && !dir_->kept()) dir_->clear();
  else dir_ = std::make_unique<DataDir>(options_.data_root, options_.data_dir_prefix);
  next_id_ = 0;
  if (options_.in_memory && options_.from_image)
    if (const auto& image = fresh_image(options_.mutant, options_.data_root)) disk_.files().load(dir_->path(), *image);
  return open();
}

void InProcessTarget::stop() {
  if (service_) abandon();
  disk_ = Disk{options_.in_memory};
}

Reply InProcessTarget::call(const Json& request) {
  Disk::Use use(disk_);
  // Numbered beside the request, not in a copy of it: copying each request (16 KiB texts and all)
  // to add "id" made 7% of a fuzzing run's allocations.
  Json answer = service_->handle(request, ++next_id_);
  if (answer.value("id", Json()) != next_id_)
    return TargetFault{TargetFault::Kind::wrong_id,
                       "answer " + answer.dump() + " to request " + std::to_string(next_id_) + ": " + request.dump(), {}};
  return answer;
}

Reply InProcessTarget::call_with_fault(const Json& request, const StorageFault& fault, bool& fired) {
  bool sync = fault.on == StorageFault::On::sync;
  int code = fault.error == StorageFault::Errno::enospc ? SQLITE_FULL : sync ? SQLITE_IOERR_FSYNC : SQLITE_IOERR_WRITE;
  disk_.arm(std::nullopt, Disk::Fault{sync, fault.n, code});
  Reply answer = call(request);
  fired = disk_.fault_fired();
  disk_.disarm();
  return answer;
}

std::optional<TargetFault> InProcessTarget::restart() {
  {
    Disk::Use use(disk_);
    service_->close();
  }
  return open();
}

std::optional<TargetFault> InProcessTarget::crash() {
  abandon();
  return open();
}

std::optional<TargetFault> InProcessTarget::crash_during(const Json& request, const CrashAt& at) {
  if (at.sync) {
    // Killed inside the K-th sync: the disk freezes there; with fewer syncs the request completes
    // and its answer is never read.
    disk_.arm(at.sync, std::nullopt);
    call(request);
    disk_.disarm();
  } else if (int commits = static_cast<int>(at.point % 3); commits > 0) {
    // 0: killed before the request is handled; 1 or 2: right after the request's first or second
    // commit (a request with fewer commits completes, and its answer is never read).
    env_->commits_left = commits;
    try {
      call(request);
    } catch (const SimulatedCrash&) {
    }
    env_->commits_left = -1;
  }
  abandon();
  return open();
}

std::optional<TargetFault> InProcessTarget::power_loss(std::uint32_t tear) {
  abandon(tear);
  return open();
}

Limits reference_limits() {
  InProcessTarget reference(InProcessOptions{});
  if (auto fault = reference.start()) throw SetupError("the reference target does not start: " + fault->detail);
  return reference.limits();
}

}  // namespace savefuzz
