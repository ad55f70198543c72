# One helper per kind of build target, so warnings, sanitizers and test labels live in one place.
include(GoogleTest)

# -Werror=switch: a switch over an enum (Op, Key, StepKind, Draw, Answer...) that misses a value
# does not compile, so a new row or step kind is handled everywhere before it builds.
set(SAVEFUZZ_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wno-unused-parameter -Werror=switch)
if(SAVEFUZZ_FUZZ AND SAVEFUZZ_LIB_FUZZING_ENGINE)
  # The build system of OSS-Fuzz or ClusterFuzzLite chose the flags ($CXXFLAGS): add none.
  set(SAVEFUZZ_SANITIZER_FLAGS "")
  separate_arguments(SAVEFUZZ_FUZZER_LINK UNIX_COMMAND "${SAVEFUZZ_LIB_FUZZING_ENGINE}")
elseif(SAVEFUZZ_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "SAVEFUZZ_FUZZ needs clang (libFuzzer): use the fuzz preset, or -DCMAKE_CXX_COMPILER=clang++")
  endif()
  # Coverage on the code under test only (targets/fuzz/coverage.allowlist): the save path and the
  # parsers the fuzzers aim at, and the decoder whose choices steer the steps. The model, runner
  # and JSON library the oracle runs are not instrumented: their edges would only add features
  # libFuzzer spends its time collecting (a third of each execution when everything was) and
  # blur what an input reached in the target. libFuzzer's main is linked only into the entry
  # points (savefuzz_fuzzer).
  set(SAVEFUZZ_SANITIZER_FLAGS -fsanitize=fuzzer-no-link
      -fsanitize-coverage-allowlist=${PROJECT_SOURCE_DIR}/targets/fuzz/coverage.allowlist
      -fsanitize-coverage-ignorelist=${PROJECT_SOURCE_DIR}/targets/fuzz/coverage.ignorelist -fno-omit-frame-pointer)
  # The compiler reads both lists, but no build tool knows: an edited list rebuilds every object.
  set(SAVEFUZZ_COVERAGE_LISTS ${PROJECT_SOURCE_DIR}/targets/fuzz/coverage.allowlist
      ${PROJECT_SOURCE_DIR}/targets/fuzz/coverage.ignorelist)
  # Two fuzz builds: sanitizers on (memory errors of a C++ save path) or coverage only (semantic
  # campaigns, several times faster).
  if(SAVEFUZZ_FUZZ_SANITIZE)
    list(APPEND SAVEFUZZ_SANITIZER_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=undefined)
  elseif(SAVEFUZZ_FUZZ_TCMALLOC)
    # An execution allocates thousands of small strings and JSON nodes and frees them all: glibc's
    # malloc and free took 12% of the coverage-only fuzzer's time, tcmalloc takes 7%, and the
    # fuzzer runs 1.13x as many inputs a second (bench/results/fuzz.md). Only the allocator
    # changes, not the code libFuzzer sees, so a seed's search is the same, only sooner. ASan
    # brings its own allocator, so only this build links it.
    find_package(PkgConfig REQUIRED)
    pkg_check_modules(TCMALLOC IMPORTED_TARGET libtcmalloc_minimal)
    if(NOT TCMALLOC_FOUND)
      message(FATAL_ERROR "the coverage-only fuzz build links tcmalloc: apt-get install libgoogle-perftools-dev, "
                          "or configure with -DSAVEFUZZ_FUZZ_TCMALLOC=OFF")
    endif()
    set(SAVEFUZZ_FUZZER_ALLOCATOR PkgConfig::TCMALLOC)
  endif()
elseif(SAVEFUZZ_SANITIZE)
  set(SAVEFUZZ_SANITIZER_FLAGS -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
endif()

# Flags every savefuzz target shares. Targets of three or more files precompile the headers
# almost every file includes (the JSON library alone is most of a file's compile time): it
# roughly halves a build from scratch, which is what a pre-merge job pays.
function(savefuzz_defaults target)
  target_compile_options(${target} PRIVATE ${SAVEFUZZ_WARNINGS} ${SAVEFUZZ_SANITIZER_FLAGS})
  target_link_options(${target} PRIVATE ${SAVEFUZZ_SANITIZER_FLAGS})
  get_target_property(sources ${target} SOURCES)
  if(SAVEFUZZ_COVERAGE_LISTS)
    set_source_files_properties(${sources} PROPERTIES OBJECT_DEPENDS "${SAVEFUZZ_COVERAGE_LISTS}")
  endif()
  list(LENGTH sources count)
  if(count GREATER_EQUAL 3)
    target_precompile_headers(${target} PRIVATE <nlohmann/json.hpp> <string> <vector> <map> <optional> <variant>
                              <functional> <filesystem> ${ARGN})
  endif()
endfunction()

# savefuzz_library(NAME SOURCES ... [LIBS ...])
function(savefuzz_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  savefuzz_defaults(${name})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PUBLIC ${ARG_LIBS})
endfunction()

# savefuzz_executable(NAME SOURCES ... [LIBS ...])
function(savefuzz_executable name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  savefuzz_defaults(${name})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS})
endfunction()

