// Decoding, encoding and record-shaped mutation of save_path_fuzzer inputs.
#include "harness/core/fuzz_input.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <unordered_map>

#include "harness/core/generate.h"
#include "harness/core/hash.h"
#include "harness/core/op_table.h"

namespace savefuzz {
namespace {

constexpr std::size_t kHeader = 4;  // tag + 3-byte length
constexpr std::size_t kMaxBody = (1u << 24) - 1;

std::uint64_t record_hash(std::uint8_t tag, std::string_view body) {
  Fnv1a h(Fnv1a::kOffset ^ tag);
  h.add(body);
  return h.value();
}

// Decisions read from a record's bytes, one byte per small choice, so a mutated byte changes one
// decision. When the bytes run out, a stream seeded by the record itself takes over: a short
// record still makes varied, reproducible choices.
class ByteChoices : public Choices {
 public:
  ByteChoices(std::uint8_t tag, std::string_view body) : body_(body), stream_(record_hash(tag, body)) {}

  std::uint64_t below(std::uint64_t n) override {
    if (n <= 1) return 0;
    if (n <= 256 && pos_ < body_.size()) return static_cast<unsigned char>(body_[pos_++]) % n;
    if (n <= 65536 && pos_ + 1 < body_.size()) {
      std::uint64_t v = static_cast<unsigned char>(body_[pos_]) | static_cast<unsigned char>(body_[pos_ + 1]) << 8;
      pos_ += 2;
      return v % n;
    }
    return stream_.next() % n;
  }

  std::string bytes(std::size_t n) override {
    std::string out(body_.substr(std::min(pos_, body_.size()), n));
    pos_ += out.size();
    while (out.size() < n) out += static_cast<char>(stream_.next());
    return out;
  }

