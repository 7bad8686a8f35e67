# TenureTools.cmake: tenure's checks and its verification mode in a CMake
# project's build. tenure's own CMakeLists.txt includes it (so the functions
# exist after add_subdirectory(tenure)) and so does the installed
# tenure-config.cmake (after find_package(tenure CONFIG)).
#
# tenure_lint(<target>
#             [CHECKS <glob>...]
#             [WARNINGS_AS_ERRORS]
#             [CONFIG_FILE <file>]
#             [HEADER_FILTER <regex>]
#             [EXTRA_ARGS <arg>...])
#
#   Runs tenure's checks on the C++ sources of <target> as part of its build:
#   each source is compiled and then checked by clang-tidy-19 with the tenure
#   plugin loaded (the target's CXX_CLANG_TIDY property). Findings print like
#   compiler warnings, `file:line:col: warning: ... [tenure-ref-cycle]`.
#
#   CHECKS              Check globs to run, default `tenure-*`. All other
#                       checks are off (`--checks=-*,<globs>`), so a
#                       project's own .clang-tidy files do not add theirs; a
#                       glob of clang-tidy's own checks (`bugprone-*`) works.
#   WARNINGS_AS_ERRORS  A finding fails the compilation of its source, and so
#                       the build.
#   CONFIG_FILE         A .clang-tidy file for the checks' options, e.g.
#                       `StrongHandles`; relative to the current source
#                       directory. Which checks run is still set by CHECKS.
#   HEADER_FILTER       Regular expression of the headers whose findings are
#                       shown too (clang-tidy's --header-filter); default:
#                       findings in the target's source files only.
#   EXTRA_ARGS          More clang-tidy arguments, as a list, e.g.
#                       `--extra-arg=-Wno-unknown-warning-option` when the
#                       compiler is g++ and has flags Clang does not know.
#
#   The target must not already have CXX_CLANG_TIDY set (for example from
#   CMAKE_CXX_CLANG_TIDY): there is one clang-tidy per compilation, so add
#   other checks through CHECKS instead.
#
#   Cache variables, both found on their own when left empty:
#   TENURE_CHECKS_PLUGIN  The libTenureChecks.so to load. Default: the plugin
#                         this tenure builds (add_subdirectory; it is then
#                         built before any linted source is compiled) or
#                         installed (find_package). Set it to use a plugin
#                         from another build of tenure.
#   TENURE_CLANG_TIDY     The clang-tidy to run, which must be version 19 (a
#                         plugin loaded into another version reports
#                         nothing). Default: clang-tidy-19 on the PATH, or
#                         clang-tidy in the LLVM 19 that tenure was built with.
#
# tenure_analyze(<target>
#                [NAME <name>]
#                [FORMAT text|json|sarif]
#                [OUTPUT <file>]
#                [ARGS <arg>...])
#
#   Makes tenure-analyze's two steps build actions, so the build system runs
#   the per-unit work in parallel, only for what changed (and, with a
#   distributed build, on other machines): for each C++ source of <target>,
#   `tenure-analyze --emit-facts` writes the unit's facts and findings, and
#   is run again when the source or any file it includes changes (a
#   dependency file lists them); the target <name> (default
#   tenure_analyze_<target>) merges them with `--merge-facts` and reports
#   whole-program findings too (a cycle through types of several files).
#   `cmake --build build --target tenure_analyze_app` fails when a finding
#   fails the gate (exit 1), like tenure-analyze itself. The report step runs
#   in the top-level source folder, so baseline paths are relative to it.
#
#   FORMAT, OUTPUT  The report's --format and --output (default: text on the
#                   build's output).
#   ARGS            More options of the report step: --baseline=...,
#                   --fail-on=..., --evidence=..., --only-confirmed.
#
#   The per-unit steps read the compile database, so <target> exports its
#   compile commands (EXPORT_COMPILE_COMMANDS); the checks and their options
#   come from the project's .clang-tidy files. Needs a tenure built with the
#   analyzer (tenure::analyze).
#
# tenure_leak_check(<test target>
#                   [SANITIZE address|leak]
#                   [LIBRARIES <target>...])
#
#   Makes LeakSanitizer the second witness of a GoogleTest executable linked
#   with tenure::testing (what tenure_verify_tests' SANITIZE does, for a test
#   registered some other way): compiles it and the LIBRARIES targets with
#   -fsanitize=address (default) or leak and -fno-omit-frame-pointer, and
#   adds a generated source that gives the program LeakSanitizer's options
#   (report_objects=1, llvm-symbolizer's path when it is found: without one
#   leaked blocks have no types) by defining __asan_default_options and
#   __lsan_default_options, so the test must not define them itself. After
#   each test the listener runs LeakSanitizer's recoverable leak check,
#   fails the test that leaked blocks and records them, typed from their
#   allocation stacks and grouped, in the evidence file's `leaks` section
#   (docs/evidence.md). A program that turns out to have no LeakSanitizer
#   is an error, not a silent skip.
#
# tenure_verify_tests(<test target>
#                     [LIBRARIES <target>...]
#                     [NO_MAIN]
#                     [EVIDENCE <file>]
#                     [SANITIZE address|leak]
#                     [PROPERTIES <name> <value>...]
#                     [DISCOVER_ARGS <arg>...])
#
#   Makes <test target>, a GoogleTest executable, a verification test:
#   compiled in tenure's verification mode (TENURE_VERIFY=1) and linked with
#   tenure::testing, whose listener fails a test that leaks a reference cycle
#   and records what the tests leaked, grew and copied in an evidence file
#   (docs/evidence.md) that `tenure-analyze --evidence=FILE` reads. Its tests
#   are registered with ctest through gtest_discover_tests() with
#   TENURE_EVIDENCE=<file> in their environment.
#
#   Verification mode changes the object header and Ref's copy constructor,
#   so everything the test links that uses tenure must be compiled in it too:
#   the test target and the LIBRARIES targets are switched to it. Their links
#   to tenure::runtime, tenure::testing and tenure::testing_main become links
#   to tenure::runtime_verify, tenure::testing_verify and
#   tenure::testing_main_verify (the same libraries, built in verification
#   mode); the rewrite happens at the end of the calling directory, so the
#   order of the calls does not matter. Any other library in the test's link
#   closure that links the plain tenure::runtime is an error at generate time
#   (the TENURE_VERIFY compatible interface property): give it in LIBRARIES,
#   or make a twin of it for the tests that links tenure::runtime_verify.
#
#   LIBRARIES      Targets of the code under test. They are switched to
#                  verification mode (so a normal program can no longer link
#                  them: use targets only tests link) and linked to the test.
#   NO_MAIN        The test target has its own main(), which calls
#                  tenure::testing::install_cycle_check() after
#                  ::testing::InitGoogleTest. Without NO_MAIN the test gets
#                  tenure::testing_main_verify's main, and a link to
#                  GTest::gtest_main (or GTest::Main) is replaced by it.
#   EVIDENCE       The evidence file; relative to the top of the build tree.
#                  Default: <top of the build tree>/tenure-evidence.json.
#                  Test targets naming the same file share it (the writers
#                  merge under a lock). A ctest fixture removes the file at
#                  the start of each ctest run that runs one of these tests,
#                  because the counts in it add up across runs.
#   SANITIZE       tenure_leak_check(<test> SANITIZE ... LIBRARIES ...):
#                  LeakSanitizer as the second witness, for std::shared_ptr
#                  cycles and other leaks tenure's collector cannot see.
#   PROPERTIES     More ctest properties for the discovered tests. An
#                  ENVIRONMENT of their own keeps TENURE_EVIDENCE; a
#                  FIXTURES_REQUIRED of their own replaces tenure's reset
#                  fixture (gtest_discover_tests passes no lists), so the
#                  evidence then accumulates across runs.
#   DISCOVER_ARGS  More arguments for gtest_discover_tests(), e.g.
#                  `TEST_PREFIX doc. DISCOVERY_TIMEOUT 30`.
#
#   Afterwards the test target's properties TENURE_EVIDENCE and
#   TENURE_EVIDENCE_FIXTURE hold the evidence file and the fixture's name,
#   for tests a project registers with add_test() itself.

