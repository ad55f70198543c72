// The op table's rows (from SPEC.md section 4) and the request codec they drive.
#include "harness/core/op_table.h"

#include <limits>

namespace savefuzz {
namespace {

using D = Draw;

constexpr OpSpec row(Op op, bool mutating, Answer answer, std::optional<Key> creates, std::optional<Probe> probe,
                     std::initializer_list<KeyUse> keys) {
  OpSpec s{op, mutating, answer, creates, probe, {}, 0};
  for (const KeyUse& k : keys) s.keys[s.key_count++] = k;
  return s;
}

constexpr Probe probe(Op op, std::pair<Key, Key> a) { return {op, {a}, 1}; }
constexpr Probe probe(Op op, std::pair<Key, Key> a, std::pair<Key, Key> b) { return {op, {a, b}, 2}; }

// One row per op, in the order of SAVEFUZZ_OPS (checked below). Keys are listed in the order
// requests carry them; each names how generators draw it (see Draw).
constexpr std::array<OpSpec, kOpCount> kOps{{
    row(Op::create_practice, true, Answer::nothing, Key::practice, std::nullopt,
        {need(Key::practice, D::fresh_id)}),
    row(Op::create_practitioner, true, Answer::nothing, Key::practitioner, std::nullopt,
        {need(Key::practitioner, D::fresh_id), need(Key::practice, D::existing_id),
         need(Key::name, D::setup_text), need(Key::specialty, D::setup_text)}),
    row(Op::create_patient, true, Answer::nothing, Key::patient, std::nullopt,
        {need(Key::patient, D::fresh_id), need(Key::practice, D::existing_id), need(Key::name, D::person_text),
         need(Key::first_name, D::person_text), need(Key::sex, D::person_text), need(Key::phone, D::person_text),
         need(Key::email, D::person_text)}),
    row(Op::create_api_client, true, Answer::nothing, Key::client, std::nullopt,
        {need(Key::client, D::fresh_id), need(Key::practice, D::existing_id)}),
    row(Op::book_appointment, true, Answer::nothing, Key::appointment,
        probe(Op::list_appointments, {Key::as, Key::as}),
        {need(Key::as, D::principal, Key::patient), need(Key::appointment, D::fresh_id),
         need(Key::patient, D::existing_id), need(Key::start, D::start)}),
    row(Op::update_appointment, true, Answer::nothing, std::nullopt,
        probe(Op::list_appointments, {Key::as, Key::as}),
        {need(Key::as, D::principal, Key::appointment), need(Key::appointment, D::existing_id),
         one_of(Key::start, D::start), one_of(Key::status, D::status)}),
    row(Op::save_observation, true, Answer::version, std::nullopt,
        probe(Op::read_observation, {Key::as, Key::as}, {Key::appointment, Key::appointment}),
        {need(Key::as, D::principal, Key::appointment), need(Key::appointment, D::existing_id),
         need(Key::fields, D::fields), maybe(Key::base_version, D::version, 45, Key::appointment)}),
    row(Op::read_observation, false, Answer::observation, std::nullopt, std::nullopt,
        {need(Key::as, D::principal, Key::appointment), need(Key::appointment, D::existing_id)}),
    row(Op::attach_document, true, Answer::nothing, Key::document,
        probe(Op::read_document, {Key::as, Key::as}, {Key::document, Key::document}),
        {need(Key::as, D::principal, Key::appointment), need(Key::document, D::fresh_id),
         need(Key::appointment, D::existing_id), need(Key::title, D::text), need(Key::content, D::content)}),
    row(Op::share_document, true, Answer::nothing, std::nullopt,
        probe(Op::read_document, {Key::as, Key::with}, {Key::document, Key::document}),
        {need(Key::as, D::principal, Key::document), need(Key::document, D::existing_id),
         need(Key::with, D::recipient, Key::document)}),
    row(Op::unshare_document, true, Answer::nothing, std::nullopt,
        probe(Op::read_document, {Key::as, Key::with}, {Key::document, Key::document}),
        {need(Key::as, D::principal, Key::document), need(Key::document, D::existing_id),
         need(Key::with, D::recipient, Key::document)}),
    row(Op::read_document, false, Answer::document, std::nullopt, std::nullopt,
        {need(Key::as, D::reader, Key::document), need(Key::document, D::existing_id)}),
    row(Op::list_appointments, false, Answer::appointments, std::nullopt, std::nullopt,
        {need(Key::as, D::lister), maybe(Key::from, D::bound, 30), maybe(Key::to, D::bound, 30)}),
}};

constexpr std::array<std::string_view, kOpCount> kOpNames{
#define SAVEFUZZ_OP_NAME(name) #name,
    SAVEFUZZ_OPS(SAVEFUZZ_OP_NAME)
#undef SAVEFUZZ_OP_NAME
};

// A row out of place, or missing, is a compile error; so is a key drawn from a key the row lacks,
// a create that does not draw a fresh id, or a probe of an op that is not a read.
constexpr bool rows_are_consistent() {
  for (std::size_t i = 0; i < kOps.size(); ++i) {
    const OpSpec& s = kOps[i];
    if (s.op != static_cast<Op>(i) || s.key_count == 0) return false;
    for (const KeyUse& u : s.uses())
      if (u.from && !s.use(*u.from)) return false;
    if (s.creates && (!s.use(*s.creates) || s.use(*s.creates)->draw != Draw::fresh_id)) return false;
    if (s.probe && (!s.mutating || kOps[static_cast<std::size_t>(s.probe->op)].mutating)) return false;
  }
  return true;
}
static_assert(rows_are_consistent(), "kOps: one row per Op, in enum order, with consistent keys");

struct KeyRow {
  std::string_view name;
  ValueType type;
  Limit limit;
  std::optional<Kind> kind;
};

constexpr std::array<KeyRow, kKeyCount> kKeys{{
#define SAVEFUZZ_KEY_ROW(name, type, limit, kind) {#name, ValueType::type, Limit::limit, kind},
    SAVEFUZZ_KEYS(SAVEFUZZ_KEY_ROW)
#undef SAVEFUZZ_KEY_ROW
}};

constexpr std::string_view kVersion[] = {"version"};
constexpr std::string_view kObservation[] = {"fields", "version"};
constexpr std::string_view kDocument[] = {"title", "content"};
constexpr std::string_view kAppointments[] = {"appointments"};

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
  for (std::size_t i = 0; i < kOpNames.size(); ++i)
    if (kOpNames[i] == name) return static_cast<Op>(i);
  return std::nullopt;
}
std::string_view op_name(Op op) { return kOpNames[static_cast<std::size_t>(op)]; }

std::string_view key_name(Key key) { return row(key).name; }
std::optional<Key> key_from_name(std::string_view name) {
  for (std::size_t i = 0; i < kKeys.size(); ++i)
    if (kKeys[i].name == name) return static_cast<Key>(i);
  return std::nullopt;
}
ValueType key_type(Key key) { return row(key).type; }
Limit key_limit(Key key) { return row(key).limit; }
std::optional<Kind> key_kind(Key key) { return row(key).kind; }

std::span<const std::string_view> answer_keys(Answer a) {
  switch (a) {
    case Answer::nothing: return {};
    case Answer::version: return kVersion;
    case Answer::observation: return kObservation;
    case Answer::document: return kDocument;
    case Answer::appointments: return kAppointments;
  }
  return {};
}

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
    if (!known) return Malformed{"unknown key \"" + name + "\" for " + std::string(op_name(*op))};
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
    if (use.required() && !r.has(use.key)) return Malformed{"missing key \"" + std::string(key_name(use.key)) + "\""};
  return r;
}

