// The one declarative table of SPEC.md section 4's operations, and the typed requests it defines.
// Every per-op behaviour reads a row: the request and answer codecs, the model's validity checks,
// the generators and fuzz decoder (how each key is drawn), the shrinker (which keys are optional),
// the runner's probes after a crash_during, and the rc::state commands. docs/architecture.md says
// how to add an op.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "harness/core/json.h"
#include "harness/core/limits.h"

namespace savefuzz {

// The ops, in row order. The enum, the count and the names all come from this one list.
#define SAVEFUZZ_OPS(X)                                                                                      \
  X(create_practice) X(create_practitioner) X(create_patient) X(create_api_client) X(book_appointment)      \
  X(update_appointment) X(save_observation) X(read_observation) X(attach_document) X(share_document)        \
  X(unshare_document) X(read_document) X(list_appointments)

enum class Op : std::uint8_t {
#define SAVEFUZZ_OP_ENUMERATOR(name) name,
  SAVEFUZZ_OPS(SAVEFUZZ_OP_ENUMERATOR)
#undef SAVEFUZZ_OP_ENUMERATOR
};
inline constexpr std::size_t kOpCount = 0
#define SAVEFUZZ_OP_ONE(name) +1
    SAVEFUZZ_OPS(SAVEFUZZ_OP_ONE)
#undef SAVEFUZZ_OP_ONE
    ;

// The JSON shape and rule of a key's value.
enum class ValueType : std::uint8_t { id, text, start, status, fields, integer };

// The kinds of entity (SPEC.md section 3); an id key names one, or (as, with) a principal.
enum class Kind : std::uint8_t { practice, practitioner, patient, api_client, appointment, document };

// The request keys: name, value type, limit, and for ids the kind of entity they name.
#define SAVEFUZZ_KEYS(X)                                                                         \
  X(as, id, none, std::nullopt) X(practice, id, none, Kind::practice)                            \
  X(practitioner, id, none, Kind::practitioner) X(patient, id, none, Kind::patient)              \
  X(client, id, none, Kind::api_client) X(appointment, id, none, Kind::appointment)              \
  X(document, id, none, Kind::document) X(with, id, none, std::nullopt)                          \
  X(name, text, field, std::nullopt) X(first_name, text, field, std::nullopt)                    \
  X(sex, text, field, std::nullopt) X(phone, text, field, std::nullopt)                          \
  X(email, text, field, std::nullopt) X(specialty, text, field, std::nullopt)                    \
  X(title, text, title, std::nullopt) X(content, text, document, std::nullopt)                   \
  X(start, start, none, std::nullopt) X(status, status, none, std::nullopt)                      \
  X(fields, fields, field, std::nullopt) X(base_version, integer, none, std::nullopt)            \
  X(from, start, none, std::nullopt) X(to, start, none, std::nullopt)

enum class Key : std::uint8_t {
#define SAVEFUZZ_KEY_ENUMERATOR(name, type, limit, kind) name,
  SAVEFUZZ_KEYS(SAVEFUZZ_KEY_ENUMERATOR)
#undef SAVEFUZZ_KEY_ENUMERATOR
};
inline constexpr std::size_t kKeyCount = 0
#define SAVEFUZZ_KEY_ONE(name, type, limit, kind) +1
    SAVEFUZZ_KEYS(SAVEFUZZ_KEY_ONE)
#undef SAVEFUZZ_KEY_ONE
    ;

// What a success answer carries besides id and ok (answer_keys() names them).
enum class Answer : std::uint8_t { nothing, version, observation, document, appointments };

// Whether a request carries a key. `one_of`: optional, but at least one of the op's one_of keys
// must be there (update_appointment's start and status).
enum class Presence : std::uint8_t { required, optional, one_of };

// How the generators and the fuzz decoder draw a key's value; harness/core/generate.cpp
// implements each rule once. Rules that name `from` draw that key first and depend on its value.
enum class Draw : std::uint8_t {
  fresh_id,     // a new entity's id: mostly from the small pool of the key's kind
  existing_id,  // an id of the key's kind, mostly one that exists
  principal,    // mostly a practitioner of the practice of `from`'s entity; else anyone
  recipient,    // the patient of `from`'s appointment, a practitioner, or anyone
  reader,       // half principal, half recipient of `from`
  lister,       // an api_client or a principal
  setup_text,   // plain text, a boundary text now and then
  person_text,  // plain text, rarely a boundary text
  text,         // boundary-heavy text at the key's limit
  content,      // plain mostly, boundary-heavy text at the key's limit now and then
  start,
  bound,  // a list's from or to: often exactly an existing appointment's start
  status,
  fields,
  version,  // around the current version of `from`'s observation
};

struct KeyUse {
  Key key;
  Presence presence = Presence::required;
  Draw draw = Draw::existing_id;
  std::optional<Key> from = std::nullopt;
  int percent = 100;  // an optional key: how often generators include it