include_guard(GLOBAL)

set(TENURE_CHECKS_PLUGIN "" CACHE FILEPATH
  "libTenureChecks.so for tenure_lint(); empty: the one this tenure built or installed")
set(TENURE_CLANG_TIDY "" CACHE FILEPATH
  "clang-tidy 19 for tenure_lint(); empty: clang-tidy-19 from the PATH or tenure's LLVM")

# The plugin is built against Clang 19 (tenure's CMakeLists.txt asks for
# LLVM 19.1) and only a clang-tidy of the same major version runs it.
set_property(GLOBAL PROPERTY TENURE_CLANG_TIDY_MAJOR 19)

# The plugin file tenure_lint() loads, in `out`; a configure error saying
# what to do when there is none. `plugin_target` is set to the target that
# builds it when it is built in this build tree, otherwise to "".
function(_tenure_checks_plugin who out plugin_target)
  set(${plugin_target} "" PARENT_SCOPE)
  if(TENURE_CHECKS_PLUGIN)
    if(NOT EXISTS "${TENURE_CHECKS_PLUGIN}")
      message(FATAL_ERROR "${who}: TENURE_CHECKS_PLUGIN is "
        "${TENURE_CHECKS_PLUGIN}, which does not exist: build tenure with the "
        "analyzer (it makes lib/libTenureChecks.so) and point it there")
    endif()
    set(${out} "${TENURE_CHECKS_PLUGIN}" PARENT_SCOPE)
    return()
  endif()
  if(NOT TARGET tenure::checks_plugin)
    message(FATAL_ERROR "${who}: this tenure has no checks plugin: it was "
      "built without the analyzer (TENURE_BUILD_ANALYZER=OFF, or Clang 19 was "
      "not found). Build and install tenure with the analyzer (`make deps` "
      "installs Clang 19), or set TENURE_CHECKS_PLUGIN to the "
      "libTenureChecks.so of a tenure build that has it")
  endif()
  get_target_property(real tenure::checks_plugin ALIASED_TARGET)
  if(real)
    # Built here (add_subdirectory): its file, known before it exists. A
    # multi-configuration generator puts it in a per-configuration directory
    # that CXX_CLANG_TIDY (no generator expressions before CMake 3.27)
    # cannot name.
    get_property(multi_config GLOBAL PROPERTY GENERATOR_IS_MULTI_CONFIG)
    if(multi_config)
      message(FATAL_ERROR "${who}: with a multi-configuration generator "
        "(${CMAKE_GENERATOR}) the plugin built here has no fixed path: build "
        "it (target TenureChecks) and set TENURE_CHECKS_PLUGIN to it, or use "
        "a single-configuration generator such as Ninja")
    endif()
    get_target_property(dir ${real} LIBRARY_OUTPUT_DIRECTORY)
    if(NOT dir)
      get_target_property(dir ${real} BINARY_DIR)
    endif()
    get_target_property(name ${real} OUTPUT_NAME)
    if(NOT name)
      set(name ${real})
    endif()
    set(${out}
      "${dir}/${CMAKE_SHARED_MODULE_PREFIX}${name}${CMAKE_SHARED_MODULE_SUFFIX}"
      PARENT_SCOPE)
    set(${plugin_target} ${real} PARENT_SCOPE)
    return()
  endif()
  # Installed (find_package): the imported location of any configuration;
  # the plugin does not depend on the consumer's build type.
  get_target_property(configs tenure::checks_plugin IMPORTED_CONFIGURATIONS)
  foreach(config IN LISTS configs)
    get_target_property(location tenure::checks_plugin
      IMPORTED_LOCATION_${config})
    if(location AND EXISTS "${location}")
      set(${out} "${location}" PARENT_SCOPE)
      return()
    endif()
  endforeach()
  message(FATAL_ERROR "${who}: the installed tenure names a checks plugin "
    "that is not there (${location}): reinstall tenure, or set "
    "TENURE_CHECKS_PLUGIN to a libTenureChecks.so")
