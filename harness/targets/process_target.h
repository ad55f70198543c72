// Any program that speaks the protocol of SPEC.md section 1, run as a child process.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "harness/core/target.h"
#include "harness/targets/data_dir.h"
#include "harness/targets/fault_library.h"
#include "harness/targets/subprocess.h"

namespace savefuzz {

// The deadline on every answer and on a clean exit, unless --timeout says otherwise.
inline constexpr std::chrono::milliseconds kDefaultTimeout{10'000};

struct ProcessOptions {
  std::vector<std::string> argv;                // the target command
  std::filesystem::path data_root;              // empty: default_data_root()
  std::chrono::milliseconds timeout = kDefaultTimeout;
  // libsavefuzz_faults.so, preloaded into the target for exact crashes, storage faults and power
  // loss (SPEC.md section 5); empty: none, crash_during lands at timed points.
  std::filesystem::path fault_library;
  std::uint64_t seed = 0;
  std::string data_dir_prefix{kDataDirPrefix};  // see remove_abandoned_data_dirs
  std::string fault_dir_prefix{kFaultDirPrefix};
};

class ProcessTarget : public Target {
 public:
  explicit ProcessTarget(ProcessOptions options);
  ~ProcessTarget() override;

  std::optional<TargetFault> start() override;
  Reply call(const Json& request) override;
  std::optional<TargetFault> restart() override;
  std::optional<TargetFault> crash() override;
  std::optional<TargetFault> crash_during(const Json& request, const CrashAt& at) override;
  std::optional<TargetFault> power_loss(std::uint32_t tear) override;
  Reply call_with_fault(const Json& request, const StorageFault& fault, bool& fired) override;
  FaultSupport fault_support() const override;
  std::optional<TargetFault> reset() override;
  bool resets_in_place() const override { return alive_ && lists_reset_; }
  StartStats start_stats() const override { return stats_; }
  Limits limits() const override { return limits_; }
  std::string describe() const override;
  std::string keep_data() override;

 private:
  std::optional<TargetFault> launch();
  TargetFault fault(TargetFault::Kind kind, std::string detail);
  // Sends `request` numbered with the next id, without reading the answer.
  bool send(Json request, std::int64_t& id);
  Reply receive(std::int64_t id);

  ProcessOptions options_;
  std::unique_ptr<FaultLibrary> faults_;
  bool library_loaded_ = false;  // the library saw the last hello's answer: it is in the target
  std::unique_ptr<DataDir> dir_;
  std::unique_ptr<Subprocess> process_;
  std::int64_t next_id_ = 0;
  Limits limits_;
  bool alive_ = false;        // launched, said hello, and no fault since
  bool lists_reset_ = false;  // its hello listed the `reset` feature
  StartStats stats_;
};

}  // namespace savefuzz
