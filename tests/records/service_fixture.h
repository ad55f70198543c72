// A records::Service on a fresh data directory, with helpers to call it and to build a small world.
#pragma once

#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "targets/records/service.h"
#include "tests/support/temp_dir.h"

namespace savefuzz::testing {

using records::Json;

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { open(); }

  void open(records::Mutant mutant = records::Mutant::none, records::Env* env = nullptr) {
    service_.reset();
    records::ServiceOptions options;
    options.data_dir = dir_->path();
    options.mutant = mutant;
    if (env) options.env = env;
    service_ = std::make_unique<records::Service>(options);
  }

  // Clean restart: close, then reopen on the same directory.
  void restart(records::Mutant mutant = records::Mutant::none, records::Env* env = nullptr) {
    service_->close();
    open(mutant, env);
  }

  // Crash: abandon without closing, then reopen.
  void crash(records::Mutant mutant = records::Mutant::none, records::Env* env = nullptr) { open(mutant, env); }

  Json call(Json request) {
    request["id"] = ++next_id_;
    Json answer = service_->handle(request);
    EXPECT_EQ(answer.at("id"), next_id_) << answer.dump();
    return answer;
  }

  // The error code of an answer, or "ok".
  std::string code(Json request) {
    Json a = call(std::move(request));
    return a.at("ok").get<bool>() ? "ok" : a.at("error").at("code").get<std::string>();
  }

  void expect_ok(Json request) {
    Json a = call(request);
    ASSERT_TRUE(a.at("ok").get<bool>()) << request.dump() << " -> " << a.dump();
  }

  // Two practices. P1: practitioners D1, D2; patients U1, U2; api client C1; appointment A1
  // (D1, U1) with document X1. P2: practitioner E1, patient V1, api client C2, appointment B1 (E1, V1).
  void build_world() {
    expect_ok({{"op", "create_practice"}, {"practice", "P1"}});
    expect_ok({{"op", "create_practice"}, {"practice", "P2"}});
    practitioner("D1", "P1");
    practitioner("D2", "P1");
    practitioner("E1", "P2");
    patient("U1", "P1");
    patient("U2", "P1");
    patient("V1", "P2");
    expect_ok({{"op", "create_api_client"}, {"client", "C1"}, {"practice", "P1"}});
    expect_ok({{"op", "create_api_client"}, {"client", "C2"}, {"practice", "P2"}});
    book("D1", "A1", "U1", "2024-03-01T09:00");
    book("E1", "B1", "V1", "2024-03-01T10:00");
    expect_ok({{"op", "attach_document"}, {"as", "D1"}, {"document", "X1"}, {"appointment", "A1"},
               {"title", "ordonnance"}, {"content", "amoxicilline"}});
  }

  void practitioner(const std::string& id, const std::string& practice) {
    expect_ok({{"op", "create_practitioner"}, {"practitioner", id}, {"practice", practice},
               {"name", "Dr " + id}, {"specialty", "généraliste"}});
  }
  void patient(const std::string& id, const std::string& practice) {
    expect_ok({{"op", "create_patient"}, {"patient", id}, {"practice", practice}, {"name", "Nom " + id},
               {"first_name", "Prénom"}, {"sex", "F"}, {"phone", "0639980000"}, {"email", id + "@example.org"}});
  }
  void book(const std::string& as, const std::string& id, const std::string& patient, const std::string& start) {
    expect_ok({{"op", "book_appointment"}, {"as", as}, {"appointment", id}, {"patient", patient}, {"start", start}});
  }
  Json save(const std::string& as, const std::string& appointment, Json fields) {
    return call({{"op", "save_observation"}, {"as", as}, {"appointment", appointment}, {"fields", std::move(fields)}});
  }
  Json read(const std::string& as, const std::string& appointment) {
    return call({{"op", "read_observation"}, {"as", as}, {"appointment", appointment}});
  }
  void share(const std::string& document, const std::string& with) {
    expect_ok({{"op", "share_document"}, {"as", "D1"}, {"document", document}, {"with", with}});
  }

  // `base` with each key of `patch` set to its value, null and {} included, as the target must see them.
  static Json patched(Json base, const Json& patch) {
    for (const auto& [key, value] : patch.items()) base[key] = value;
    return base;
  }

  // Starts over: a new empty data directory, a new service on it, ids from 1.
  void fresh(records::Mutant mutant = records::Mutant::none, records::Env* env = nullptr) {
    service_.reset();
    dir_ = std::make_unique<TempDir>();
    next_id_ = 0;
    open(mutant, env);
  }

  std::unique_ptr<TempDir> dir_ = std::make_unique<TempDir>();
  std::unique_ptr<records::Service> service_;
  std::int64_t next_id_ = 0;
};

}  // namespace savefuzz::testing