endfunction()

# The clang-tidy to run, in `out`: TENURE_CLANG_TIDY, found once and
# checked to be the version the plugin needs.
function(_tenure_clang_tidy who out)
  get_property(major GLOBAL PROPERTY TENURE_CLANG_TIDY_MAJOR)
  set(hints "")
  if(TARGET tenure::checks_plugin)
    get_target_property(llvm_tools tenure::checks_plugin TENURE_LLVM_TOOLS_DIR)
    if(llvm_tools)
      list(APPEND hints "${llvm_tools}")
    endif()
  endif()
  list(APPEND hints /usr/lib/llvm-${major}/bin)
  if(NOT TENURE_CLANG_TIDY)
    # clang-tidy-19 anywhere first, then an unsuffixed clang-tidy in LLVM 19's
    # own bin directory (the version check below refuses any other).
    find_program(tenure_clang_tidy_program NAMES clang-tidy-${major})
    if(NOT tenure_clang_tidy_program)
      find_program(tenure_clang_tidy_program NAMES clang-tidy
        HINTS ${hints} NO_DEFAULT_PATH)
    endif()
    if(NOT tenure_clang_tidy_program)
      message(FATAL_ERROR "${who}: clang-tidy ${major} was not found: "
        "install it (Debian: apt-get install clang-tidy-${major}; in tenure's "
        "tree `make deps`), or set TENURE_CLANG_TIDY to its path")
    endif()
    set(TENURE_CLANG_TIDY "${tenure_clang_tidy_program}" CACHE FILEPATH
      "clang-tidy 19 for tenure_lint()" FORCE)
  endif()
  get_property(checked GLOBAL PROPERTY TENURE_CLANG_TIDY_CHECKED)
  if(NOT checked STREQUAL TENURE_CLANG_TIDY)
    execute_process(COMMAND "${TENURE_CLANG_TIDY}" --version
      RESULT_VARIABLE result OUTPUT_VARIABLE version ERROR_VARIABLE version)
    if(NOT result EQUAL 0 OR NOT version MATCHES "LLVM version ([0-9]+)")
      message(FATAL_ERROR "${who}: TENURE_CLANG_TIDY=${TENURE_CLANG_TIDY} "
        "does not run as clang-tidy (`--version` failed): set it to "
        "clang-tidy-${major}")
    endif()
    if(NOT CMAKE_MATCH_1 EQUAL major)
      message(FATAL_ERROR "${who}: ${TENURE_CLANG_TIDY} is clang-tidy "
        "${CMAKE_MATCH_1}, but tenure's checks plugin needs clang-tidy "
        "${major} (another version loads it and silently reports nothing): "
        "install clang-tidy-${major}, or set TENURE_CLANG_TIDY to it")
    endif()
    set_property(GLOBAL PROPERTY TENURE_CLANG_TIDY_CHECKED "${TENURE_CLANG_TIDY}")
  endif()
  set(${out} "${TENURE_CLANG_TIDY}" PARENT_SCOPE)
