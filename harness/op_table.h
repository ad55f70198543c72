// The one declarative table of SPEC.md section 4's operations, and the typed requests it defines.
// It drives the request codec, the model's dispatch, and (later) generators and fuzz decoders.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

namespace savefuzz {

using Json = nlohmann::ordered_json;

enum class Op : std::uint8_t {
  create_practice, create_practitioner, create_patient, create_api_client, book_appointment,
  update_appointment, save_observation, read_observation, attach_document, share_document,
  unshare_document, read_document, list_appointments,
};
inline constexpr std::size_t kOpCount = 13;

enum class Key : std::uint8_t {
  as, practice, practitioner, patient, client, appointment, document, with, name, first_name, sex, phone,
  email, specialty, title, content, start, status, fields, base_version, from, to,
};
inline constexpr std::size_t kKeyCount = 22;

// The JSON shape and rule of a key's value.
enum class ValueType : std::uint8_t { id, text, start, status, fields, integer };
// Which announced limit bounds a text (SPEC.md 2 and 4a.4).
enum class Limit : std::uint8_t { none, field, title, document };

// What a success answer carries besides id and ok.
enum class Answer : std::uint8_t { nothing, version, observation, document, appointments };

struct KeyUse {
  Key key;
  bool required;
};

struct OpSpec {
  Op op;
  std::string_view name;
  std::array<KeyUse, 8> keys;  // the first `key_count` are used
  std::size_t key_count;
  bool mutating;
  Answer answer;
  std::optional<Key> creates;  // the key naming the entity a create makes

  std::span<const KeyUse> uses() const { return {keys.data(), key_count}; }
};

const OpSpec& spec(Op op);
std::span<const OpSpec> all_ops();
std::optional<Op> op_from_name(std::string_view name);
std::string_view op_name(Op op);

std::string_view key_name(Key key);
std::optional<Key> key_from_name(std::string_view name);
ValueType key_type(Key key);
Limit key_limit(Key key);

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

}  // namespace savefuzz
