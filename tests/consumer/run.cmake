# ctest driver for the consumer project (cmake -P). MODE=install installs
# tenure's build tree into a prefix and uses find_package; MODE=subdirectory
# builds tenure inside the consumer with add_subdirectory. PLUGIN is the
# outer build's libTenureChecks.so and ANALYZE its tenure-analyze, empty
# when it has no analyzer (the tenure_lint part and the analysis of the
# LeakSanitizer evidence are then skipped); VERIFY is the outer build's
# TENURE_VERIFY.
foreach(var MODE TENURE_SOURCE_DIR TENURE_BUILD_DIR WORK_DIR GENERATOR CXX
    PLUGIN VERIFY ANALYZE)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run.cmake: -D${var}=... is required")
  endif()
endforeach()

function(step what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result
    OUTPUT_VARIABLE output ERROR_VARIABLE output)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "consumer (${MODE}): ${what} failed (${result}):\n${output}")
  endif()
  message(STATUS "consumer (${MODE}): ${what}: ok")
  set(step_output "${output}" PARENT_SCOPE)
endfunction()

set(root ${WORK_DIR}/consumer-${MODE})
file(REMOVE_RECURSE ${root})
set(lint OFF)
if(PLUGIN)
  set(lint ON)
endif()
set(configure ${CMAKE_COMMAND} -S ${CMAKE_CURRENT_LIST_DIR}
  -G ${GENERATOR} -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_BUILD_TYPE=${BUILD_TYPE}
  -DCONSUMER_LINT=${lint})

if(MODE STREQUAL "install")
  step("install" ${CMAKE_COMMAND} --install ${TENURE_BUILD_DIR}
    --prefix ${root}/prefix)
  # The installed config knows the installed plugin: no TENURE_CHECKS_PLUGIN.
  list(APPEND configure -DCMAKE_PREFIX_PATH=${root}/prefix)
  step("configure" ${configure} -B ${root}/build)
elseif(MODE STREQUAL "subdirectory")
  # tenure is built without its analyzer here (fast); tenure_lint uses the
  # outer build's plugin.
  list(APPEND configure -DTENURE_SOURCE=${TENURE_SOURCE_DIR}
    -DTENURE_CHECKS_PLUGIN=${PLUGIN})
  step("configure" ${configure} -B ${root}/build)
else()
  message(FATAL_ERROR "run.cmake: MODE must be install or subdirectory")
endif()
step("build" ${CMAKE_COMMAND} --build ${root}/build --target consumer consumer_tests)
step("run" ${root}/build/consumer)
message(STATUS "${step_output}")
step("run tests" ${root}/build/consumer_tests)