endfunction()

# The target that compiles <target>'s sources (an alias resolved), or a
# configure error when there is none; `verb` says what the caller does.
function(_tenure_compiling_target who target verb out)
  if(NOT TARGET ${target})
    message(FATAL_ERROR "${who}: there is no target ${target}")
  endif()
  get_target_property(aliased ${target} ALIASED_TARGET)
  if(aliased)
    set(target ${aliased})
  endif()
  get_target_property(imported ${target} IMPORTED)
  get_target_property(type ${target} TYPE)
  if(imported OR type STREQUAL "INTERFACE_LIBRARY")
    message(FATAL_ERROR "${who}: ${target} compiles no sources in this "
      "project (it is imported or an INTERFACE library); ${verb} the targets "
      "that compile them")
  endif()
  set(${out} ${target} PARENT_SCOPE)
endfunction()

function(tenure_analyze target)
  set(who "tenure_analyze(${target})")
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "NAME;FORMAT;OUTPUT" "ARGS")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "${who}: unknown arguments: ${arg_UNPARSED_ARGUMENTS}")
  endif()
  _tenure_compiling_target("${who}" ${target} analyse target)
  if(NOT TARGET tenure::analyze)
    message(FATAL_ERROR "${who}: this tenure has no tenure-analyze: it was "
      "built without the analyzer (TENURE_BUILD_ANALYZER=OFF, or Clang 19 was "
      "not found)")
  endif()
  if(NOT CMAKE_GENERATOR MATCHES "Ninja|Makefiles")
    message(FATAL_ERROR "${who}: needs a compile database, which only the "
      "Ninja and Makefile generators write (this is ${CMAKE_GENERATOR})")
  endif()
  if(DEFINED arg_FORMAT AND NOT arg_FORMAT MATCHES "^(text|json|sarif)$")
    message(FATAL_ERROR "${who}: FORMAT is text, json or sarif, not "
      "`${arg_FORMAT}`")
  endif()
  if(NOT arg_NAME)
    set(arg_NAME "tenure_analyze_${target}")
  endif()
  if(TARGET ${arg_NAME})
    message(FATAL_ERROR "${who}: a target ${arg_NAME} exists already (a "
      "second call for the same target?); pick another NAME")
  endif()
  set_target_properties(${target} PROPERTIES EXPORT_COMPILE_COMMANDS ON)

  get_target_property(sources ${target} SOURCES)
  get_target_property(source_dir ${target} SOURCE_DIR)
  set(facts_dir "${CMAKE_CURRENT_BINARY_DIR}/tenure-facts/${arg_NAME}")
  set(all_facts "")
  foreach(source IN LISTS sources)
    if(source MATCHES "\\$<" OR NOT source MATCHES "\\.(cpp|cc|cxx|c\\+\\+|C)$")
      continue()
    endif()
    get_filename_component(source "${source}" ABSOLUTE BASE_DIR "${source_dir}")
    file(RELATIVE_PATH name "${CMAKE_SOURCE_DIR}" "${source}")
    string(REGEX REPLACE "[^A-Za-z0-9_.-]" "_" name "${name}")
    set(facts "${facts_dir}/${name}.facts.json")
    add_custom_command(OUTPUT "${facts}"
      COMMAND tenure::analyze "--emit-facts=${facts}" "--depfile=${facts}.d"
        -p "${CMAKE_BINARY_DIR}" "${source}"
      DEPENDS "${source}" tenure::analyze
      DEPFILE "${facts}.d"
      COMMENT "tenure: facts of ${name}"
      VERBATIM)
    list(APPEND all_facts "${facts}")
  endforeach()
  if(NOT all_facts)
    message(FATAL_ERROR "${who}: ${target} has no C++ sources to analyse")
  endif()

  set(report "")
  if(arg_FORMAT)
    list(APPEND report "--format=${arg_FORMAT}")
  endif()
  if(arg_OUTPUT)
    get_filename_component(output "${arg_OUTPUT}" ABSOLUTE
      BASE_DIR "${CMAKE_CURRENT_BINARY_DIR}")
    list(APPEND report "--output=${output}")
  endif()
  add_custom_target(${arg_NAME}
    COMMAND tenure::analyze --merge-facts ${all_facts} ${report} ${arg_ARGS}
    DEPENDS ${all_facts}
    WORKING_DIRECTORY "${CMAKE_SOURCE_DIR}"
    COMMENT "tenure: analysing ${target}"
    VERBATIM)
