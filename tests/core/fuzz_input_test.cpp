// The save_path_fuzzer input format: total and deterministic decoding, exact encoding, and
// mutations that keep inputs record-shaped.
#include <algorithm>
#include <random>

#include <gtest/gtest.h>

#include "harness/core/fuzz_input.h"
#include "harness/core/generate.h"
#include "harness/core/model.h"
#include "harness/core/values.h"

namespace savefuzz {
namespace {

const Limits kLimits{16384, 200, 1 << 20};

std::string random_bytes(std::mt19937& rng, std::size_t max) {
  std::string s(rng() % (max + 1), '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

Scenario decode(const std::string& bytes) {
  return decode_fuzz_input({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()}, kLimits);
}

bool record_shaped(const std::string& bytes) {
  auto records = split_records({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()});
  return join_records(records) == bytes;
}

TEST(FuzzInput, RecordsSplitAndJoinBackToTheSameBytes) {
  std::vector<FuzzRecord> records{{0, "world"}, {7, ""}, {kLiteralTag, std::string(70000, 'x')}, {210, "\xff"}};
  std::string bytes = join_records(records);
  EXPECT_EQ(split_records({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()}), records);
}

TEST(FuzzInput, AShortLastRecordKeepsTheBytesItHas) {
  std::string bytes = join_records({{0, ""}, {5, "abcdef"}});
  bytes.resize(bytes.size() - 2);
  auto records = split_records({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()});
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].body, "abcd");
}

TEST(FuzzInput, EveryByteStringDecodesTheSameWayTwice) {
  std::mt19937 rng(7);
  for (int i = 0; i < 300; ++i) {
    std::string bytes = random_bytes(rng, 600);
    Scenario a = decode(bytes);
    EXPECT_EQ(scenario_to_json(a), scenario_to_json(decode(bytes)));
    EXPECT_LE(a.steps.size(), 14 + kMaxFuzzSteps);  // the largest world, then the step cap
  }
}

TEST(FuzzInput, StepsPastTheCapAreIgnored) {
  std::vector<FuzzRecord> records{{kNoWorldTag, ""}};
  for (std::size_t i = 0; i < kMaxFuzzSteps + 50; ++i) records.push_back({208, ""});  // restarts
  EXPECT_EQ(decode(join_records(records)).steps.size(), kMaxFuzzSteps);
}

TEST(FuzzInput, TagsChooseOpsControlsAndLiterals) {
  auto steps = decode(join_records({{kNoWorldTag, ""},
                                    {static_cast<std::uint8_t>(Op::read_observation) + 13, ""},
                                    {208, ""},
                                    {216, ""},
                                    {224, ""},
                                    {kLiteralTag, R"({"op":"create_practice","practice":"P9","expect":{"ok":true}})"},
                                    {kLiteralTag + 1, "not json"}}))
                   .steps;
  ASSERT_EQ(steps.size(), 5u);  // no world; the unparsable literal is no step
  EXPECT_TRUE(steps[0].call() && (!steps[0].call()->request() || steps[0].call()->request()->op == Op::read_observation));
  EXPECT_EQ(steps[1].kind(), StepKind::restart);
  EXPECT_EQ(steps[2].kind(), StepKind::crash);
  EXPECT_EQ(steps[3].kind(), StepKind::crash_during);
  ASSERT_TRUE(steps[4].call() && steps[4].call()->request());
  EXPECT_EQ(steps[4].call()->request()->str(Key::practice), "P9");
  EXPECT_FALSE(*steps[4].expect()) << "literal expects are dropped: the model is the oracle";
}

TEST(FuzzInput, EncodingGivesBackTheScenarioStepsWithoutExpects) {
  Scenario s{"x", "", {}};
  Step create = Step::request(Call::of(Json{{"op", "create_practice"}, {"practice", "P1"}}), Json{{"ok", true}});
  s.steps = {create, Step::restart(),
             Step::request(Call::of(Json{{"op", "create_practice"}, {"practice", 5}})),  // malformed stays as written
             Step::crash_during(Call::of(Json{{"op", "create_practice"}, {"practice", "P2"}}))};
  Scenario back = decode(encode_scenario(s));
  s.steps[0] = Step::request(*s.steps[0].call());
  EXPECT_EQ(scenario_to_json(back)["steps"], scenario_to_json(s)["steps"]);
}

// The share of a scenario's requests that the model accepts.
double accepted_share(const std::vector<Scenario>& scenarios) {
  std::size_t requests = 0, accepted = 0;
  for (const auto& s : scenarios) {
    Model model(kLimits);
    for (const Step& step : s.steps) {
      if (step.kind() != StepKind::request || !step.call()->request()) continue;
      ++requests;
      accepted += model.apply(*step.call()->request()).ok() ? 1 : 0;
    }
  }
  return requests ? static_cast<double>(accepted) / static_cast<double>(requests) : 0;
}

// Random bytes decode to requests that pass validation as often as the property campaign's do:
// the decoder draws from the state so far, like the generators.
TEST(FuzzInput, RandomInputsAreAcceptedAsOftenAsGeneratedScenarios) {
  std::mt19937 rng(11);
  std::vector<Scenario> decoded, generated;
  GenOptions gen;
  gen.limits = kLimits;
  gen.controls = false;
  for (int i = 0; i < 200; ++i) {
    std::vector<FuzzRecord> records{{0, random_bytes(rng, 16)}};  // a world of its own
    // As long as a generated body: up to max_steps (40) less the preamble.
    for (int k = 0, n = static_cast<int>(rng() % 31); k < n; ++k)
      records.push_back({static_cast<std::uint8_t>(rng() % 208), random_bytes(rng, 24)});
    decoded.push_back(decode(join_records(records)));
    generated.push_back(generate_scenario(gen, 11, static_cast<std::uint64_t>(i)));
  }
  double fuzz = accepted_share(decoded), campaign = accepted_share(generated);
  EXPECT_GT(fuzz, 0.8 * campaign) << "decoded " << fuzz << ", generated " << campaign;
  EXPECT_GT(fuzz, 0.25);
}

std::size_t flip_one_byte(std::uint8_t* data, std::size_t size, std::size_t max_size) {
  if (size > 0) data[size / 2] ^= 0x5a;
  return std::min(size + 1, max_size);  // and grow by one byte, as libFuzzer's InsertByte would
}

TEST(FuzzInput, MutationsKeepInputsRecordShapedAndWithinTheLimit) {
  std::mt19937 rng(3);
  std::vector<FuzzRecord> records{{0, "ab"}};
  for (int k = 0; k < 6; ++k) records.push_back({static_cast<std::uint8_t>(rng()), random_bytes(rng, 20)});
  std::string input = join_records(records);
  for (unsigned seed = 0; seed < 2000; ++seed) {
    std::string buf = input;
    std::size_t max_size = input.size() + 64;
    buf.resize(max_size);
    std::size_t n = mutate_fuzz_input(reinterpret_cast<std::uint8_t*>(buf.data()), input.size(), max_size, seed, flip_one_byte);
    ASSERT_LE(n, max_size);
    buf.resize(n);
    EXPECT_TRUE(record_shaped(buf)) << "seed " << seed;
    input = buf.size() < 400 && record_shaped(buf) ? buf : input;  // walk on, within bounds
  }
}

// One mutation in twelve writes a burst of fresh records from one place on, as a property case's
// body acts on the state before it: every other mutation makes at most one record that was not in
// its input. Written over the records after that place, a burst seldom lengthens a long input.
TEST(FuzzInput, SomeMutationsWriteABurstOfFreshRecordsOverALongInput) {
  std::vector<FuzzRecord> records{{0, "ab"}};
  for (int k = 0; k < 40; ++k) records.push_back({static_cast<std::uint8_t>(k), "r" + std::to_string(k)});
  const std::string input = join_records(records);
  int bursts = 0, lengthened = 0;
  for (unsigned seed = 0; seed < 2000; ++seed) {
    std::string buf = input;
    buf.resize(input.size() + 4096);
    buf.resize(mutate_fuzz_input(reinterpret_cast<std::uint8_t*>(buf.data()), input.size(), buf.size(), seed, flip_one_byte));
    ASSERT_TRUE(record_shaped(buf)) << "seed " << seed;
    auto out = split_records({reinterpret_cast<const std::uint8_t*>(buf.data()), buf.size()});
    ASSERT_LE(out.size(), records.size() + kMaxBurst) << "seed " << seed;
    auto fresh = std::count_if(out.begin(), out.end(), [&](const FuzzRecord& r) {
      return std::find(records.begin(), records.end(), r) == records.end();
    });
    if (fresh < 2) continue;
    ++bursts;
    if (out.size() > records.size()) ++lengthened;
  }
  EXPECT_GT(bursts, 2000 / 12 / 2);
  EXPECT_LT(bursts, 2000 / 12 * 2);
  EXPECT_LT(lengthened, bursts / 4) << "a burst over a 40-record input lengthens it only near its end";
}

TEST(FuzzInput, CrossOverJoinsWholeRecords) {
  std::string a = join_records({{0, "w"}, {1, "a1"}, {2, "a2"}}), b = join_records({{0, "v"}, {3, "b1"}, {4, "b2"}});
  for (unsigned seed = 0; seed < 50; ++seed) {
    std::string out(256, '\0');
    std::size_t n = cross_over_fuzz_inputs({reinterpret_cast<const std::uint8_t*>(a.data()), a.size()},
                                           {reinterpret_cast<const std::uint8_t*>(b.data()), b.size()},
                                           reinterpret_cast<std::uint8_t*>(out.data()), out.size(), seed);
    out.resize(n);
    EXPECT_TRUE(record_shaped(out));
    EXPECT_EQ(out.substr(0, 5), a.substr(0, 5)) << "the world comes from the first parent";
  }
}

TEST(Utf8, InvalidBytesBecomeReplacementCharacters) {
  EXPECT_EQ(to_valid_utf8("a\xff" "b"), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(to_valid_utf8("\xc3\xa9\xc3"), "\xc3\xa9\xEF\xBF\xBD");
  EXPECT_EQ(to_valid_utf8("\xed\xa0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate is no character
  std::mt19937 rng(5);
  for (int i = 0; i < 500; ++i) EXPECT_TRUE(valid_utf8(to_valid_utf8(random_bytes(rng, 40))));
}

}  // namespace
}  // namespace savefuzz

namespace savefuzz {
namespace {

// Tags 232..239 draw a request with a storage fault, 240..247 a power loss; 248..255 are literal
// steps, which is how seeds are written.
TEST(FuzzInput, FaultTagsDrawFaultStepsAndSeedsUseTheLiteralTag) {
  EXPECT_EQ(kLiteralTag, 248);
  const std::string literal = R"({"op":"create_practice","practice":"P7"})";
  for (int tag : {232, 239}) {
    auto steps = decode(join_records({{kNoWorldTag, ""}, {static_cast<std::uint8_t>(tag), literal}})).steps;
    ASSERT_EQ(steps.size(), 1u) << tag;
    ASSERT_TRUE(steps[0].is_request()) << tag;
    ASSERT_TRUE(steps[0].fault() && *steps[0].fault()) << tag;
    EXPECT_LE(steps[0].fault()->value().n, kMaxDrawnFaultN);
  }
  for (int tag : {240, 247}) {
    auto steps = decode(join_records({{kNoWorldTag, ""}, {static_cast<std::uint8_t>(tag), literal}})).steps;
    ASSERT_EQ(steps.size(), 1u) << tag;
    EXPECT_EQ(steps[0].kind(), StepKind::power_loss) << tag;
  }
  for (int tag : {248, 254}) {
    auto steps = decode(join_records({{kNoWorldTag, ""}, {static_cast<std::uint8_t>(tag), literal}})).steps;
    ASSERT_EQ(steps.size(), 1u) << tag;
    EXPECT_EQ(steps[0].call()->wire, Json::parse(literal)) << tag;
  }
  std::string encoded = encode_scenario({"x", "", {Step::request(Call::of(Json::parse(literal)))}});
  auto records = split_records({reinterpret_cast<const std::uint8_t*>(encoded.data()), encoded.size()});
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].tag, kLiteralTag);
}

TEST(Utf8, EveryOffsetOfALongTextIsChecked) {  // eight ASCII bytes at a time, then byte by byte
  for (std::size_t at = 0; at < 40; ++at) {
    std::string text(40, 'a');
    EXPECT_TRUE(valid_utf8(text.substr(0, at) + "\xC3\xA9" + text.substr(at))) << at;
    EXPECT_FALSE(valid_utf8(text.substr(0, at) + "\xFF" + text.substr(at))) << at;
    EXPECT_FALSE(valid_text(text.substr(0, at) + std::string(1, '\0') + text.substr(at), 100)) << at;
  }
}

// A literal is parsed once and then served from a cache: the second decode must give the same
// steps, and a literal one byte different must not be served the first one's step.
TEST(FuzzInput, ALiteralDecodesTheSameFromTheCache) {
  std::string input = join_records({{kNoWorldTag, ""}, {kLiteralTag, R"({"op":"create_practice","practice":"P8"})"}});
  Json first = scenario_to_json(decode(input))["steps"];
  EXPECT_EQ(scenario_to_json(decode(input))["steps"], first);
  std::string other = input;
  other[other.rfind('8')] = '6';
  auto steps = decode(other).steps;
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(steps[0].call()->request()->str(Key::practice), "P6");
}

}  // namespace
}  // namespace savefuzz