  constexpr bool required() const { return presence == Presence::required; }
};

constexpr KeyUse need(Key k, Draw d, std::optional<Key> from = std::nullopt) { return {k, Presence::required, d, from}; }
constexpr KeyUse maybe(Key k, Draw d, int percent, std::optional<Key> from = std::nullopt) {
  return {k, Presence::optional, d, from, percent};
}
constexpr KeyUse one_of(Key k, Draw d) { return {k, Presence::one_of, d}; }

// The read that shows which outcome a crash_during of this op had: `op`, with each of its keys
// taken from the crashed request's key paired with it.
struct Probe {
  Op op;
  std::array<std::pair<Key, Key>, 2> keys{};  // (probe's key, crashed request's key)
  std::size_t key_count = 0;

  constexpr std::span<const std::pair<Key, Key>> pairs() const { return {keys.data(), key_count}; }
};

inline constexpr std::size_t kMaxKeysPerOp = 8;

struct OpSpec {
  Op op{};
  bool mutating = false;
  Answer answer = Answer::nothing;
  std::optional<Key> creates;  // the key naming the entity a create makes
  std::optional<Probe> probe;  // writes: the read that tells a crash_during's outcome
  std::array<KeyUse, kMaxKeysPerOp> keys{};
  std::size_t key_count = 0;  // filled by row(): never counted by hand

  constexpr std::span<const KeyUse> uses() const { return {keys.data(), key_count}; }
  constexpr const KeyUse* use(Key k) const {
    for (const auto& u : uses())
      if (u.key == k) return &u;
    return nullptr;
  }
};

const OpSpec& spec(Op op);
std::span<const OpSpec> all_ops();
std::optional<Op> op_from_name(std::string_view name);
std::string_view op_name(Op op);

std::string_view key_name(Key key);
std::optional<Key> key_from_name(std::string_view name);
ValueType key_type(Key key);
Limit key_limit(Key key);
std::optional<Kind> key_kind(Key key);  // the entity an id key names; nullopt for as and with

// The keys a success answer of kind `a` has besides id and ok (SPEC.md 4a.14: exactly these).
std::span<const std::string_view> answer_keys(Answer a);

// The observation fields, in SPEC order.
inline constexpr std::array<std::string_view, 4> kFieldNames{"motif", "interrogatoire", "examen", "conclusion"};
using Fields = std::array<std::optional<std::string>, 4>;

using Value = std::variant<std::string, Fields, std::int64_t>;

// A request in typed form. Values are kept as given (an id may break the id rule, a text its limit):
// judging them is the model's job. Only what JSON types cannot carry is refused by decode().
struct Request {
  Op op;
  std::array<std::optional<Value>, kKeyCount> args{};

  bool has(Key k) const { return args[static_cast<std::size_t>(k)].has_value(); }
  const std::string& str(Key k) const;  // precondition: has(k), a string-typed key
  const Fields& fields() const;
  std::optional<std::int64_t> integer(Key k) const;
  std::optional<std::string> opt(Key k) const;
  Request& set(Key k, Value v);

  bool operator==(const Request&) const = default;
};

// A request that the typed form cannot hold: wrong JSON types, unknown or missing keys, null.
// Its JSON is sent as written; the contract answers it `invalid`.
struct Malformed {
  std::string reason;
};

std::variant<Request, Malformed> decode_request(const Json& object);
Json encode_request(const Request& request);

// The probe read of spec(r.op).probe for a crashed request `r`; nullopt for ops without one.
std::optional<Request> probe_for(const Request& r);

}  // namespace savefuzz
