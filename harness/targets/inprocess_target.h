// The reference save path linked in: fast, what libFuzzer and the property suites run.
#pragma once

#include <memory>
#include <string>

#include "harness/core/target.h"
#include "harness/targets/data_dir.h"
#include "harness/targets/disk_vfs.h"
#include "targets/records/service.h"

namespace savefuzz {

struct InProcessOptions {
  records::Mutant mutant = records::Mutant::none;
  std::filesystem::path data_root;  // empty: default_data_root()
  // The database files in memory (MemFs), written to the data directory only when a finding
  // keeps it; else on the file system there. Crashes, power losses and faults are the same.
  bool in_memory = true;
  // In memory: each start begins from a copy of the store a first start made and closed.
  bool from_image = true;
  // The data directory's name begins with it (see remove_abandoned_data_dirs). A copy: the
  // target keeps its options, and outlives the text its caller passed.
  std::string data_dir_prefix{kDataDirPrefix};
};

class InProcessTarget : public Target {
 public:
  explicit InProcessTarget(InProcessOptions options);
  ~InProcessTarget() override;

  std::optional<TargetFault> start() override;
  Reply call(const Json& request) override;
  std::optional<TargetFault> restart() override;
  std::optional<TargetFault> crash() override;
  std::optional<TargetFault> crash_during(const Json& request, const CrashAt& at) override;
  std::optional<TargetFault> power_loss(std::uint32_t tear) override;
  Reply call_with_fault(const Json& request, const StorageFault& fault, bool& fired) override;
  FaultSupport fault_support() const override { return {true, true, true, {}}; }
  Limits limits() const override { return limits_; }
  std::string describe() const override;
  std::string keep_data() override;
  const MemFs& files() const { return disk_.files(); }
  // Drops the store and its files, keeping the data directory for the next start: what a run
  // allocated is freed before the run ends, so libFuzzer, which runs an input a second time (and
  // then LeakSanitizer) whenever it mallocs more than it frees, does not run every input twice.
  void stop();

 private:
  class CrashEnv;
  std::optional<TargetFault> open();
  // The process is gone: the store is dropped unclosed and writes nothing more; `lose` is the
  // tear of a power loss, which also forgets what was not synced.
  void abandon(std::optional<std::uint32_t> lose = std::nullopt);

  InProcessOptions options_;
  std::unique_ptr<DataDir> dir_;
  std::unique_ptr<CrashEnv> env_;
  Disk disk_{true};
  std::unique_ptr<records::Service> service_;
  std::int64_t next_id_ = 0;
  Limits limits_;
  bool greeted_ = false;
};

// The limits the in-process reference target announces: what save_path_fuzzer decodes with.
Limits reference_limits();

}  // namespace savefuzz
