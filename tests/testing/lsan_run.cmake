# ctest driver (cmake -P): runs lsan_leaky_test.cpp's program (built with
# -fsanitize=address) with TENURE_EVIDENCE set, and checks that
# LeakSanitizer's leaks are charged to the tests that made them, typed and
# grouped, in the evidence file; then that TENURE_LEAK_CHECK=1 on a program
# without LeakSanitizer is one clear error and writes no evidence.
foreach(var BINARY PLAIN_BINARY WORK_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "lsan_run.cmake: -D${var}=... is required")
  endif()
endforeach()
set(file ${WORK_DIR}/evidence.json)
file(REMOVE ${file} ${file}.lock)
file(MAKE_DIRECTORY ${WORK_DIR})

execute_process(COMMAND ${CMAKE_COMMAND} -E env TENURE_EVIDENCE=${file}
  TENURE_LEAK_CHECK=1 LSAN_OPTIONS=report_objects=1
  ${BINARY} RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT result EQUAL 1
   OR NOT out MATCHES "LeakSanitizer found [0-9]+ blocks [^\n]*in 1 structures:\n  cycle through [^\n]*Leaf, [^\n]*Tree: [^\n]*lsan_leaky_test.cpp:[0-9]+[^\n]*\n+\\[  FAILED  \\] LsanLeaky.LeaksAParentChildCycle"
   OR NOT out MATCHES "cycle through [^\n]*Timer[^\n]*\n+\\[  FAILED  \\] LsanLeaky.LeaksASelfCapturingCallback"
   OR NOT out MATCHES "\\[       OK \\] LsanLeaky.LeaksNothing"
   OR NOT out MATCHES "1 blocks \\(16 bytes\\)[^\n]*\n  blocks of unknown type: 1 blocks, 16 bytes, allocated at [^\n]*lsan_leaky_test.cpp:[0-9]+")
  message(FATAL_ERROR "the leaky tests did not fail as expected (${result}):\n${out}\n${err}")
endif()
file(READ ${file} json)
string(JSON version GET "${json}" tenure_evidence)
string(JSON leaks LENGTH "${json}" leaks)
if(NOT version EQUAL 2 OR NOT leaks EQUAL 3)
  message(FATAL_ERROR "expected three leaked structures in a version 2 file:\n${json}")
endif()
set(seen "")
math(EXPR last "${leaks} - 1")
foreach(i RANGE ${last})
  string(JSON test GET "${json}" leaks ${i} tests 0)
  string(JSON cycle GET "${json}" leaks ${i} cycle)
  string(JSON sites GET "${json}" leaks ${i} sites)
  if(test STREQUAL "LsanLeaky.LeaksAParentChildCycle"
     AND cycle MATCHES "Leaf\".*Tree\"" AND sites MATCHES "lsan_leaky_test.cpp")
    list(APPEND seen tree)
  elseif(test STREQUAL "LsanLeaky.LeaksASelfCapturingCallback"
     AND cycle MATCHES "lambda.*Timer\"")
    list(APPEND seen timer)
  elseif(test STREQUAL "LsanLeaky.LeaksARawBlock" AND cycle STREQUAL "[]")
    list(APPEND seen raw)
  endif()
endforeach()
if(NOT seen STREQUAL "tree;timer;raw" AND NOT seen MATCHES "^(tree|timer|raw);(tree|timer|raw);(tree|timer|raw)$")
  message(FATAL_ERROR "the leaks are not charged to their tests (${seen}):\n${json}")
endif()
message(STATUS "leaks charged to their tests, typed and grouped: ok")

if(NOT PLAIN_BINARY)
  return()  # an ASan build has no program without LeakSanitizer
endif()
file(REMOVE ${file})
execute_process(COMMAND ${CMAKE_COMMAND} -E env TENURE_EVIDENCE=${file}
  TENURE_LEAK_CHECK=1 ${PLAIN_BINARY} --gtest_filter=Leaky.Clean*
  RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(result EQUAL 0 OR EXISTS ${file}
   OR NOT err MATCHES "tenure: error: TENURE_LEAK_CHECK=1, but this test program has no LeakSanitizer")
  message(FATAL_ERROR "TENURE_LEAK_CHECK=1 without LeakSanitizer (${result}):\n${out}\n${err}")
endif()
message(STATUS "TENURE_LEAK_CHECK=1 without LeakSanitizer: one error, no evidence: ok")
