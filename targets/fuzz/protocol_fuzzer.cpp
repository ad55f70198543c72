// libFuzzer over the reference target's request handling: the input's lines go to
// records::Service::handle_line as records-server would pass them. A crash or sanitizer report is
// a finding, and so is an answer that breaks the answer contract (SPEC.md 4a.1, 4a.14): not one
// JSON object on one line, an id that is neither the request's nor null, keys the op's answer
// does not list, anything but `invalid` to a line the contract calls malformed (a reset with
// other keys included), or anything but {"id":N,"ok":true} to a reset.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string_view>

#include "harness/core/op_table.h"
#include "harness/core/response.h"
#include "harness/core/scenario.h"
#include "harness/targets/data_dir.h"
#include "targets/records/service.h"

namespace {

using savefuzz::Json;

constexpr std::size_t kMaxLines = 64;

[[noreturn]] void fail(std::string_view line, const std::string& answer, const std::string& why) {
  std::cerr << "savefuzz: FINDING protocol_fuzzer: " << why << "\n  line:   "
            << Json(std::string(line)).dump(-1, ' ', true, Json::error_handler_t::replace) << "\n  answer: " << answer
            << "\n";
  std::abort();
}

// What the harness understands of a line: its integer id, and its request when well formed.
struct Reading {
  std::optional<std::int64_t> id;
  std::optional<savefuzz::Request> request;  // none: the contract calls the line malformed
  bool hello = false;
  bool reset = false;  // a well-formed reset (SPEC.md 8): records-server lists the feature
};

Reading read(std::string_view line) {
  Reading r;
  Json j = Json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return r;
  if (j.contains("id") && j["id"].is_number_integer()) r.id = j["id"].get<std::int64_t>();
  r.hello = j.contains("op") && j["op"] == "hello";
  if (!r.id) return r;
  try {
    savefuzz::parse_strict(std::string(line));
  } catch (const std::exception&) {
    return r;  // duplicate keys: malformed (SPEC.md 4a.2), whatever the parser above kept
  }
  j.erase("id");
  r.reset = j == Json{{"op", "reset"}};
  auto typed = savefuzz::decode_request(j);
  if (auto* request = std::get_if<savefuzz::Request>(&typed)) r.request = *request;
  return r;
}

void check(std::string_view line, const std::string& text) {
  if (text.find('\n') != std::string::npos) fail(line, text, "the answer spans more than one line");
  Json answer = Json::parse(text, nullptr, false);
  if (answer.is_discarded() || !answer.is_object()) fail(line, text, "the answer is not a JSON object");
  Reading r = read(line);
  if (!answer.contains("id") || !(answer["id"].is_null() || (r.id && answer["id"] == *r.id)))
    fail(line, text, "the answer's id is neither the request's nor null");
  if (r.hello) return;  // its answer (limits, protocol) is the handshake's, checked by the harness
  if (r.reset) {
    if (answer != Json{{"id", *r.id}, {"ok", true}}) fail(line, text, "a reset was not answered {\"id\":N,\"ok\":true}");
    return;
  }
  auto decoded = savefuzz::decode_answer(answer, r.request ? std::optional(r.request->op) : std::nullopt);
  if (auto* why = std::get_if<savefuzz::Error>(&decoded)) fail(line, text, "the answer breaks the contract: " + why->message);
  if (!r.request) {
    const auto& response = std::get<savefuzz::Response>(decoded);
    if (response.error != savefuzz::ErrorCode::invalid) fail(line, text, "a malformed line was not answered invalid");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // A fresh store each input: a finding replays from its input alone.
  savefuzz::DataDir dir(savefuzz::default_data_root());
  records::ServiceOptions options;
  options.data_dir = dir.path();
  records::Service service(options);
  std::string_view input(reinterpret_cast<const char*>(data), size);
  for (std::size_t lines = 0; lines < kMaxLines; ++lines) {
    std::size_t end = input.find('\n');
    std::string_view line = input.substr(0, end);
    check(line, service.handle_line(line));
    if (end == std::string_view::npos) break;
    input.remove_prefix(end + 1);
  }
  service.close();
  return 0;
}
