// records-server as a process: SIGKILL durability, bad input on the wire, command line.
#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include "targets/records/mutants.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

namespace savefuzz::testing {
namespace {

using nlohmann::json;

const char* kWorld[] = {
    R"({"id":0,"op":"hello","protocol":1})",
    R"({"id":1,"op":"create_practice","practice":"P1"})",
    R"({"id":2,"op":"create_practitioner","practitioner":"D1","practice":"P1","name":"Dr","specialty":"MG"})",
    R"({"id":3,"op":"create_patient","patient":"U1","practice":"P1","name":"N","first_name":"F","sex":"M","phone":"","email":""})",
    R"({"id":4,"op":"book_appointment","as":"D1","appointment":"A1","patient":"U1","start":"2024-01-01T09:00"})",
};

constexpr const char* kSave =
    R"({"id":5,"op":"save_observation","as":"D1","appointment":"A1","fields":{"motif":"douleur thoracique","examen":"TA 14/9"}})";
constexpr const char* kRead = R"({"id":6,"op":"read_observation","as":"D1","appointment":"A1"})";

void build_world(ServerProcess& server) {
  for (const char* line : kWorld) ASSERT_EQ(json::parse(server.call(line)).at("ok"), true) << line;
}

json read_after_crash(ServerProcess& server) {
  server.crash_and_restart();
  EXPECT_EQ(json::parse(server.call(kWorld[0])).at("ok"), true);
  return json::parse(server.call(kRead));
}

TEST(ServerProcess, AcknowledgedSaveSurvivesSigkill) {
  TempDir dir;
  ServerProcess server(dir.path(), {});
  build_world(server);
  ASSERT_EQ(json::parse(server.call(kSave)).at("version"), 1);
  json r = read_after_crash(server);  // SIGKILL right after the acknowledgement
  EXPECT_EQ(r.at("fields").at("motif"), "douleur thoracique");
  EXPECT_EQ(r.at("fields").at("examen"), "TA 14/9");
  EXPECT_EQ(r.at("version"), 1);
  EXPECT_EQ(server.close_and_wait(), 0);
}

TEST(ServerProcess, AckBeforeCommitMutantLosesTheSaveOnSigkill) {
  TempDir dir;
  ServerProcess server(dir.path(), {"--mutant", "ack-before-commit"});
  build_world(server);
  ASSERT_EQ(json::parse(server.call(kSave)).at("ok"), true);
  json r = read_after_crash(server);
  EXPECT_EQ(r.at("fields").at("motif"), "");
  EXPECT_EQ(r.at("version"), 0);
}

TEST(ServerProcess, BadLinesGetInvalidAndTheServerKeepsServing) {
  TempDir dir;
  ServerProcess server(dir.path(), {});
  std::string ten_mb_json = R"({"id":9,"op":"create_practice","practice":")" + std::string(10'000'000, 'p') + "\"}";
  std::string ten_mb_garbage(10'000'000, '{');
  std::string over_cap(17u << 20, 'x');
  const std::pair<std::string, json> cases[] = {
      {"this is not json", nullptr},
      {"", nullptr},
      {"[1,2,3]", nullptr},
      {R"({"op":"hello","protocol":1})", nullptr},
      {"{\"id\":4,\"op\":\"create_practice\",\"practice\":\"\xc3\x28\"}", nullptr},
      {"\xff\xfe\xfd", nullptr},
      {ten_mb_json, 9},
      {ten_mb_garbage, nullptr},
      {over_cap, nullptr},
  };
  for (const auto& [line, id] : cases) {
    json a = json::parse(server.call(line));
    EXPECT_EQ(a.at("ok"), false) << line.substr(0, 60);
    EXPECT_EQ(a.at("error").at("code"), "invalid") << line.substr(0, 60);
    EXPECT_EQ(a.at("id"), id) << line.substr(0, 60);
  }
  EXPECT_EQ(json::parse(server.call(kWorld[0])).at("ok"), true);
  EXPECT_EQ(json::parse(server.call(kWorld[1])).at("ok"), true);
  EXPECT_EQ(server.close_and_wait(), 0);
}

TEST(ServerProcess, AnswersComeInRequestOrderWhenPipelined) {
  TempDir dir;
  ServerProcess server(dir.path(), {});
  for (int i = 1; i <= 200; ++i)
    server.send(R"({"id":)" + std::to_string(i) + R"(,"op":"create_practice","practice":"P)" + std::to_string(i % 50) + "\"}");
  for (int i = 1; i <= 200; ++i) {
    json a = json::parse(server.receive());
    EXPECT_EQ(a.at("id"), i);
    EXPECT_EQ(a.at("ok"), i <= 50);
  }
}

TEST(ServerProcess, LastLineWithoutNewlineIsAnsweredBeforeExit) {
  TempDir dir;
  namespace bp = boost::process;
  bp::opstream in;
  bp::ipstream out;
  auto env = boost::this_process::environment();
  env["SAVEFUZZ_DATA_DIR"] = dir.path().string();
  bp::child c((bin_dir() / "records-server").string(), bp::std_in < in, bp::std_out > out, bp::std_err > bp::null, env);
  in << R"({"id":1,"op":"create_practice","practice":"P"})" << std::flush;
  in.pipe().close();
  std::string line;
  ASSERT_TRUE(std::getline(out, line));
  EXPECT_EQ(json::parse(line), json::parse(R"({"id":1,"ok":true})"));
  c.wait();
  EXPECT_EQ(c.exit_code(), 0);
}

TEST(ServerCommandLine, ListMutantsPrintsEachWithItsDescription) {
  auto r = run_to_exit(bin_dir() / "records-server", {"--list-mutants"});
  EXPECT_EQ(r.exit_code, 0);
  int lines = 0;
  std::istringstream s(r.out);
  for (std::string line; std::getline(s, line); ++lines) EXPECT_NE(line.find('\t'), std::string::npos) << line;
  EXPECT_EQ(lines, static_cast<int>(records::all_mutants().size())) << "one line per mutant of the catalogue";
  EXPECT_NE(r.out.find("share-skips-save\t"), std::string::npos);
}

TEST(ServerCommandLine, UnknownMutantIsAUsageErrorWithExitCode2) {
  TempDir dir;
  auto r = run_to_exit(bin_dir() / "records-server", {"--mutant", "typo"}, dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown mutant 'typo'"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
}

TEST(ServerCommandLine, MissingDataDirectoryIsAClearError) {
  auto r = run_to_exit(bin_dir() / "records-server", {});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("SAVEFUZZ_DATA_DIR"), std::string::npos) << r.err;
  r = run_to_exit(bin_dir() / "records-server", {"--data-dir", "/nonexistent/savefuzz"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r.err;
}

TEST(ServerCommandLine, HelpSaysWhatItIs) {
  auto r = run_to_exit(bin_dir() / "records-server", {"--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("save path"), std::string::npos);
  EXPECT_NE(r.out.find("--mutant"), std::string::npos);
  EXPECT_NE(r.out.find("--list-mutants"), std::string::npos);
}

}  // namespace
}  // namespace savefuzz::testing
