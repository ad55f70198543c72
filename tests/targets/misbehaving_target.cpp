// A protocol program that breaks the contract in one chosen way, for ProcessTarget's tests.
//
//   misbehaving_target MODE
//
// It answers hello properly (unless MODE is about the hello), then for every request:
//   good          answers {"id":N,"ok":true} (a target that acknowledges everything)
//   hang          never answers the first request after hello
//   garbage       answers the first request with a line that is not JSON
//   wrong-id      answers the first request with the id plus one
//   die           exits with code 3 on the first request, without answering
//   killed        raises SIGKILL on the first request (no sanitizer can intercept it)
//   extra-key     answers with an extra key
//   bad-exit      answers properly, but exits 7 when stdin closes
//   no-exit       answers properly, but never exits when stdin closes
//   chatty-exit   answers properly, but prints a line after stdin closes
//   bad-hello     answers hello with ok:false
//   silent-hello  never answers hello
//   ignore-stdin  never reads stdin (so a large request blocks the writer)
//   resets        lists the reset feature and answers reset properly
//   bad-reset     lists the reset feature and answers reset with ok:false
// Every mode writes a few lines to stderr first, so that reports can quote them.
#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "good";
  std::cerr << "misbehaving_target: mode " << mode << "\nsecond line of stderr\n" << std::flush;
  auto forever = [] {
    for (;;) std::this_thread::sleep_for(std::chrono::hours(1));
  };
  if (mode == "ignore-stdin") forever();
  std::string line;
  bool first = true;
  while (std::getline(std::cin, line)) {
    auto req = nlohmann::json::parse(line, nullptr, false);
    auto id = req.is_object() && req.contains("id") ? req["id"] : nlohmann::json();
    if (req.is_object() && req.value("op", "") == "hello") {
      if (mode == "silent-hello") forever();
      if (mode == "bad-hello") {
        std::cout << R"({"id":0,"ok":false,"error":{"code":"invalid","message":"no"}})" << std::endl;
        continue;
      }
      bool resets = mode == "resets" || mode == "bad-reset";
      std::cout << R"({"id":0,"ok":true,"target":"misbehaving","limits":{"field_bytes":16384,"title_bytes":256,"document_bytes":1048576})"
                << (resets ? R"(,"features":["reset"]})" : "}") << std::endl;
      continue;
    }
    if (mode == "bad-reset" && req.is_object() && req.value("op", "") == "reset") {
      std::cout << nlohmann::json{{"id", id}, {"ok", false}, {"error", {{"code", "unavailable"}, {"message", "no"}}}}.dump()
                << std::endl;
      continue;
    }
    if (first) {
      first = false;
      if (mode == "hang") forever();
      if (mode == "garbage") {
        std::cout << "Traceback (most recent call last): <html>" << std::endl;
        continue;
      }
      if (mode == "wrong-id") {
        std::cout << nlohmann::json{{"id", id.get<long>() + 1}, {"ok", true}}.dump() << std::endl;
        continue;
      }
      if (mode == "die") return 3;
      if (mode == "killed") std::raise(SIGKILL);
      if (mode == "extra-key") {
        std::cout << nlohmann::json{{"id", id}, {"ok", true}, {"debug", "x"}}.dump() << std::endl;
        continue;
      }
    }
    std::cout << nlohmann::json{{"id", id}, {"ok", true}}.dump() << std::endl;
  }
  if (mode == "no-exit") forever();
  if (mode == "chatty-exit") std::cout << "bye" << std::endl;
  return mode == "bad-exit" ? 7 : 0;
}
