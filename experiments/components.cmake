# experiments/ as components: one static library per folder, linked in one direction (experiments/README.md
# draws the picture). The link lines are the dependency rule: a component includes only what it links.
# dispatchlab_experiments is the umbrella the CLI, the tests and consumers link.
#
#   base        <- core                       json, metadata, stability, progress, checked output files
#   scenarios   <- dispatch                   the scenario table, one run of each, exact counts
#   measure     <- base scenarios             Google Benchmark runs, the sampler, sweeps, the sibling build
#   shm         <- base scenarios             shared-memory workers (mp) and the allocator experiments (alloc)
#   profiling   <- base measure scenarios     callgrind and perf runs mapped to layers
#   attribution <- base measure               Shapley, factorial and one-at-a-time attribution
#   cpython     <- profiling                  the real interpreters beside the model
#   explore     <- attribution cpython        the explorable page
#   report      <- attribution cpython        the report
#   cli         <- every component            one file per subcommand (main.cc is the executables')
set(DISPATCHLAB_EXPERIMENT_COMPONENTS
    "base:"
    "scenarios:"
    "measure:base scenarios"
    "shm:base scenarios"
    "profiling:base measure scenarios"
    "attribution:base measure"
    "cpython:base measure profiling scenarios"
    "explore:attribution cpython measure scenarios"
    "report:attribution base cpython measure scenarios"
    "cli:attribution base cpython explore measure profiling report scenarios shm")

# What dispatchlab-untagged is built from: the components its commands link and, of cli/, the sources of
# those commands (the rows of experiments/cli/commands.cc not marked DISPATCHLAB_TAGGED_ONLY: run, list,
# profile-child) and of the frame every command shares. A missing one is a link error of the untagged CLI.
set(DISPATCHLAB_UNTAGGED_COMPONENTS base scenarios measure profiling cpython cli)
set(DISPATCHLAB_UNTAGGED_CLI_SOURCES args commands common heap_flags process_io cmd_run cmd_list cmd_profile)

# dispatchlab_add_experiments(SUFFIX [ONLY COMPONENT... CLI_SOURCES NAME...]): the components for one
# setting of the counters, over dispatchlab_dispatch${SUFFIX} (all of them, or ONLY those, with only the
# cli/ sources CLI_SOURCES names); sets DISPATCHLAB_EXPERIMENT_TARGETS${SUFFIX} in the caller's scope.
function(dispatchlab_add_experiments suffix)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "ONLY;CLI_SOURCES")
  foreach(wanted IN LISTS arg_ONLY)
    if(NOT DISPATCHLAB_EXPERIMENT_COMPONENTS MATCHES "(^|;)${wanted}:")
      message(FATAL_ERROR "dispatchlab_add_experiments: no component '${wanted}' in DISPATCHLAB_EXPERIMENT_COMPONENTS")
    endif()
  endforeach()
  foreach(wanted IN LISTS arg_CLI_SOURCES)
    if(NOT EXISTS ${PROJECT_SOURCE_DIR}/experiments/cli/${wanted}.cc)
      message(FATAL_ERROR "dispatchlab_add_experiments: no experiments/cli/${wanted}.cc")
    endif()
  endforeach()
  set(components "")
  foreach(row IN LISTS DISPATCHLAB_EXPERIMENT_COMPONENTS)
    string(REPLACE ":" ";" parts "${row}")
    list(GET parts 0 name)
    list(GET parts 1 deps)
    separate_arguments(deps UNIX_COMMAND "${deps}")
    if(arg_ONLY)
      if(NOT name IN_LIST arg_ONLY)
        continue()
      endif()
      string(REPLACE ";" "|" only "${arg_ONLY}")
      list(FILTER deps INCLUDE REGEX "^(${only})$")
    endif()
    set(target dispatchlab_experiments_${name}${suffix})
    file(GLOB sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/experiments/${name}/*.cc)
    list(FILTER sources EXCLUDE REGEX "/experiments/cli/main\\.cc$")
    if(name STREQUAL "cli" AND arg_CLI_SOURCES)
      string(REPLACE ";" "|" keep "${arg_CLI_SOURCES}")
      list(FILTER sources INCLUDE REGEX "/experiments/cli/(${keep})\\.cc$")
    endif()
    if(name STREQUAL "base")
      list(APPEND sources ${DISPATCHLAB_VERSION_CC})
    endif()
    add_library(${target} STATIC ${sources})
    if(name STREQUAL "base")
      add_dependencies(${target} dispatchlab_version)
    endif()
    target_compile_options(${target} PRIVATE ${DISPATCHLAB_WARNINGS})
    target_include_directories(${target} PRIVATE ${DISPATCHLAB_GENERATED_DIR})
    target_compile_definitions(${target} PRIVATE
      DISPATCHLAB_CXX_FLAGS="${DISPATCHLAB_RECORDED_FLAGS}"
      DISPATCHLAB_BUILD_TYPE="${DISPATCHLAB_BUILD_LABEL}"
      DISPATCHLAB_FRAME_POINTERS_BUILD=${DISPATCHLAB_FRAME_POINTERS_BUILD})
    set(links dispatchlab_dispatch${suffix})
    foreach(dep IN LISTS deps)
      list(APPEND links dispatchlab_experiments_${dep}${suffix})
    endforeach()
    target_link_libraries(${target} PUBLIC ${links} benchmark::benchmark nlohmann_json::nlohmann_json
                          Boost::headers absl::time)
    set_target_properties(${target} PROPERTIES EXPORT_NAME experiments_${name})
    dispatchlab_library_pch(${target} dispatchlab_experiments_base${suffix} ${DISPATCHLAB_EXPERIMENTS_PCH_HEADERS})
    list(APPEND components ${target})
  endforeach()
  add_library(dispatchlab_experiments${suffix} INTERFACE)
  target_link_libraries(dispatchlab_experiments${suffix} INTERFACE ${components})
  set(DISPATCHLAB_EXPERIMENT_TARGETS${suffix} ${components} PARENT_SCOPE)
endfunction()