endfunction()

function(tenure_lint target)
  set(who "tenure_lint(${target})")
  cmake_parse_arguments(PARSE_ARGV 1 arg "WARNINGS_AS_ERRORS"
    "CONFIG_FILE;HEADER_FILTER" "CHECKS;EXTRA_ARGS")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "${who}: unknown arguments: ${arg_UNPARSED_ARGUMENTS}")
  endif()
  _tenure_compiling_target("${who}" ${target} lint target)
  get_target_property(tidy_already ${target} CXX_CLANG_TIDY)
  if(tidy_already)
    message(FATAL_ERROR "${who}: the target already runs clang-tidy "
      "(CXX_CLANG_TIDY is `${tidy_already}`, e.g. from CMAKE_CXX_CLANG_TIDY); "
      "a compilation has one clang-tidy: unset it for this target and pass "
      "other checks in tenure_lint's CHECKS")
  endif()

  _tenure_checks_plugin("${who}" plugin plugin_target)
  _tenure_clang_tidy("${who}" tidy)

  if(NOT arg_CHECKS)
    set(arg_CHECKS "tenure-*")
  endif()
  list(JOIN arg_CHECKS "," checks)
  set(command "${tidy}" "--load=${plugin}" "--checks=-*,${checks}")
  if(arg_WARNINGS_AS_ERRORS)
    list(APPEND command "--warnings-as-errors=*")
  endif()
  if(arg_CONFIG_FILE)
    get_filename_component(config "${arg_CONFIG_FILE}" ABSOLUTE
      BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    if(NOT EXISTS "${config}")
      message(FATAL_ERROR "${who}: CONFIG_FILE ${config} does not exist")
    endif()
    list(APPEND command "--config-file=${config}")
  endif()
  if(DEFINED arg_HEADER_FILTER)
    list(APPEND command "--header-filter=${arg_HEADER_FILTER}")
  endif()
  list(APPEND command ${arg_EXTRA_ARGS})
  set_target_properties(${target} PROPERTIES CXX_CLANG_TIDY "${command}")

  if(plugin_target)
    # The plugin must exist before the first linted source compiles. Ninja
    # lets a target's sources compile before the libraries it depends on are
    # linked, but waits for a utility target's dependencies to be complete,
    # so the dependency goes through one.
    if(NOT TARGET tenure_checks_plugin_built)
      add_custom_target(tenure_checks_plugin_built)
      add_dependencies(tenure_checks_plugin_built ${plugin_target})
    endif()
    add_dependencies(${target} tenure_checks_plugin_built)
  endif()
endfunction()

# Points the links of `target` (a list property `property`) to tenure's
# plain libraries at their verification-mode twins; with `main`, a link to
# GoogleTest's main too.
function(_tenure_link_verify_twins target property main)
  get_target_property(links ${target} ${property})
  if(NOT links)
    return()
  endif()
  list(TRANSFORM links REPLACE
    "^([$]<LINK_ONLY:|)(tenure::|tenure_)(testing_main|testing|runtime)(>|)$"
    "\\1tenure::\\3_verify\\4")
  if(main)
    list(TRANSFORM links REPLACE
      "^([$]<LINK_ONLY:|)(GTest::gtest_main|GTest::Main|gtest_main)(>|)$"
      "\\1tenure::testing_main_verify\\3")
  endif()
  set_property(TARGET ${target} PROPERTY ${property} "${links}")
endfunction()

# The first chain of links from the executable `test` to a tenure runtime
# built in normal mode, as "test -> lib -> tenure::runtime", in `out` (empty
# when there is none). Follows the targets defined so far, through
# $<LINK_ONLY:...>; other generator expressions are not followed (CMake's
# generate-time check of the TENURE_VERIFY property still sees them).
function(_tenure_plain_runtime_chain test out)
  set(${out} "" PARENT_SCOPE)
  set(queue "${test}")
  set(seen "${test}")
  set(links_property LINK_LIBRARIES)
  while(queue)
    list(POP_FRONT queue current)
    get_target_property(verify ${current} INTERFACE_TENURE_VERIFY)
    if(NOT verify MATCHES "NOTFOUND$" AND NOT verify)
      set(chain "${current}")
      while(DEFINED "parent_of_${current}")
        set(current "${parent_of_${current}}")
        set(chain "${current} -> ${chain}")
      endwhile()
      set(${out} "${chain}" PARENT_SCOPE)
      return()
    endif()
    get_target_property(links ${current} ${links_property})
    set(links_property INTERFACE_LINK_LIBRARIES)  # past the executable
    if(NOT links)
      continue()
    endif()
    list(TRANSFORM links REPLACE "^[$]<LINK_ONLY:(.*)>$" "\\1")
    foreach(link IN LISTS links)
      if(TARGET "${link}" AND NOT link IN_LIST seen)
        list(APPEND seen "${link}")
        list(APPEND queue "${link}")
        set("parent_of_${link}" "${current}")
      endif()
    endforeach()
  endwhile()
endfunction()

# Run at the end of the directory that called tenure_verify_tests(), when
# the targets' links are complete.
function(_tenure_switch_to_verify test no_main)
  set(main ON)
  if(no_main)
    set(main OFF)
  endif()
  _tenure_link_verify_twins(${test} LINK_LIBRARIES ${main})
  foreach(library IN LISTS ARGN)
    _tenure_link_verify_twins(${library} LINK_LIBRARIES OFF)
    _tenure_link_verify_twins(${library} INTERFACE_LINK_LIBRARIES OFF)
  endforeach()
  _tenure_plain_runtime_chain(${test} chain)
  if(chain)
    string(REGEX REPLACE " -> [^ ]*$" "" holder "${chain}")
    string(REGEX REPLACE "^.* -> " "" holder "${holder}")
    message(FATAL_ERROR "tenure_verify_tests(${test}): the test links "
      "tenure's runtime in normal mode (${chain}), but a verification test "
      "must be compiled in verification mode throughout: pass ${holder} in "
      "LIBRARIES (it is then compiled in verification mode), or link a twin "
      "of it for the tests that links tenure::runtime_verify")
  endif()
endfunction()

# SANITIZE's value: a sanitizer that brings LeakSanitizer.
function(_tenure_check_leak_sanitizer who sanitizer)
  if(NOT sanitizer MATCHES "^(address|leak)$")
    message(FATAL_ERROR "${who}: SANITIZE must be address or leak (the "
      "sanitizers that bring LeakSanitizer), not `${sanitizer}`")
  endif()
endfunction()

# Builds the GoogleTest executable `target` (and the LIBRARIES targets) for
# LeakSanitizer, the second witness of tenure::testing's listener; the
# SANITIZE option of tenure_verify_tests calls it, and so can a project for
# a test it registers itself (see the comment at the top).
function(tenure_leak_check target)
  set(who "tenure_leak_check(${target})")
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "SANITIZE" "LIBRARIES")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "${who}: unknown arguments: ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT TARGET ${target})
    message(FATAL_ERROR "${who}: there is no target ${target}")
  endif()
  if(NOT DEFINED arg_SANITIZE)
    set(arg_SANITIZE address)
  endif()
  _tenure_check_leak_sanitizer("${who}" "${arg_SANITIZE}")
  foreach(library IN ITEMS ${target} ${arg_LIBRARIES})
    target_compile_options(${library} PRIVATE -fsanitize=${arg_SANITIZE}
      -fno-omit-frame-pointer)
  endforeach()
  target_link_options(${target} PRIVATE -fsanitize=${arg_SANITIZE})
  # What links an instrumented library needs the sanitizer's runtime too.
  foreach(library IN LISTS arg_LIBRARIES)
    target_link_options(${library} INTERFACE -fsanitize=${arg_SANITIZE})
  endforeach()
  # The sanitizer's options live in the program (ASAN_OPTIONS and
  # LSAN_OPTIONS still add to them), so it behaves the same under ctest and
  # run by hand.
  find_program(TENURE_LLVM_SYMBOLIZER NAMES llvm-symbolizer-19 llvm-symbolizer
    HINTS /usr/lib/llvm-19/bin)
  set(symbolizer "")
  if(TENURE_LLVM_SYMBOLIZER)
    set(symbolizer ":external_symbolizer_path=${TENURE_LLVM_SYMBOLIZER}")
  endif()
  set(options_source
    "${CMAKE_CURRENT_BINARY_DIR}/tenure_leak_check/${target}_sanitizer_options.cpp")
  set(text "// Generated by tenure_leak_check(${target} SANITIZE ${arg_SANITIZE}).\n")
  if(arg_SANITIZE STREQUAL "address")
    string(APPEND text
      "extern \"C\" const char* __asan_default_options() { return \"detect_leaks=1${symbolizer}\"; }\n"
      "extern \"C\" const char* __lsan_default_options() { return \"report_objects=1\"; }\n")
  else()
    string(APPEND text
      "extern \"C\" const char* __lsan_default_options() { return \"report_objects=1${symbolizer}\"; }\n")
  endif()
  # The listener then refuses to run without LeakSanitizer.
  string(APPEND text "extern \"C\" const int tenure_leak_check_required = 1;\n")
  file(CONFIGURE OUTPUT "${options_source}" CONTENT "${text}" @ONLY)
  target_sources(${target} PRIVATE "${options_source}")
