# ctest driver for the consumer project (cmake -P). MODE=install installs
# tenure's build tree into a prefix and uses find_package; MODE=subdirectory
# builds tenure inside the consumer with add_subdirectory.
foreach(var MODE TENURE_SOURCE_DIR TENURE_BUILD_DIR WORK_DIR GENERATOR CXX)
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
set(configure ${CMAKE_COMMAND} -S ${CMAKE_CURRENT_LIST_DIR} -B ${root}/build
  -G ${GENERATOR} -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_BUILD_TYPE=${BUILD_TYPE})

if(MODE STREQUAL "install")
  step("install" ${CMAKE_COMMAND} --install ${TENURE_BUILD_DIR}
    --prefix ${root}/prefix)
  step("configure" ${configure} -DCMAKE_PREFIX_PATH=${root}/prefix)
elseif(MODE STREQUAL "subdirectory")
  step("configure" ${configure} -DTENURE_SOURCE=${TENURE_SOURCE_DIR})
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
