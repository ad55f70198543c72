// The oracle: SPEC.md sections 2-4a as plain in-memory C++, predicting every answer exactly.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "harness/core/limits.h"
#include "harness/core/op_table.h"
#include "harness/core/response.h"

namespace savefuzz {

class Model {
 public:
  explicit Model(Limits limits = {}) : limits_(limits) {}

  // Predicts the answer to `r` and, when it is a success that changes state, applies it.
  Response apply(const Request& r);

  // The answer to a request the typed form cannot hold.
  static Response malformed() { return Response::failure(ErrorCode::invalid); }

  const Limits& limits() const { return limits_; }

  // What exists, for the final sweep and for generators.
  std::vector<std::string> ids_of(Kind kind) const;
  std::optional<Kind> kind_of(const std::string& id) const;
  std::optional<std::string> practice_of(const std::string& id) const;
  // The appointment a document belongs to.
  std::optional<std::string> appointment_of_document(const std::string& document) const;
  // Whether any document of `appointment` is currently shared with anyone.
  bool has_shared_document(const std::string& appointment) const;
  // Whether `who` currently holds any document as a recipient.
  bool is_any_recipient(const std::string& who) const;
  std::optional<ObservationView> observation(const std::string& appointment) const;
  std::optional<std::string> start_of(const std::string& appointment) const;
  std::optional<std::string> status_of(const std::string& appointment) const;

  bool operator==(const Model&) const = default;

 private:
  struct Person {
    std::string practice;
    std::vector<std::string> texts;  // practitioner: name, specialty; patient: name..email
  };
  struct Appointment {
    std::string practice, practitioner, patient, start, status;
    ObservationView observation;
    bool operator==(const Appointment&) const = default;
  };
  struct Document {
    std::string appointment, title;
    // Contents can reach 1 MiB and models are copied at each crash_during: share them.
    std::shared_ptr<const std::string> content;
    std::set<std::string> recipients;
    bool operator==(const Document& o) const {
      return appointment == o.appointment && title == o.title && *content == *o.content && recipients == o.recipients;
    }
  };
  friend bool operator==(const Person& a, const Person& b) { return a.practice == b.practice && a.texts == b.texts; }

  // Stage checks, in the order SPEC.md section 4 ranks errors.
  bool valid_values(const Request& r) const;
  bool is(const std::string& id, Kind kind) const;
  bool practitioner_of(const std::string& who, const std::string& practice) const;

  Response create(const Request& r);
  Response book(const Request& r);
  Response update(const Request& r);
  Response save(const Request& r);
  Response read_observation(const Request& r) const;
  Response attach(const Request& r);
  Response share(const Request& r, bool add);
  Response read_document(const Request& r) const;
  Response list(const Request& r) const;

  Limits limits_;
  std::map<std::string, Kind> kinds_;
  std::map<std::string, std::string> practice_;  // every entity but practices -> its practice
  std::map<std::string, Person> people_;          // practitioners and patients
  std::map<std::string, Appointment> appointments_;
  std::map<std::string, Document> documents_;
};

}  // namespace savefuzz
