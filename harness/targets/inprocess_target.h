// The reference save path linked in: fast, what libFuzzer and the property suites run.
#pragma once

#include <memory>

#include "harness/core/target.h"
#include "harness/targets/data_dir.h"
#include "targets/records/service.h"

namespace savefuzz {

struct InProcessOptions {
  records::Mutant mutant = records::Mutant::none;
  std::filesystem::path data_root;  // empty: default_data_root()
  // Percent of requests during which the storage fails (disk full or I/O error) after a few
  // writes, chosen from `fault_seed` and the request's number: the same run fails the same way.
  unsigned io_fault_percent = 0;
  std::uint64_t fault_seed = 0;
};

class InProcessTarget : public Target {
 public:
  explicit InProcessTarget(InProcessOptions options);
  ~InProcessTarget() override;

  std::optional<TargetFault> start() override;
  Reply call(const Json& request) override;
  std::optional<TargetFault> restart() override;
  std::optional<TargetFault> crash() override;
  std::optional<TargetFault> crash_during(const Json& request, std::uint32_t crash_point) override;
  Limits limits() const override { return limits_; }
  std::string describe() const override;
  std::string keep_data() override;

 private:
  class CrashEnv;
  std::optional<TargetFault> open();

  InProcessOptions options_;
  std::unique_ptr<DataDir> dir_;
  std::unique_ptr<CrashEnv> env_;
  std::unique_ptr<records::Service> service_;
  std::int64_t next_id_ = 0;
  Limits limits_;
};

// The limits the in-process reference target announces: what save_path_fuzzer decodes with.
Limits reference_limits();

}  // namespace savefuzz
