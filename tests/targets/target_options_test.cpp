// The target a scenario fuzzer learns from its environment is the one `savefuzz fuzz` was told.
#include <cstdlib>

#include <gtest/gtest.h>

#include "harness/core/session.h"
#include "harness/targets/inprocess_target.h"
#include "harness/targets/target_options.h"

namespace savefuzz {
namespace {

// Sets and unsets what `env` says, as Subprocess does for a child, and restores the variables on
// destruction.
class Applied {
 public:
  explicit Applied(const TargetEnvironment& env) {
    for (const auto& [name, value] : env.set) change(name, value.c_str());
    for (const auto& name : env.unset) change(name, nullptr);
  }
  ~Applied() {
    for (const auto& [name, value] : saved_)
      value ? ::setenv(name.c_str(), value->c_str(), 1) : ::unsetenv(name.c_str());
  }

 private:
  void change(const std::string& name, const char* value) {
    const char* before = std::getenv(name.c_str());
    saved_.emplace_back(name, before ? std::optional<std::string>(before) : std::nullopt);
    value ? ::setenv(name.c_str(), value, 1) : ::unsetenv(name.c_str());
  }
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

TEST(TargetEnvironment, AProgramTargetComesBackAsGiven) {
  TargetOptions given;
  given.command = "python3 my target.py";
  given.mutant = "lost-update";
  given.timeout = std::chrono::milliseconds(2500);
  given.use_fault_library = false;
  Applied applied(target_environment(given));
  TargetOptions read = target_from_environment();
  EXPECT_EQ(read.command, given.command);
  EXPECT_EQ(read.builtin, "");
  EXPECT_EQ(read.mutant, "lost-update");
  EXPECT_EQ(read.timeout, given.timeout);
  EXPECT_FALSE(read.use_fault_library);
  EXPECT_EQ(target_flags(read), target_flags(given));
}

// A variable left in the caller's environment (a mutant exported for an earlier run) must not
// pick the fuzzers' target: the options unset what they do not set.
TEST(TargetEnvironment, WhatTheOptionsDoNotSetIsUnset) {
  ::setenv("SAVEFUZZ_MUTANT", "share-skips-save", 1);
  ::setenv("SAVEFUZZ_TARGET_CMD", "records-server", 1);
  ::setenv("SAVEFUZZ_NO_FAULT_LIBRARY", "1", 1);
  TargetOptions reference;
  reference.builtin = "records";
  {
    Applied applied(target_environment(reference));
    TargetOptions read = target_from_environment();
    EXPECT_EQ(read.builtin, "records");
    EXPECT_EQ(read.command, "");
    EXPECT_EQ(read.mutant, "");
    EXPECT_TRUE(read.use_fault_library);
    EXPECT_FALSE(read.timeout);
  }
  ::unsetenv("SAVEFUZZ_MUTANT");
  ::unsetenv("SAVEFUZZ_TARGET_CMD");
  ::unsetenv("SAVEFUZZ_NO_FAULT_LIBRARY");
}

TEST(TargetEnvironment, AValueItCannotReadNamesTheVariable) {
  TargetEnvironment env;
  env.set["SAVEFUZZ_TIMEOUT"] = "10 seconds";
  {
    Applied applied(env);
    try {
      target_from_environment();
      FAIL() << "an unreadable timeout was accepted";
    } catch (const SetupError& e) {
      EXPECT_NE(std::string(e.what()).find("$SAVEFUZZ_TIMEOUT '10 seconds'"), std::string::npos) << e.what();
    }
  }
  env.set = {{"SAVEFUZZ_NO_FAULT_LIBRARY", "yes"}};
  Applied applied(env);
  EXPECT_THROW(target_from_environment(), SetupError);
}

// The reproduce line of a fuzzer input: the command is quoted for a shell.
TEST(TargetEnvironment, PrefixQuotesTheCommand) {
  TargetOptions given;
  given.command = "python3 t.py";
  given.mutant = "lost-update";
  EXPECT_EQ(target_environment(given).prefix(), "SAVEFUZZ_MUTANT=lost-update SAVEFUZZ_TARGET_CMD='python3 t.py' ");
}

// What the fuzzers decode their inputs with: a program's hello limits (here smaller than the
// reference's), the reference's own in-process.
TEST(HelloLimits, AreThoseOfTheTargetsHello) {
  TargetOptions program;
  program.command = R"(sh -c 'read hello; echo "{\"id\":0,\"ok\":true,\"target\":\"small\",\"limits\":)"
                    R"({\"field_bytes\":100,\"title_bytes\":10,\"document_bytes\":1000}}"; cat > /dev/null')";
  program.use_fault_library = false;
  validate(program);
  EXPECT_EQ(hello_limits(program), (Limits{100, 10, 1000}));
  TargetOptions reference;
  reference.builtin = "records";
  EXPECT_EQ(hello_limits(reference), reference_limits());

  TargetOptions silent;
  silent.command = "true";  // exits at once: no hello
  silent.use_fault_library = false;
  validate(silent);
  EXPECT_THROW(hello_limits(silent), SetupError);
}

// A program's mutants are its own: any one-word name is passed on as --mutant NAME for the
// program to judge; the reference's must be in its catalogue.
TEST(Validate, AProgramsMutantIsItsOwn) {
  TargetOptions program;
  program.command = R"(sh -c '[ "$1 $2" = "--mutant my-own-bug" ] || exit 3; read hello; )"
                    R"(echo "{\"id\":0,\"ok\":true,\"target\":\"own\",\"limits\":{\"field_bytes\":9,)"
                    R"(\"title_bytes\":9,\"document_bytes\":9}}"; cat > /dev/null' sh)";
  program.mutant = "my-own-bug";
  program.use_fault_library = false;
  ASSERT_NO_THROW(validate(program));
  EXPECT_EQ(hello_limits(program), (Limits{9, 9, 9}));  // it started: the name reached it

  TargetOptions spaced = program;
  spaced.mutant = "my bug; rm";
  EXPECT_THROW(validate(spaced), SetupError);

  TargetOptions reference;
  reference.builtin = "records";
  reference.mutant = "my-own-bug";
  EXPECT_THROW(validate(reference), SetupError);
}

}  // namespace
}  // namespace savefuzz
