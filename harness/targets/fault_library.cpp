// The control block, the preload environment and the undo log of libsavefuzz_faults.so.
#include "harness/targets/fault_library.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>

#include "harness/core/status.h"
#include "harness/faultlib/control.h"
#include "harness/targets/undo.h"

namespace savefuzz {
namespace {

template <class T>
T load(const T* p) {
  return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}
template <class T>
void store(T* p, T v) {
  __atomic_store_n(p, v, __ATOMIC_SEQ_CST);
}

std::string read_all(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Calls `record` on each whole record of the undo log `bytes` (its header, its path, and where its
// old bytes begin) and returns where the last one ends. A record cut short was being appended when the target died:
// its write never started.
template <class OnRecord>
std::size_t whole_undo_records(const std::string& bytes, const std::filesystem::path& log, OnRecord&& record) {
  std::size_t at = 0;
  while (at < bytes.size()) {
    savefuzz_undo_header h;
    if (bytes.size() - at < sizeof h) break;
    std::memcpy(&h, bytes.data() + at, sizeof h);
    if (h.magic != SAVEFUZZ_UNDO_MAGIC)
      throw SetupError("the fault library's undo log " + log.string() + " is damaged at byte " + std::to_string(at));
    if (bytes.size() - at - sizeof h < h.path_len + h.old_len) break;
    record(h, bytes.substr(at + sizeof h, h.path_len), at + sizeof h + h.path_len);
    at += sizeof h + h.path_len + h.old_len;
  }
  return at;
}

std::filesystem::path beside_program() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path() : exe.parent_path() / "libsavefuzz_faults.so";
}

}  // namespace

std::filesystem::path default_fault_library() {
  std::error_code ec;
  if (const char* env = std::getenv("SAVEFUZZ_FAULT_LIBRARY"); env && *env) return env;
  for (std::filesystem::path p : {beside_program(),
#ifdef SAVEFUZZ_BUILT_FAULT_LIBRARY
                                  std::filesystem::path(SAVEFUZZ_BUILT_FAULT_LIBRARY)
#endif
       })
    if (!p.empty() && std::filesystem::is_regular_file(p, ec)) return p;
  return {};
}

FaultLibrary::FaultLibrary(std::filesystem::path library, const std::filesystem::path& root, std::string_view prefix)
    : library_(std::move(library)), dir_(root, prefix), undo_(dir_.path() / "undo.log") {
  auto control_path = dir_.path() / "control";
  int fd = ::open(control_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0 || ::ftruncate(fd, sizeof(savefuzz_control)) != 0) {
    if (fd >= 0) ::close(fd);
    throw SetupError("cannot make the fault library's control block " + control_path.string());
  }
  void* p = ::mmap(nullptr, sizeof(savefuzz_control), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  ::close(fd);
  if (p == MAP_FAILED) throw SetupError("cannot map the fault library's control block");
  control_ = static_cast<savefuzz_control*>(p);
  std::memset(control_, 0, sizeof *control_);
  control_->version = SAVEFUZZ_CONTROL_VERSION;
  store(&control_->magic, SAVEFUZZ_CONTROL_MAGIC);
}

FaultLibrary::~FaultLibrary() {
  if (control_) ::munmap(control_, sizeof *control_);
}

void FaultLibrary::add_environment(std::map<std::string, std::string>& env) const {
  const char* preload = std::getenv("LD_PRELOAD");
  env["LD_PRELOAD"] = library_.string() + (preload && *preload ? std::string(":") + preload : "");
  env[SAVEFUZZ_CONTROL_ENV] = (dir_.path() / "control").string();
  env[SAVEFUZZ_UNDO_ENV] = undo_.string();
  // A target built with GCC's AddressSanitizer refuses to start when another library is loaded
  // before its runtime; the library only wraps libc calls, which ASan still intercepts after it.
  const char* asan = std::getenv("ASAN_OPTIONS");
  env["ASAN_OPTIONS"] = (asan && *asan ? std::string(asan) + ":" : "") + "verify_asan_link_order=0";
}

std::uint32_t FaultLibrary::answers() const { return load(&control_->answers); }

void FaultLibrary::arm(std::optional<unsigned> crash_at_sync, bool crash_after_answer, const StorageFault* fault) {
  store(&control_->armed, 0u);
  store(&control_->writes, 0u);
  store(&control_->syncs, 0u);
  store(&control_->fired, 0u);
  store(&control_->crash_at_sync, crash_at_sync.value_or(0));
  store(&control_->crash_after_answer, crash_after_answer ? 1u : 0u);
  store(&control_->fault_on, fault ? (fault->on == StorageFault::On::sync ? 2u : 1u) : 0u);
  store(&control_->fault_n, fault ? fault->n : 0u);
  store(&control_->fault_errno, fault ? fault->errno_value() : 0);
  store(&control_->armed, 1u);
}

void FaultLibrary::disarm() {
  store(&control_->armed, 0u);
  store(&control_->crash_at_sync, 0u);
  store(&control_->crash_after_answer, 0u);
  store(&control_->fault_on, 0u);
}

bool FaultLibrary::fired() const { return load(&control_->fired) != 0; }

FaultLibrary::Stats FaultLibrary::stats() const {
  return {load(&control_->total_writes), load(&control_->total_syncs), load(&control_->total_undo_bytes)};
}

void FaultLibrary::lose_unsynced(std::uint32_t tear) {
  std::string bytes = read_all(undo_);
  UndoLog log;
  whole_undo_records(bytes, undo_, [&](const savefuzz_undo_header& h, std::string path, std::size_t old_at) {
    if (h.kind == SAVEFUZZ_UNDO_SYNC) {
      log.synced(path);
    } else {
      log.add({std::move(path), h.offset, bytes.substr(old_at, h.old_len), h.old_size, h.length});
    }
  });
  log.roll_back(tear);
  forget_unsynced();
}

void FaultLibrary::cut_torn_record() {
  std::error_code ec;
  auto size = std::filesystem::file_size(undo_, ec);
  if (ec || size == 0) return;
  std::string bytes = read_all(undo_);
  std::size_t end = whole_undo_records(bytes, undo_, [](const savefuzz_undo_header&, const std::string&, std::size_t) {});
  if (end < bytes.size()) std::filesystem::resize_file(undo_, end, ec);
}

void FaultLibrary::forget_unsynced() {
  // The library appends (O_APPEND): truncating in place keeps its descriptor valid.
  int fd = ::open(undo_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd >= 0) ::close(fd);
}

}  // namespace savefuzz