# savefuzz_fuzzer(NAME SOURCES ... [LIBS ...]): a libFuzzer entry point (LLVMFuzzerTestOneInput).
function(savefuzz_fuzzer name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  savefuzz_defaults(${name})
  if(SAVEFUZZ_FUZZER_LINK)
    target_link_options(${name} PRIVATE ${SAVEFUZZ_FUZZER_LINK})
  else()
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  endif()
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} ${SAVEFUZZ_FUZZER_ALLOCATOR})
  if(SAVEFUZZ_FUZZER_ALLOCATOR)
    # With tcmalloc, libFuzzer's tables are cleared in huge pages (see the file).
    target_sources(${name} PRIVATE ${PROJECT_SOURCE_DIR}/targets/fuzz/engine_heap.cpp)
  endif()
  if(SAVEFUZZ_FUZZ_SANITIZE)
    # ASan's quarantine at ClusterFuzz's fuzzing size (see the file).
    target_sources(${name} PRIVATE ${PROJECT_SOURCE_DIR}/targets/fuzz/asan_options.cpp)
  endif()
endfunction()

# savefuzz_test(NAME SOURCES ... [LIBS ...] LABELS ... [TIMEOUT s])
# Each GoogleTest case becomes its own ctest test, labelled, so `ctest -L unit` is a quick loop.
function(savefuzz_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  if(NOT ARG_LABELS)
    message(FATAL_ERROR "savefuzz_test(${name}) needs LABELS")
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  add_executable(${name} ${ARG_SOURCES})
  savefuzz_defaults(${name} <gtest/gtest.h>)
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  # Tests that start programs (records-server, savefuzz) find them here.
  target_compile_definitions(${name} PRIVATE SAVEFUZZ_BIN_DIR="${CMAKE_RUNTIME_OUTPUT_DIRECTORY}")
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST PROPERTIES TIMEOUT ${ARG_TIMEOUT}
    ENVIRONMENT "SAVEFUZZ_DATA_ROOT=${SAVEFUZZ_TEST_DATA_ROOT}" FIXTURES_REQUIRED savefuzz_test_data)
  # gtest_discover_tests flattens list-valued properties, so a label list is applied by a CTest
  # include that runs after discovery, over the list of tests it found.
  set(label_file "${CMAKE_CURRENT_BINARY_DIR}/${name}_labels.cmake")
  file(WRITE "${label_file}"
    "foreach(t IN LISTS ${name}_TESTS)\n  set_tests_properties(\"\${t}\" PROPERTIES LABELS \"${ARG_LABELS}\")\nendforeach()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${label_file}")
endfunction()

# A finding keeps its data directory for the report, on a tmpfs by default: a test run leaves a
# few dozen, and run after run they would fill the memory. The tests' go under one directory per
# build (SAVEFUZZ_DATA_ROOT), emptied by a setup test each time tests start, so only the last
# run's are there to look at.
function(savefuzz_test_data_fixture)
  string(MD5 build_id "${CMAKE_BINARY_DIR}")
  string(SUBSTRING "${build_id}" 0 12 build_id)
  if(IS_DIRECTORY /dev/shm)
    set(root /dev/shm/savefuzz-tests-${build_id})
  else()
    set(root ${CMAKE_BINARY_DIR}/test-data)
  endif()
  set(SAVEFUZZ_TEST_DATA_ROOT ${root} CACHE INTERNAL "where the tests' findings keep their data directories")
  add_test(NAME test_data_root_emptied COMMAND sh -c "rm -rf \"$0\" && mkdir -p \"$0\"" ${root})
  set_tests_properties(test_data_root_emptied PROPERTIES FIXTURES_SETUP savefuzz_test_data)
endfunction()

# Puts the data directories of the tests added so far in this directory (add_test) in that root.
function(savefuzz_tests_keep_data_apart)
  get_property(tests DIRECTORY PROPERTY TESTS)
  set_property(TEST ${tests} APPEND PROPERTY ENVIRONMENT "SAVEFUZZ_DATA_ROOT=${SAVEFUZZ_TEST_DATA_ROOT}")
  set_property(TEST ${tests} APPEND PROPERTY FIXTURES_REQUIRED savefuzz_test_data)
endfunction()
