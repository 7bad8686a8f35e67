# ctest driver (cmake -P): runs the registry and cache tests of
# holders_test.cpp with TENURE_EVIDENCE set and checks that each growth
# record names its holder: the registry's entries through Registry::entries_,
# the cache's through Cache::entries_.
foreach(var BINARY WORK_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "holders_run.cmake: -D${var}=... is required")
  endif()
endforeach()
set(file ${WORK_DIR}/evidence.json)
file(REMOVE ${file} ${file}.lock)
file(MAKE_DIRECTORY ${WORK_DIR})
execute_process(COMMAND ${CMAKE_COMMAND} -E env TENURE_EVIDENCE=${file}
  ${BINARY} --gtest_filter=Holders.RegistryKeeps*:Holders.CacheKeeps*
  RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "the registry and cache tests failed:\n${out}\n${err}")
endif()
file(READ ${file} json)
string(JSON growth_count LENGTH "${json}" growth)
set(seen "")
math(EXPR last "${growth_count} - 1")
foreach(i RANGE ${last})
  string(JSON type GET "${json}" growth ${i} type)
  string(JSON count GET "${json}" growth ${i} count)
  string(JSON test GET "${json}" growth ${i} test)
  if(NOT type STREQUAL "plugins::Entry")
    continue()
  endif()
  string(JSON holders GET "${json}" growth ${i} holders)
  string(JSON holder_count LENGTH "${holders}")
  string(JSON types GET "${holders}" 0 types)
  string(JSON fields GET "${holders}" 0 fields)
  string(JSON held GET "${holders}" 0 count)
  string(REGEX REPLACE "[ \n]" "" types "${types}")
  string(REGEX REPLACE "[ \n]" "" fields "${fields}")
  if(test STREQUAL "Holders.RegistryKeepsWhatItRegisters" AND count EQUAL 3
     AND holder_count EQUAL 1 AND held EQUAL 3
     AND types STREQUAL "[\"plugins::Registry\",\"plugins::Entry\"]"
     AND fields STREQUAL "[\"\",\"entries_\"]")
    list(APPEND seen registry)
  elseif(test STREQUAL "Holders.CacheKeepsWhatItLooksUp" AND count EQUAL 5
     AND holder_count EQUAL 1 AND held EQUAL 5
     AND types STREQUAL "[\"plugins::Cache\",\"plugins::Entry\"]"
     AND fields STREQUAL "[\"\",\"entries_\"]")
    list(APPEND seen cache)
  endif()
endforeach()
if(NOT seen STREQUAL "registry;cache" AND NOT seen STREQUAL "cache;registry")
  message(FATAL_ERROR "growth without the expected holders (${seen}):\n${json}")
endif()
message(STATUS "evidence with holders:\n${json}")