 private:
  std::string_view body_;
  std::size_t pos_ = 0;
  SplitMix64 stream_;
};

Step without_expect(Step s) {
  if (auto* r = std::get_if<RequestStep>(&s.body)) r->expect.reset();
  return s;
}

std::optional<Step> parse_literal(const std::string& body) {
  Json j = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return std::nullopt;
  auto step = parse_step(j);
  auto* s = std::get_if<Step>(&step);
  if (!s) return std::nullopt;
  // The model is the oracle: a scenario's own expectations stop holding once mutations reorder
  // or change its steps.
  return without_expect(std::move(*s));
}

// Seeds are literal records, and a mutation changes one record of an input: most literals an
// execution meets were parsed before, and parsing them again was a tenth of an execution. Each
// distinct literal is parsed once per thread (up to kLiteralCacheBytes of them, then the cache
// starts over); the parser's edges are seen on that first parse, which is when they are new.
constexpr std::size_t kLiteralCacheBytes = 32u << 20;

std::optional<Step> literal_step(const std::string& body) {
  thread_local std::unordered_map<std::string, std::optional<Step>> cache;
  thread_local std::size_t cached_bytes = 0;
  if (auto it = cache.find(body); it != cache.end()) return it->second;
  if (cached_bytes + body.size() > kLiteralCacheBytes) {
    cache.clear();
    cached_bytes = 0;
  }
  cached_bytes += body.size();
  return cache.emplace(body, parse_literal(body)).first->second;
}

}  // namespace

std::vector<FuzzRecord> split_records(std::span<const std::uint8_t> data) {
  std::vector<FuzzRecord> out;
  std::size_t i = 0;
  while (i < data.size()) {
    FuzzRecord r{data[i], {}};
    std::size_t len = 0;
    for (std::size_t b = 0; b < 3 && i + 1 + b < data.size(); ++b) len |= std::size_t{data[i + 1 + b]} << (8 * b);
    std::size_t start = std::min(i + kHeader, data.size());
    std::size_t end = std::min(start + len, data.size());
    r.body.assign(reinterpret_cast<const char*>(data.data()) + start, end - start);
    out.push_back(std::move(r));
    i = end;
  }
  return out;
}

std::string join_records(const std::vector<FuzzRecord>& records) {
  std::string out;
  for (const auto& r : records) {
    std::size_t len = std::min(r.body.size(), kMaxBody);
    out += static_cast<char>(r.tag);
    for (int b = 0; b < 3; ++b) out += static_cast<char>((len >> (8 * b)) & 0xff);
    out.append(r.body, 0, len);
  }
  return out;
}

Scenario decode_fuzz_input(std::span<const std::uint8_t> data, const Limits& limits) {
  Scenario s;
  decode_fuzz_input(data, limits, s);
  return s;
}

void decode_fuzz_input(std::span<const std::uint8_t> data, const Limits& limits, Scenario& s) {
  std::vector<FuzzRecord> records = split_records(data);
  if (records.empty()) records.push_back({});

  ByteChoices world_choices(records[0].tag, records[0].body);
  StepDrawer drawer(limits, world_choices);
  WorldSize size;  // the property campaign's ranges
  if (records[0].tag != kNoWorldTag) size = WorldSize::draw(world_choices);
  s.name = "fuzz-input";
  s.description = "decoded from a save_path_fuzzer input";
  s.steps.clear();
  // A step is about 4 KB: growing the vector step by step moved each one several times, into
  // memory that ASan had to map afresh (about 7% of that build's page faults).
  s.steps.reserve(static_cast<std::size_t>(std::max(0, size.steps())) + std::min(records.size() - 1, kMaxFuzzSteps));
  drawer.world(size, s.steps);

  for (std::size_t i = 1; i < records.size() && i <= kMaxFuzzSteps; ++i) {
    const FuzzRecord& r = records[i];
    ByteChoices choices(r.tag, r.body);
    drawer.use(choices);
    std::size_t control = r.tag < kRequestTags ? 0 : 1 + (r.tag - kRequestTags) / kTagsPerControl;
    if (r.tag < kRequestTags) {
      s.steps.push_back(drawer.request_step(static_cast<Op>(r.tag % kOpCount)));
    } else if (r.tag < kLiteralTag && static_cast<StepKind>(control) == StepKind::reset) {
      s.steps.push_back(drawer.faulty_request_step(static_cast<Op>(choices.below(kOpCount))));
    } else if (r.tag < kLiteralTag) {
      auto kind = static_cast<StepKind>(control);
      s.steps.push_back(drawer.control_step(kind, kind == StepKind::crash_during && choices.below(4) != 0));
    } else if (auto step = literal_step(r.body)) {  // a free control slot decodes as a literal
      drawer.note(*step);
      s.steps.push_back(std::move(*step));
    }  // a literal that does not parse is no step
  }
}

Scenario decode_fuzz_file(const std::filesystem::path& input, const Limits& limits) {
  std::ifstream in(input, std::ios::binary);
  if (!in) throw SetupError("cannot read " + input.string());
  std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  Scenario s = decode_fuzz_input({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()}, limits);
  s.name = "fuzz-" + input.filename().string();
  s.description = "Decoded from the save_path_fuzzer input " + input.string() + " by `savefuzz decode`.";
  return s;
}

std::string encode_scenario(const Scenario& s) {
  std::vector<FuzzRecord> records{{kNoWorldTag, ""}};
  for (const Step& step : s.steps)
    records.push_back({kLiteralTag, without_expect(step).to_json().dump(-1, ' ', false, Json::error_handler_t::replace)});
  return join_records(records);
}

std::size_t mutate_fuzz_input(std::uint8_t* data, std::size_t size, std::size_t max_size, unsigned seed,
                              ByteMutator mutate_bytes) {
  std::minstd_rand rng(seed);
  auto below = [&](std::size_t n) { return n <= 1 ? 0 : static_cast<std::size_t>(rng() % n); };
  std::vector<FuzzRecord> records = split_records({data, size});
  if (records.empty()) records.push_back({});
  auto random_record = [&] {
    FuzzRecord r{static_cast<std::uint8_t>(rng()), {}};
    if (below(4) != 0) r.tag = static_cast<std::uint8_t>(below(kRequestTags));  // mostly a drawn request
    r.body.resize(below(24));
    for (auto& c : r.body) c = static_cast<char>(rng());
    return r;
  };
  // A burst: a few fresh records written over the records from one place on (appended where it
  // runs past the end), their requests drawn from a random subset of the ops (swarm testing, as a
  // property case's body is). A one-record change rarely builds what a bug needs, such as a share
  // and then a save of the same appointment; a burst meets it as a property case does, on the
  // state the records before it built. Written over rather than inserted, it leaves an input's
  // length about as it was: inserted, bursts made the corpus's inputs a third longer and the
  // executions a tenth slower (bench/results/fuzz.md).
  std::size_t steps = records.size() - 1;
  auto burst = [&](std::size_t at) {
    std::vector<std::uint8_t> swarm;
    for (std::size_t op = 0; op < kOpCount; ++op)
      if (below(10) < 6) swarm.push_back(static_cast<std::uint8_t>(op));
    if (swarm.empty()) swarm.push_back(static_cast<std::uint8_t>(below(kOpCount)));
    std::vector<FuzzRecord> fresh;
    for (std::size_t n = 2 + below(kMaxBurst - 1), room = max_size - std::min(size, max_size); n > 0; --n) {
      FuzzRecord r = random_record();
      if (r.tag < kRequestTags) r.tag = swarm[below(swarm.size())];
      if (kHeader + r.body.size() > room) break;  // within libFuzzer's limit: the burst stops short
      room -= kHeader + r.body.size();
      fresh.push_back(std::move(r));
    }
    auto over = static_cast<std::ptrdiff_t>(std::min(fresh.size(), steps - at));
    auto from = records.begin() + 1 + static_cast<std::ptrdiff_t>(at);
    std::copy(fresh.begin(), fresh.begin() + over, from);
    records.insert(from + over, fresh.begin() + over, fresh.end());
  };
  switch (below(12)) {
    case 0: case 1: case 2: case 3: {  // change a body with libFuzzer's byte mutations
      FuzzRecord& r = records[below(records.size())];
      if (r.body.empty()) r.body.push_back(static_cast<char>(rng()));
      std::size_t room = std::min(kMaxBody, r.body.size() + std::max<std::size_t>(64, r.body.size() / 4));
      std::string buf = r.body;
      buf.resize(room);
      std::size_t n = mutate_bytes(reinterpret_cast<std::uint8_t*>(buf.data()), r.body.size(), room);
      r.body = buf.substr(0, std::min(n, room));
      break;
    }
    case 4: records[below(records.size())].tag = static_cast<std::uint8_t>(rng()); break;
    case 5:
      if (steps > 0) {
        FuzzRecord copy = records[1 + below(steps)];
        records.insert(records.begin() + 1 + static_cast<std::ptrdiff_t>(below(steps + 1)), copy);
      }
      break;
    case 6:
      if (steps > 0) records.erase(records.begin() + 1 + static_cast<std::ptrdiff_t>(below(steps)));
      break;
    case 7:
      if (steps > 1) std::swap(records[1 + below(steps)], records[1 + below(steps)]);
      break;
    case 8: burst(below(steps + 1)); break;
    default:
      records.insert(records.begin() + 1 + static_cast<std::ptrdiff_t>(below(steps + 1)), random_record());
      break;
  }
  std::string out = join_records(records);
  // Too long for libFuzzer's limit: a plain byte mutation keeps the size within it, and every
  // input still decodes.
  if (out.size() > max_size) return mutate_bytes(data, size, max_size);
  std::memcpy(data, out.data(), out.size());
  return out.size();
}

std::size_t cross_over_fuzz_inputs(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b,
                                   std::uint8_t* out, std::size_t max_out, unsigned seed) {
  std::minstd_rand rng(seed);
  std::vector<FuzzRecord> ra = split_records(a), rb = split_records(b);
  std::vector<FuzzRecord> joined(ra.begin(), ra.begin() + static_cast<std::ptrdiff_t>(ra.empty() ? 0 : 1 + rng() % ra.size()));
  if (!rb.empty()) {
    std::size_t from = rng() % rb.size();
    joined.insert(joined.end(), rb.begin() + static_cast<std::ptrdiff_t>(std::max<std::size_t>(from, 1)), rb.end());
  }
  std::string bytes = join_records(joined);
  std::size_t n = std::min(bytes.size(), max_out);
  std::memcpy(out, bytes.data(), n);  // a cut last record still decodes
  return n;
}

}  // namespace savefuzz
