# ctest driver (cmake -P) of the tenure_analyze() consumer: installs tenure's
# build tree into a prefix, configures a copy of this folder against it, and
# builds its report target before and after the fix of the planted cycle.
foreach(var TENURE_BUILD_DIR WORK_DIR GENERATOR CXX)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_analyze.cmake: -D${var}=... is required")
  endif()
endforeach()

set(root ${WORK_DIR}/consumer-analyze)
file(REMOVE_RECURSE ${root})

# The output of a command that must end with `expected` (0 or non-zero).
function(step what expected)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result
    OUTPUT_VARIABLE output ERROR_VARIABLE output)
  if((expected STREQUAL "0" AND NOT result EQUAL 0) OR
     (expected STREQUAL "non-zero" AND result EQUAL 0))
    message(FATAL_ERROR "consumer (tenure_analyze): ${what}: expected exit "
      "code ${expected}, got ${result}:\n${output}")
  endif()
  message(STATUS "consumer (tenure_analyze): ${what}: exit code ${result}: ok")
  set(step_output "${output}" PARENT_SCOPE)
endfunction()

step("install tenure" 0 ${CMAKE_COMMAND} --install ${TENURE_BUILD_DIR}
  --prefix ${root}/prefix)
# The Bazel rules go beside it (docs/bazel.md), their tool repository
# finding <prefix>/bin/tenure-analyze from there.
foreach(file defs.bzl repositories.bzl offline/rules_cc/cc/defs.bzl
    offline/remote_coverage_tools/unavailable.sh)
  if(NOT EXISTS ${root}/prefix/share/tenure/bazel/${file})
    message(FATAL_ERROR "consumer (tenure_analyze): the install has no "
      "share/tenure/bazel/${file}")
  endif()
endforeach()
execute_process(COMMAND test -x
  ${root}/prefix/share/tenure/bazel/offline/remote_coverage_tools/unavailable.sh
  RESULT_VARIABLE not_executable)
if(not_executable)
  message(FATAL_ERROR "consumer (tenure_analyze): the installed Bazel rules lost their permissions")
endif()
file(COPY ${CMAKE_CURRENT_LIST_DIR}/ DESTINATION ${root}/src
  PATTERN run_analyze.cmake EXCLUDE)
step("configure" 0 ${CMAKE_COMMAND} -S ${root}/src -B ${root}/build
  -G ${GENERATOR} -DCMAKE_CXX_COMPILER=${CXX}
  -DCMAKE_PREFIX_PATH=${root}/prefix)
step("build the library" 0 ${CMAKE_COMMAND} --build ${root}/build --target chat)

# The report target: the cycle spans member.cpp and room.cpp, so it is the
# merge that finds it, run by the installed tenure-analyze.
step("analyse the planted cycle" non-zero ${CMAKE_COMMAND} --build ${root}/build
  --target tenure_analyze_chat -- -v)
set(cycle "member.cpp:7:9: warning: strong reference cycle chat::Room -members_-> chat::Member -room_-> chat::Room closed here")
if(NOT step_output MATCHES "${cycle}" OR
   NOT step_output MATCHES "room.h:25:21: note: 'chat::Member::room_' holds a strong handle to 'chat::Room'")
  message(FATAL_ERROR "consumer (tenure_analyze): the build failed without "
    "the finding `${cycle}`:\n${step_output}")
endif()
string(REGEX MATCHALL "[^ \n]*tenure-analyze\"? --emit-facts" facts_commands "${step_output}")
list(LENGTH facts_commands units)
if(NOT units EQUAL 2 OR NOT facts_commands MATCHES "^${root}/prefix/bin/tenure-analyze")
  message(FATAL_ERROR "consumer (tenure_analyze): expected two facts steps run "
    "by the installed ${root}/prefix/bin/tenure-analyze, got: ${facts_commands}\n${step_output}")
endif()
message(STATUS "consumer (tenure_analyze): the build fails on the cycle, "
  "found by the installed tenure-analyze: ok")

# The fix: a weak handle back to the room. Both units include room.h, so
# both facts steps run again; the report is clean and the build passes.
file(READ ${root}/src/room.h header)
string(REPLACE "  tenure::Ref<Room> room_;  // FIXED: tenure::Weak<Room> room_;"
  "  tenure::Weak<Room> room_;" fixed "${header}")
if(fixed STREQUAL header)
  message(FATAL_ERROR "consumer (tenure_analyze): room.h has no line to fix")
endif()
file(WRITE ${root}/src/room.h "${fixed}")
step("analyse the fixed source" 0 ${CMAKE_COMMAND} --build ${root}/build
  --target tenure_analyze_chat)
if(step_output MATCHES "warning:" OR NOT step_output MATCHES "facts of member.cpp"
   OR NOT step_output MATCHES "facts of room.cpp")
  message(FATAL_ERROR "consumer (tenure_analyze): the fixed source should "
    "re-run both facts steps and report nothing:\n${step_output}")
endif()
message(STATUS "consumer (tenure_analyze): the fixed source builds clean: ok")
