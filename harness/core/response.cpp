// Answer codec: typed Response <-> the JSON of SPEC.md section 1 and 4.
#include "harness/core/response.h"

#include <algorithm>
#include <span>

namespace savefuzz {
namespace {

constexpr std::array<std::string_view, kErrorCodeCount> kErrorNames{"invalid",   "not_found", "exists",
                                                                   "forbidden", "conflict",  "unavailable"};
constexpr std::array<std::string_view, 3> kPractitionerKeys{"id", "name", "specialty"};
constexpr std::array<std::string_view, 6> kPatientKeys{"id", "name", "first_name", "sex", "phone", "email"};

// Checks that `object` is an object with exactly `keys`, all strings; fills `out`.
template <std::size_t N>
std::optional<std::string> read_strings(const Json& object, const std::array<std::string_view, N>& keys,
                                        std::array<std::string, N>& out, std::string_view what) {
  if (!object.is_object() || object.size() != N) return std::string(what) + " must have exactly " + std::to_string(N) + " keys";
  for (std::size_t i = 0; i < N; ++i) {
    auto it = object.find(std::string(keys[i]));
    if (it == object.end() || !it->is_string()) return std::string(what) + "." + std::string(keys[i]) + " missing or not a string";
    out[i] = it->get<std::string>();
  }
  return std::nullopt;
}

// Checks that `answer` has exactly id, ok and `keys` (`base` and `keys` have no name in common).
// Without a set or a string per key: it runs on every answer, and every allocation costs ASan.
std::optional<std::string> expect_keys(const Json& answer, std::initializer_list<std::string_view> base,
                                       std::span<const std::string_view> keys = {}) {
  auto allowed = [&](std::string_view k) {
    return std::find(base.begin(), base.end(), k) != base.end() || std::find(keys.begin(), keys.end(), k) != keys.end();
  };
  for (auto it = answer.begin(); it != answer.end(); ++it)
    if (!allowed(it.key())) return "unexpected key \"" + it.key() + "\"";
  // Every key present is allowed and an object's keys are distinct, so its size tells.
  if (answer.size() == base.size() + keys.size()) return std::nullopt;
  auto first_missing = [&](const auto& list) -> std::optional<std::string> {
    for (std::string_view k : list)
      if (!answer.contains(std::string(k))) return "missing key \"" + std::string(k) + "\"";
    return std::nullopt;
  };
  if (auto why = first_missing(base)) return why;
  return first_missing(keys);
}

}  // namespace

std::string_view error_name(ErrorCode c) { return kErrorNames[static_cast<std::size_t>(c)]; }

std::optional<ErrorCode> error_from_name(std::string_view name) {
  for (std::size_t i = 0; i < kErrorNames.size(); ++i)
    if (kErrorNames[i] == name) return static_cast<ErrorCode>(i);
  return std::nullopt;
}

Json to_json(const Response& r) {
  if (r.error) return Json{{"ok", false}, {"error", Json{{"code", error_name(*r.error)}}}};
  Json j{{"ok", true}};
  if (const auto* v = std::get_if<std::int64_t>(&r.body)) {
    j["version"] = *v;
  } else if (const auto* o = std::get_if<ObservationView>(&r.body)) {
    Json f = Json::object();
    for (std::size_t i = 0; i < kFieldNames.size(); ++i) f[std::string(kFieldNames[i])] = o->fields[i];
    j["fields"] = f;
    j["version"] = o->version;
  } else if (const auto* d = std::get_if<DocumentView>(&r.body)) {
    j["title"] = d->title;
    j["content"] = d->content;
  } else if (const auto* list = std::get_if<std::vector<ListedAppointment>>(&r.body)) {
    Json arr = Json::array();
    for (const auto& a : *list) {
      Json pr = Json::object(), pa = Json::object();
      for (std::size_t i = 0; i < 3; ++i) pr[std::string(kPractitionerKeys[i])] = a.practitioner[i];
      for (std::size_t i = 0; i < 6; ++i) pa[std::string(kPatientKeys[i])] = a.patient[i];
      arr.push_back(Json{{"appointment", a.appointment}, {"start", a.start}, {"status", a.status},
                         {"practitioner", pr}, {"patient", pa}});
    }
    j["appointments"] = arr;
  }
  return j;
}

Result<Response> decode_answer(const Json& a, std::optional<Op> op) {
  auto bad = [](std::string why) { return Error{std::move(why)}; };
  if (!a.is_object()) return bad("the answer is not a JSON object");
  auto ok = a.find("ok");
  if (ok == a.end() || !ok->is_boolean()) return bad("\"ok\" is missing or not a boolean");
  if (!ok->get<bool>()) {
    if (auto why = expect_keys(a, {"id", "ok", "error"})) return bad(*why);
    const Json& e = a["error"];
    if (!e.is_object() || e.size() != 2 || !e.contains("code") || !e.contains("message"))
      return bad("\"error\" must be {\"code\",\"message\"}");
    if (!e["code"].is_string() || !e["message"].is_string()) return bad("error code and message are strings");
    auto code = error_from_name(e["code"].get<std::string>());
    if (!code) return bad("unknown error code \"" + e["code"].get<std::string>() + "\"");
    return Response::failure(*code);
  }
  Response r;
  Answer kind = op ? spec(*op).answer : Answer::nothing;
  if (auto why = expect_keys(a, {"id", "ok"}, answer_keys(kind))) return bad(*why);
  switch (kind) {
    case Answer::nothing:
      break;
    case Answer::version:
      if (!a["version"].is_number_integer()) return bad("\"version\" is not an integer");
      r.body = a["version"].get<std::int64_t>();
      break;
    case Answer::observation: {
      ObservationView o;
      if (auto why = read_strings(a["fields"], kFieldNames, o.fields, "fields")) return bad(*why);
      if (!a["version"].is_number_integer()) return bad("\"version\" is not an integer");
      o.version = a["version"].get<std::int64_t>();
      r.body = o;
      break;
    }
    case Answer::document:
      if (!a["title"].is_string() || !a["content"].is_string()) return bad("title and content are strings");
      r.body = DocumentView{a["title"].get<std::string>(), a["content"].get<std::string>()};
      break;
    case Answer::appointments: {
      if (!a["appointments"].is_array()) return bad("\"appointments\" is not an array");
      std::vector<ListedAppointment> list;
      for (const auto& e : a["appointments"]) {
        ListedAppointment l;
        std::array<std::string, 3> top;
        if (!e.is_object() || e.size() != 5) return bad("an appointment entry must have exactly 5 keys");
        if (auto why = read_strings(Json{{"appointment", e.value("appointment", Json())}, {"start", e.value("start", Json())},
                                         {"status", e.value("status", Json())}},
                                    std::array<std::string_view, 3>{"appointment", "start", "status"}, top, "entry"))
          return bad(*why);
        l.appointment = top[0];
        l.start = top[1];
        l.status = top[2];
        if (!e.contains("practitioner") || !e.contains("patient")) return bad("entry lacks practitioner or patient");
        if (auto why = read_strings(e["practitioner"], kPractitionerKeys, l.practitioner, "practitioner")) return bad(*why);
        if (auto why = read_strings(e["patient"], kPatientKeys, l.patient, "patient")) return bad(*why);
        list.push_back(std::move(l));
      }
      r.body = std::move(list);
      break;
    }
  }
  return r;
}

}  // namespace savefuzz
