// The op table's rows (from SPEC.md section 4) and the request codec they drive.
#include "harness/op_table.h"

#include <limits>

namespace savefuzz {
namespace {

constexpr KeyUse req(Key k) { return {k, true}; }
constexpr KeyUse opt(Key k) { return {k, false}; }

// One row per op: name, keys (required or optional), mutating, answer, created entity.
const std::array<OpSpec, kOpCount> kOps{{
    {Op::create_practice, "create_practice", {req(Key::practice)}, 1, true, Answer::nothing, Key::practice},
    {Op::create_practitioner, "create_practitioner",
     {req(Key::practitioner), req(Key::practice), req(Key::name), req(Key::specialty)}, 4, true, Answer::nothing,
     Key::practitioner},
    {Op::create_patient, "create_patient",
     {req(Key::patient), req(Key::practice), req(Key::name), req(Key::first_name), req(Key::sex), req(Key::phone),
      req(Key::email)},
     7, true, Answer::nothing, Key::patient},
    {Op::create_api_client, "create_api_client", {req(Key::client), req(Key::practice)}, 2, true, Answer::nothing,
     Key::client},
    {Op::book_appointment, "book_appointment",
     {req(Key::as), req(Key::appointment), req(Key::patient), req(Key::start)}, 4, true, Answer::nothing,
     Key::appointment},
    {Op::update_appointment, "update_appointment",
     {req(Key::as), req(Key::appointment), opt(Key::start), opt(Key::status)}, 4, true, Answer::nothing,
     std::nullopt},
    {Op::save_observation, "save_observation",
     {req(Key::as), req(Key::appointment), req(Key::fields), opt(Key::base_version)}, 4, true, Answer::version,
     std::nullopt},
    {Op::read_observation, "read_observation", {req(Key::as), req(Key::appointment)}, 2, false,
     Answer::observation, std::nullopt},
    {Op::attach_document, "attach_document",
     {req(Key::as), req(Key::document), req(Key::appointment), req(Key::title), req(Key::content)}, 5, true,
     Answer::nothing, Key::document},
    {Op::share_document, "share_document", {req(Key::as), req(Key::document), req(Key::with)}, 3, true,
     Answer::nothing, std::nullopt},
    {Op::unshare_document, "unshare_document", {req(Key::as), req(Key::document), req(Key::with)}, 3, true,
     Answer::nothing, std::nullopt},
    {Op::read_document, "read_document", {req(Key::as), req(Key::document)}, 2, false, Answer::document,
     std::nullopt},
    {Op::list_appointments, "list_appointments", {req(Key::as), opt(Key::from), opt(Key::to)}, 3, false,
     Answer::appointments, std::nullopt},
}};

struct KeyRow {
  std::string_view name;
  ValueType type;
  Limit limit;
};

constexpr std::array<KeyRow, kKeyCount> kKeys{{
    {"as", ValueType::id, Limit::none},
    {"practice", ValueType::id, Limit::none},
    {"practitioner", ValueType::id, Limit::none},
    {"patient", ValueType::id, Limit::none},
    {"client", ValueType::id, Limit::none},
    {"appointment", ValueType::id, Limit::none},
    {"document", ValueType::id, Limit::none},
    {"with", ValueType::id, Limit::none},
    {"name", ValueType::text, Limit::field},
    {"first_name", ValueType::text, Limit::field},
    {"sex", ValueType::text, Limit::field},
    {"phone", ValueType::text, Limit::field},
    {"email", ValueType::text, Limit::field},
    {"specialty", ValueType::text, Limit::field},
    {"title", ValueType::text, Limit::title},
    {"content", ValueType::text, Limit::document},
    {"start", ValueType::start, Limit::none},
    {"status", ValueType::status, Limit::none},
    {"fields", ValueType::fields, Limit::field},
    {"base_version", ValueType::integer, Limit::none},
    {"from", ValueType::start, Limit::none},
    {"to", ValueType::start, Limit::none},
}};

const KeyRow& row(Key k) { return kKeys[static_cast<std::size_t>(k)]; }

std::optional<std::int64_t> int64_of(const Json& v) {
  if (v.is_number_unsigned()) {
    auto u = v.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
    return static_cast<std::int64_t>(u);
  }
  if (v.is_number_integer()) return v.get<std::int64_t>();
  return std::nullopt;
}

}  // namespace

const OpSpec& spec(Op op) { return kOps[static_cast<std::size_t>(op)]; }
std::span<const OpSpec> all_ops() { return kOps; }

std::optional<Op> op_from_name(std::string_view name) {
  for (const auto& s : kOps)
    if (s.name == name) return s.op;
  return std::nullopt;
}
std::string_view op_name(Op op) { return spec(op).name; }

std::string_view key_name(Key key) { return row(key).name; }
std::optional<Key> key_from_name(std::string_view name) {
  for (std::size_t i = 0; i < kKeys.size(); ++i)
    if (kKeys[i].name == name) return static_cast<Key>(i);
  return std::nullopt;
}
ValueType key_type(Key key) { return row(key).type; }
Limit key_limit(Key key) { return row(key).limit; }

const std::string& Request::str(Key k) const { return std::get<std::string>(*args[static_cast<std::size_t>(k)]); }
const Fields& Request::fields() const { return std::get<Fields>(*args[static_cast<std::size_t>(Key::fields)]); }
std::optional<std::int64_t> Request::integer(Key k) const {
  if (!has(k)) return std::nullopt;
  return std::get<std::int64_t>(*args[static_cast<std::size_t>(k)]);
}
std::optional<std::string> Request::opt(Key k) const {
  if (!has(k)) return std::nullopt;
  return str(k);
}
Request& Request::set(Key k, Value v) {
  args[static_cast<std::size_t>(k)] = std::move(v);
  return *this;
}

std::variant<Request, Malformed> decode_request(const Json& object) {
  if (!object.is_object()) return Malformed{"a request is a JSON object"};
  auto op_it = object.find("op");
  if (op_it == object.end() || !op_it->is_string()) return Malformed{"\"op\" is missing or not a string"};
  auto op = op_from_name(op_it->get<std::string>());
  if (!op) return Malformed{"unknown op \"" + op_it->get<std::string>() + "\""};
  Request r{*op, {}};
  const OpSpec& s = spec(*op);
  for (const auto& [name, value] : object.items()) {
    if (name == "op") continue;
    auto key = key_from_name(name);
    bool known = false;
    for (const auto& use : s.uses()) known = known || (key && use.key == *key);
    if (!known) return Malformed{"unknown key \"" + name + "\" for " + std::string(s.name)};
    switch (key_type(*key)) {
      case ValueType::id:
      case ValueType::text:
      case ValueType::start:
      case ValueType::status:
        if (!value.is_string()) return Malformed{"\"" + name + "\" is not a string"};
        r.set(*key, value.get<std::string>());
        break;
      case ValueType::integer: {
        auto n = int64_of(value);
        if (!n) return Malformed{"\"" + name + "\" is not a 64-bit integer"};
        r.set(*key, *n);
        break;
      }
      case ValueType::fields: {
        if (!value.is_object()) return Malformed{"\"fields\" is not an object"};
        Fields f;
        for (const auto& [field, text] : value.items()) {
          std::size_t i = 0;
          while (i < kFieldNames.size() && kFieldNames[i] != field) ++i;
          if (i == kFieldNames.size()) return Malformed{"unknown observation field \"" + field + "\""};
          if (!text.is_string()) return Malformed{"field \"" + field + "\" is not a string"};
          f[i] = text.get<std::string>();
        }
        r.set(*key, f);
        break;
      }
    }
  }
  for (const auto& use : s.uses())
    if (use.required && !r.has(use.key)) return Malformed{"missing key \"" + std::string(key_name(use.key)) + "\""};
  return r;
}

Json encode_request(const Request& r) {
  Json j{{"op", op_name(r.op)}};
  for (const auto& use : spec(r.op).uses()) {
    if (!r.has(use.key)) continue;
    std::string name(key_name(use.key));
    const Value& v = *r.args[static_cast<std::size_t>(use.key)];
    if (const auto* s = std::get_if<std::string>(&v)) {
      j[name] = *s;
    } else if (const auto* n = std::get_if<std::int64_t>(&v)) {
      j[name] = *n;
    } else {
      Json f = Json::object();
      const auto& fields = std::get<Fields>(v);
      for (std::size_t i = 0; i < fields.size(); ++i)
        if (fields[i]) f[std::string(kFieldNames[i])] = *fields[i];
      j[name] = f;
    }
  }
  return j;
}

}  // namespace savefuzz