endfunction()

function(tenure_verify_tests test)
  set(who "tenure_verify_tests(${test})")
  cmake_parse_arguments(PARSE_ARGV 1 arg "NO_MAIN" "EVIDENCE;SANITIZE"
    "LIBRARIES;PROPERTIES;DISCOVER_ARGS")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "${who}: unknown arguments: ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT TARGET ${test})
    message(FATAL_ERROR "${who}: there is no target ${test}")
  endif()
  get_target_property(type ${test} TYPE)
  get_target_property(imported ${test} IMPORTED)
  get_target_property(aliased ${test} ALIASED_TARGET)
  if(NOT type STREQUAL "EXECUTABLE" OR imported OR aliased)
    message(FATAL_ERROR "${who}: ${test} is not a GoogleTest executable "
      "this project builds (type ${type})")
  endif()
  get_target_property(evidence_already ${test} TENURE_EVIDENCE)
  if(evidence_already)
    message(FATAL_ERROR "${who}: called twice for the same target (its "
      "tests are already registered, with evidence in ${evidence_already})")
  endif()
  foreach(library IN LISTS arg_LIBRARIES)
    if(NOT TARGET ${library})
      message(FATAL_ERROR "${who}: LIBRARIES names ${library}, which is not "
        "a target")
    endif()
    get_target_property(aliased ${library} ALIASED_TARGET)
    get_target_property(imported ${library} IMPORTED)
    if(aliased OR imported)
      message(FATAL_ERROR "${who}: LIBRARIES names ${library}, an alias or "
        "imported target; name a library this project builds")
    endif()
  endforeach()
  if(DEFINED arg_SANITIZE)
    _tenure_check_leak_sanitizer("${who}" "${arg_SANITIZE}")
    tenure_leak_check(${test} SANITIZE ${arg_SANITIZE} LIBRARIES ${arg_LIBRARIES})
  endif()
  if(NOT TARGET tenure::testing_verify)
    message(FATAL_ERROR "${who}: this tenure has no tenure::testing_verify "
      "(it is older than tenure_verify_tests); update tenure")
  endif()

  # Compile in verification mode; the TENURE_VERIFY compatible interface
  # property of tenure's runtime libraries then makes any plain-mode
  # runtime in the link closure a generate-time error, not an ODR mix.
  set_property(TARGET ${test} ${arg_LIBRARIES} PROPERTY TENURE_VERIFY ON)
  if(arg_NO_MAIN)
    set(testing tenure::testing_verify)
  else()
    set(testing tenure::testing_main_verify)
  endif()
  # Appended to the property rather than through target_link_libraries, so
  # it works whether the project uses the keyword signature or not.
  set_property(TARGET ${test} APPEND PROPERTY LINK_LIBRARIES
    ${testing} ${arg_LIBRARIES})
  # Brackets keep the values as they are now (a deferred call evaluates
  # variable references when it runs).
  set(no_main OFF)
  if(arg_NO_MAIN)
    set(no_main ON)
  endif()
  set(deferred_args "[[${test}]] ${no_main}")
  foreach(library IN LISTS arg_LIBRARIES)
    string(APPEND deferred_args " [[${library}]]")
  endforeach()
  cmake_language(EVAL CODE
    "cmake_language(DEFER CALL _tenure_switch_to_verify ${deferred_args})")

  # One evidence file per path, reset by one fixture at the start of a run.
  if(NOT arg_EVIDENCE)
    set(arg_EVIDENCE tenure-evidence.json)
  endif()
  get_filename_component(evidence "${arg_EVIDENCE}" ABSOLUTE
    BASE_DIR "${CMAKE_BINARY_DIR}")
  get_property(evidence_files GLOBAL PROPERTY TENURE_EVIDENCE_FILES)
  list(FIND evidence_files "${evidence}" index)
  if(index EQUAL -1)
    list(LENGTH evidence_files index)
    set_property(GLOBAL APPEND PROPERTY TENURE_EVIDENCE_FILES "${evidence}")
    set(reset tenure.reset_evidence)
    if(index GREATER 0)
      string(APPEND reset ".${index}")
    endif()
    add_test(NAME ${reset} COMMAND ${CMAKE_COMMAND} -E rm -f
      "${evidence}" "${evidence}.lock")
    set_tests_properties(${reset} PROPERTIES
      FIXTURES_SETUP tenure_evidence_${index})
  endif()
  set(fixture tenure_evidence_${index})
  set_target_properties(${test} PROPERTIES
    TENURE_EVIDENCE "${evidence}"
    TENURE_EVIDENCE_FIXTURE ${fixture})

  # Included here, not once at the top: the module sets the path of its
  # discovery script in the including scope, which after add_subdirectory
  # is not the caller's.
  include(GoogleTest)
  # ENVIRONMENT_MODIFICATION applies after ENVIRONMENT, so a test's own
  # ENVIRONMENT in PROPERTIES cannot drop the evidence path.
  gtest_discover_tests(${test} ${arg_DISCOVER_ARGS}
    PROPERTIES
      ENVIRONMENT_MODIFICATION "TENURE_EVIDENCE=set:${evidence}"
      FIXTURES_REQUIRED ${fixture}
      ${arg_PROPERTIES})
endfunction()