# Mixing verification modes must fail at link time, naming the missing mode.
execute_process(COMMAND ${CMAKE_COMMAND} --build ${root}/build --target mode_mix
  RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
if(result EQUAL 0 OR NOT output MATCHES "runtime_built_with(out)?_TENURE_VERIFY")
  message(FATAL_ERROR "consumer (${MODE}): a program mixing TENURE_VERIFY "
    "modes linked, or failed for another reason (${result}):\n${output}")
endif()
message(STATUS "consumer (${MODE}): mixing verification modes fails to link: ok")

# A configuration of the consumer that must stop with an error matching
# `pattern` (extra -D arguments in ARGN).
function(expect_configure_error what pattern)
  file(REMOVE_RECURSE ${root}/failing)
  execute_process(COMMAND ${configure} -B ${root}/failing ${ARGN}
    RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
  # CMake wraps long messages; match against one line.
  string(REGEX REPLACE "[ \n]+" " " output "${output}")
  if(result EQUAL 0 OR NOT output MATCHES "${pattern}")
    message(FATAL_ERROR "consumer (${MODE}): ${what}: expected a configure "
      "error matching `${pattern}` (${result}):\n${output}")
  endif()
  message(STATUS "consumer (${MODE}): ${what}: configure error: ok")
endfunction()

# tenure_lint: the planted cycle is a warning in the build output...
if(lint)
  step("build with tenure_lint" ${CMAKE_COMMAND} --build ${root}/build
    --target outline_lint)
  if(NOT step_output MATCHES
      "outline.cpp:6:[0-9]+: warning: strong reference cycle notes::Heading -outline-> notes::Outline -headings_-> notes::Heading[^\n]*\\[tenure-ref-cycle\\]")
    message(FATAL_ERROR "consumer (${MODE}): no tenure-ref-cycle warning in "
      "the build of outline_lint:\n${step_output}")
  endif()
  message(STATUS "consumer (${MODE}): tenure_lint reports the cycle: ok")
  # ...and with WARNINGS_AS_ERRORS it fails the build.
  execute_process(COMMAND ${CMAKE_COMMAND} --build ${root}/build
    --target outline_lint_strict
    RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
  if(result EQUAL 0 OR NOT output MATCHES
      "outline.cpp:6:[0-9]+: error: strong reference cycle [^\n]*\\[tenure-ref-cycle,-warnings-as-errors\\]")
    message(FATAL_ERROR "consumer (${MODE}): tenure_lint WARNINGS_AS_ERRORS "
      "did not fail the build on the cycle (${result}):\n${output}")
  endif()
  message(STATUS "consumer (${MODE}): tenure_lint WARNINGS_AS_ERRORS fails the build: ok")
  # What cannot work says so when the project is configured.
  if(MODE STREQUAL "install")
    set(fake_tidy ${root}/fake-clang-tidy)
    file(WRITE ${fake_tidy} "#!/bin/sh\necho 'Debian LLVM version 14.0.6'\n")
    file(CHMOD ${fake_tidy} PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE)
    expect_configure_error("tenure_lint with clang-tidy 14"
      "tenure_lint\\(outline_lint\\): [^ ]*fake-clang-tidy is clang-tidy 14, but tenure's checks plugin needs clang-tidy 19 "
      -DTENURE_CLANG_TIDY=${fake_tidy})
    expect_configure_error("tenure_lint with a missing plugin"
      "tenure_lint\\(outline_lint\\): TENURE_CHECKS_PLUGIN is [^ ]*/no-such-plugin.so, which does not exist"
      -DTENURE_CHECKS_PLUGIN=${root}/no-such-plugin.so)
  endif()
else()
  message(STATUS "consumer (${MODE}): tenure_lint skipped: this build has no analyzer")
endif()
if(MODE STREQUAL "subdirectory")
  # tenure added without its analyzer, and no plugin named.
  expect_configure_error("tenure_lint without a plugin"
    "tenure_lint\\(outline_lint\\): this tenure has no checks plugin: it was built without the analyzer"
    -DCONSUMER_LINT=ON -DTENURE_CHECKS_PLUGIN=)
endif()

# tenure_verify_tests: the tests run under ctest in verification mode; the
# leaky one fails, and the evidence file names the cycle. Two runs: the
# fixture resets the file, so the count stays that of one run.
step("build verification tests" ${CMAKE_COMMAND} --build ${root}/build
  --target outline_tests)
set(evidence ${root}/build/tenure-evidence.json)
foreach(run 1 2)
  execute_process(COMMAND ${CMAKE_CTEST_COMMAND} --test-dir ${root}/build
    --output-on-failure -R "^(Outline\\.|tenure\\.reset_evidence$)"
    RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
  if(result EQUAL 0
     OR NOT output MATCHES "tenure.reset_evidence [.]+ +Passed"
     OR NOT output MATCHES "Outline.HeadingAloneIsFreed [.]+ +Passed"
     OR NOT output MATCHES "Outline.BuildsOneHeadingPerTitle [.]+[*]+Failed"
     OR NOT output MATCHES "3 objects in reference cycles"
     OR NOT output MATCHES "1 tests failed out of 3")
    message(FATAL_ERROR "consumer (${MODE}): ctest run ${run} of the "
      "verification tests: expected the reset, one passing and one failing "
      "(leaked cycle) test (${result}):\n${output}")
  endif()
endforeach()
message(STATUS "consumer (${MODE}): the leaked cycle fails its test under ctest: ok")
if(NOT EXISTS ${evidence})
  message(FATAL_ERROR "consumer (${MODE}): ctest left no evidence file at ${evidence}")
endif()
file(READ ${evidence} json)
string(JSON cycles LENGTH "${json}" cycles)
string(JSON types GET "${json}" cycles 0 types)
string(JSON fields GET "${json}" cycles 0 fields)
string(JSON count GET "${json}" cycles 0 count)
string(JSON test GET "${json}" cycles 0 tests 0)
string(JSON sites LENGTH "${json}" cycles 0 sites)
# Allocation sites are recorded in verification mode only.
if(NOT cycles EQUAL 1 OR NOT count EQUAL 1
   OR NOT types MATCHES "\"notes::Heading\".*\"notes::Outline\""
   OR NOT fields MATCHES "\"outline\".*\"headings\""
   OR NOT test STREQUAL "Outline.BuildsOneHeadingPerTitle"
   OR sites EQUAL 0)
  message(FATAL_ERROR "consumer (${MODE}): unexpected evidence in ${evidence}:\n${json}")
endif()
message(STATUS "consumer (${MODE}): evidence file names the cycle: ok")

# tenure_verify_tests SANITIZE: std::shared_ptr tests under LeakSanitizer.
# The two leaky tests fail, their leaked cycles land in the evidence file,
# and tenure-analyze --evidence confirms both static findings with it.
step("build the LeakSanitizer tests" ${CMAKE_COMMAND} --build ${root}/build
  --target playlist_tests)
set(playlist_evidence ${root}/build/playlist-evidence.json)
execute_process(COMMAND ${CMAKE_CTEST_COMMAND} --test-dir ${root}/build
  --output-on-failure -R "^(Playlist\\.|tenure\\.reset_evidence\\.1$)"
  RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
if(result EQUAL 0
   OR NOT output MATCHES "tenure.reset_evidence.1 [.]+ +Passed"
   OR NOT output MATCHES "Playlist.EmptyPlaylistIsFreed [.]+ +Passed"
   OR NOT output MATCHES "Playlist.KeepsItsTracks [.]+[*]+Failed"
   OR NOT output MATCHES "Playlist.PlayerCountsPlays [.]+[*]+Failed"
   OR NOT output MATCHES "cycle through media::Playlist, media::Track"
   OR NOT output MATCHES "2 tests failed out of 4")
  message(FATAL_ERROR "consumer (${MODE}): ctest of the LeakSanitizer tests: "
    "expected the reset, one passing and two failing (leaked) tests "
    "(${result}):\n${output}")
endif()
file(READ ${playlist_evidence} json)
string(JSON leaks LENGTH "${json}" leaks)
if(NOT leaks EQUAL 2 OR NOT json MATCHES "\"cycle\": \\[\"media::Playlist\", \"media::Track\""
   OR NOT json MATCHES "\"tests\": \\[\"Playlist.PlayerCountsPlays\"\\]")
  message(FATAL_ERROR "consumer (${MODE}): unexpected LeakSanitizer evidence "
    "in ${playlist_evidence}:\n${json}")
endif()
message(STATUS "consumer (${MODE}): LeakSanitizer's leaks are in the evidence file: ok")
if(ANALYZE)
  execute_process(COMMAND ${ANALYZE} --evidence=${playlist_evidence}
    ${CMAKE_CURRENT_LIST_DIR}/playlist.cpp -- -std=c++20
    RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE errors)
  set(seen "\\[confirmed at runtime: 1 cycle in 1 test, seen by LeakSanitizer\\] \\[tenure-ref-cycle\\]")
  if(NOT result EQUAL 1
     OR NOT output MATCHES "media::Track -playlist_-> media::Playlist -tracks_-> media::Track[^\n]*${seen}"
     OR NOT output MATCHES "media::Player -on_play_-> media::Player[^\n]*${seen}")
    message(FATAL_ERROR "consumer (${MODE}): tenure-analyze --evidence did "
      "not confirm both std::shared_ptr findings (${result}):\n${output}${errors}")
  endif()
  message(STATUS "consumer (${MODE}): both std::shared_ptr findings confirmed at runtime: ok")
endif()

# A verification test linking a plain-mode library: a clear generate-time
# error, not a silent mix (only a build of tenure without TENURE_VERIFY has
# two modes to mix).
if(MODE STREQUAL "install" AND NOT VERIFY)
  expect_configure_error("a verification test linking a plain-mode library"
    "tenure_verify_tests\\(outline_tests_mixed\\): the test links tenure's runtime in normal mode \\(outline_tests_mixed -> outline -> tenure::runtime\\)[^:]*: pass outline in LIBRARIES"
    -DCONSUMER_MIX_MODES=ON)
endif()
