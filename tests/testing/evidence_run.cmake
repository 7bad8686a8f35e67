# ctest driver (cmake -P): runs a tenure::testing_main binary with
# TENURE_EVIDENCE set, twice, and checks the merged file; then checks that a
# malformed evidence file is reported and left unchanged.
foreach(var BINARY WORK_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "evidence_run.cmake: -D${var}=... is required")
  endif()
endforeach()
set(file ${WORK_DIR}/evidence.json)
file(REMOVE ${file} ${file}.lock)
file(MAKE_DIRECTORY ${WORK_DIR})

foreach(run 1 2)
  execute_process(COMMAND ${CMAKE_COMMAND} -E env TENURE_EVIDENCE=${file}
    ${BINARY} RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(result EQUAL 0)
    message(FATAL_ERROR "run ${run}: the leaky test binary passed:\n${out}")
  endif()
endforeach()
file(READ ${file} json)
message(STATUS "evidence file after two runs:\n${json}")
string(JSON version GET "${json}" tenure_evidence)
string(JSON cycle_types GET "${json}" cycles 0 types)
string(JSON cycle_fields GET "${json}" cycles 0 fields)
string(JSON cycle_count GET "${json}" cycles 0 count)
string(JSON cycle_test GET "${json}" cycles 0 tests 0)
if(NOT version EQUAL 2 OR NOT cycle_count EQUAL 2
   OR NOT cycle_fields MATCHES "\"sections\".*\"doc\""
   OR NOT cycle_types MATCHES "Doc.*Section"
   OR NOT cycle_test STREQUAL "Leaky.LeaksADocCycle")
  message(FATAL_ERROR "unexpected cycle evidence: ${json}")
endif()
string(JSON growth_count LENGTH "${json}" growth)
set(found_entry FALSE)
math(EXPR last "${growth_count} - 1")
foreach(i RANGE ${last})
  string(JSON type GET "${json}" growth ${i} type)
  string(JSON count GET "${json}" growth ${i} count)
  string(JSON test GET "${json}" growth ${i} test)
  if(type MATCHES "Entry$" AND count EQUAL 20 AND test STREQUAL "Leaky.GrowsACache")
    set(found_entry TRUE)
  endif()
endforeach()
if(NOT found_entry)
  message(FATAL_ERROR "no growth entry for Entry (10 per run): ${json}")
endif()

# A malformed file: one-line error, a failing run, the file untouched.
file(WRITE ${file} "{\"tenure_evidence\": 1, \"cycles\": [")
execute_process(COMMAND ${CMAKE_COMMAND} -E env TENURE_EVIDENCE=${file}
  ${BINARY} --gtest_filter=Leaky.Clean
  RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
file(READ ${file} after)
if(result EQUAL 0 OR NOT err MATCHES "tenure: error: evidence file .*evidence.json: .*truncated.*; left unchanged"
   OR NOT after STREQUAL "{\"tenure_evidence\": 1, \"cycles\": [")
  message(FATAL_ERROR "malformed evidence file not handled (exit ${result}): ${err}")
endif()
message(STATUS "malformed file reported: ${err}")
