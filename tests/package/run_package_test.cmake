# The CMake package test (ctest runs it after the build; tests/CMakeLists.txt):
#   1. `cmake --install BUILD_DIR --prefix WORK_DIR/prefix`;
#   2. configures tests/package/consumer against that prefix (find_package(dispatchlab)), builds it and
#      runs it: it makes an array type, stores through both chains and prints the counts, checked here;
#   3. configures the same consumer with add_subdirectory of the source tree (configure and generate
#      only: that the namespaced targets exist and resolve; building the libraries twice would double the
#      suite's time on CI's two cores).
# Inputs: -DBUILD_DIR -DSOURCE_DIR -DWORK_DIR -DGENERATOR -DCXX_COMPILER.
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

run(${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${WORK_DIR}/prefix")
foreach(installed lib/cmake/dispatchlab/dispatchlabConfig.cmake lib/cmake/dispatchlab/dispatchlabTargets.cmake
        include/dispatchlab/core/object.h include/dispatchlab/dispatch/sharedctypes.h
        include/dispatchlab/experiments/measure/runner.h include/dispatchlab/core/layers.def)
  if(NOT EXISTS "${WORK_DIR}/prefix/${installed}")
    message(FATAL_ERROR "cmake --install did not install ${installed}")
  endif()
endforeach()
file(READ "${WORK_DIR}/prefix/include/dispatchlab/dispatch/sharedctypes.h" header)
if(NOT header MATCHES "#include \"dispatchlab/core/object.h\"")
  message(FATAL_ERROR "installed headers still include \"core/...\" without the dispatchlab/ prefix")
endif()

run(${CMAKE_COMMAND} -S "${SOURCE_DIR}/tests/package/consumer" -B "${WORK_DIR}/installed" -G "${GENERATOR}"
    -DCMAKE_CXX_COMPILER=${CXX_COMPILER} -DCMAKE_BUILD_TYPE=Release "-DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix")
run(${CMAKE_COMMAND} --build "${WORK_DIR}/installed")
run("${WORK_DIR}/installed/consumer")
message(STATUS "consumer printed:\n${last_output}")
foreach(line "array type: c_int_Array_100, length 100" "element 7: 21 by init, 21 by slice"
        "init: lookups 101, generic_calls 101, stores 100" "slice: lookups 0, generic_calls 0, stores 100"
        "own core: consumer core")
  string(FIND "${last_output}" "${line}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "the consumer's output lacks '${line}'")
  endif()
endforeach()

run(${CMAKE_COMMAND} -S "${SOURCE_DIR}/tests/package/consumer" -B "${WORK_DIR}/subdirectory" -G "${GENERATOR}"
    -DCMAKE_CXX_COMPILER=${CXX_COMPILER} -DCMAKE_BUILD_TYPE=Release -DCONSUMER_ADD_SUBDIRECTORY=ON
    "-DDISPATCHLAB_SOURCE_DIR=${SOURCE_DIR}")
file(REMOVE_RECURSE "${WORK_DIR}")