// Built member by member into reserved objects: every request the harness sends is encoded here,
// and nlohmann's initializer lists and operator[] made four times the allocations.
Json encode_request(const Request& r) {
  Json j = Json::object();
  auto& members = j.get_ref<Json::object_t&>();
  members.reserve(1 + spec(r.op).uses().size());
  members.emplace_back("op", op_name(r.op));
  for (const auto& use : spec(r.op).uses()) {
    if (!r.has(use.key)) continue;
    std::string name(key_name(use.key));
    const Value& v = *r.args[static_cast<std::size_t>(use.key)];
    if (const auto* s = std::get_if<std::string>(&v)) {
      members.emplace_back(std::move(name), *s);
    } else if (const auto* n = std::get_if<std::int64_t>(&v)) {
      members.emplace_back(std::move(name), *n);
    } else {
      Json f = Json::object();
      auto& texts = f.get_ref<Json::object_t&>();
      const auto& fields = std::get<Fields>(v);
      texts.reserve(fields.size());
      for (std::size_t i = 0; i < fields.size(); ++i)
        if (fields[i]) texts.emplace_back(std::string(kFieldNames[i]), *fields[i]);
      members.emplace_back(std::move(name), std::move(f));
    }
  }
  return j;
}

std::optional<Request> probe_for(const Request& r) {
  const auto& p = spec(r.op).probe;
  if (!p) return std::nullopt;
  Request read{p->op, {}};
  for (const auto& [probe_key, from] : p->pairs()) read.set(probe_key, r.str(from));
  return read;
}

}  // namespace savefuzz

