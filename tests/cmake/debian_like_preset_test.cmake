# The debian-like preset's promises (CMakeLists.txt, scripts/build_like_debian.sh; docs/faithfulness.md,
# round 11), checked on its compile commands without building anything:
#   1. the files that mirror extension modules (_ctypes, numpy) compile without LTO (-fno-lto after
#      CMake's -flto: the last one counts), and the others with it;
#   2. -DDISPATCHLAB_PGO=use puts -fprofile-use on every compile command and the label "Release, LTO, PGO"
#      in the metadata, and takes it back (-fno-profile-use after it) on numpy's mirror, core/ndarray.cc,
#      as Debian builds numpy without PGO (round 13); -DDISPATCHLAB_PGO=generate puts -fprofile-generate on every compile command;
#   3. a DISPATCHLAB_PGO that is neither generate, use nor empty stops the configure with one message;
#   4. the extension-module mirrors are a shared object per variant (DISPATCHLAB_EXTENSION_MODULES=shared):
#      compiled -fPIC -fno-semantic-interposition, linked into each executable, which exports its symbols
#      (-rdynamic) and holds the whole of its core and dispatch libraries (--whole-archive); the shared
#      object is linked with Debian's LDSHARED flags (-Wl,-O1 -Wl,-Bsymbolic-functions); the label says
#      so; the setting refuses a value other than static or shared, a build with the test suite or the
#      fuzzer, and `cmake --install`. With static (round 11's build) the mirrors stay out of the LTO too.
# PGO is g++'s (CMakeLists.txt), so the configures name g++.
# Inputs: -DSOURCE_DIR -DWORK_DIR.
cmake_policy(VERSION 3.22)
file(REMOVE_RECURSE "${WORK_DIR}")

function(configure dir)
  execute_process(COMMAND ${CMAKE_COMMAND} -S "${SOURCE_DIR}" --preset debian-like -B "${dir}"
                          -DCMAKE_CXX_COMPILER=g++ ${ARGN}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  set(configure_rc "${rc}" PARENT_SCOPE)
  string(REGEX REPLACE "[ \n]+" " " err "${err}")  # CMake wraps a message's lines: match it as one line
  set(configure_err "${err}" PARENT_SCOPE)
endfunction()

# Configures the preset with the settings ARGN into WORK_DIR/`name`, which must succeed, and sets
# `commands` (compile_commands.json) and `last` (its last index) in the caller.
function(configure_ok name)
  configure("${WORK_DIR}/${name}" ${ARGN})
  if(NOT configure_rc EQUAL 0)
    message(FATAL_ERROR "cmake --preset debian-like ${ARGN} failed (${configure_rc}):\n${configure_err}")
  endif()
  file(READ "${WORK_DIR}/${name}/compile_commands.json" json)
  string(JSON count LENGTH "${json}")
  if(count LESS 10)
    message(FATAL_ERROR "compile_commands.json has ${count} entries")
  endif()
  math(EXPR last_index "${count} - 1")
  set(commands "${json}" PARENT_SCOPE)
  set(last "${last_index}" PARENT_SCOPE)
endfunction()

configure_ok(pgo-use -DDISPATCHLAB_PGO=use)
set(extension_files core/ndarray.cc dispatch/ctypes_array.cc dispatch/ctypes_types.cc)
set(seen_extension 0)
set(seen_interpreter 0)
foreach(i RANGE ${last})
  string(JSON file GET "${commands}" ${i} file)
  string(JSON command GET "${commands}" ${i} command)
  file(RELATIVE_PATH relative "${SOURCE_DIR}" "${file}")
  if(NOT command MATCHES " -fprofile-use ")
    message(FATAL_ERROR "${relative} compiles without -fprofile-use under DISPATCHLAB_PGO=use:\n${command}")
  endif()
  set(numpy_profile_dropped 0)
  if(command MATCHES " -fprofile-use .* -fno-profile-use ")
    set(numpy_profile_dropped 1)
  endif()
  if(relative STREQUAL "core/ndarray.cc" AND NOT numpy_profile_dropped)
    message(FATAL_ERROR "numpy's mirror reads a profile (no -fno-profile-use after -fprofile-use):\n${command}")
  elseif(NOT relative STREQUAL "core/ndarray.cc" AND numpy_profile_dropped)
    message(FATAL_ERROR "${relative} is not numpy's but drops its profile:\n${command}")
  endif()
  if(relative IN_LIST extension_files)
    math(EXPR seen_extension "${seen_extension} + 1")
    if(NOT command MATCHES " -flto[^ ]* .* -fno-lto ")
      message(FATAL_ERROR "${relative} mirrors an extension module but compiles into the LTO:\n${command}")
    endif()
    if(NOT command MATCHES " -fPIC " OR NOT command MATCHES " -fno-semantic-interposition "
       OR NOT command MATCHES "/dispatchlab_extension_modules[_a-z]*\\.dir/")
      message(FATAL_ERROR "${relative} mirrors an extension module but is not compiled for its shared object:\n"
                          "${command}")
    endif()
  elseif(relative MATCHES "^(core|dispatch)/")
    math(EXPR seen_interpreter "${seen_interpreter} + 1")
    if(NOT command MATCHES " -flto" OR command MATCHES " -fno-lto")
      message(FATAL_ERROR "${relative} is the interpreter's but compiles outside the LTO:\n${command}")
    endif()
  endif()
endforeach()
# Four variants (counting, nocount, untagged, immortal) of each file.
if(NOT seen_extension EQUAL 12 OR seen_interpreter LESS 30)
  message(FATAL_ERROR "expected 12 extension-module compiles and 30 or more others, saw ${seen_extension} and "
                      "${seen_interpreter}")
endif()

if(NOT commands MATCHES "DISPATCHLAB_BUILD_TYPE=[^ ]*Release, LTO, PGO, shared extension modules")
  message(FATAL_ERROR "no compile command carries the build label \"Release, LTO, PGO, shared extension modules\"")
endif()

# 4. Each executable links its variant's shared object and exports the interpreter to it.
file(READ "${WORK_DIR}/pgo-use/build.ninja" ninja)
foreach(exe dispatchlab dispatchlab-nocount dispatchlab-untagged dispatchlab-immortal)
  string(REPLACE "dispatchlab" "" suffix "${exe}")
  string(REPLACE "-" "_" suffix "${suffix}")  # the libraries' suffix: "", _nocount, _untagged
  string(REGEX MATCH "\nbuild ${exe}: [^\n]*\n( [^\n]*\n)*" rule "${ninja}")
  if(rule STREQUAL "")
    message(FATAL_ERROR "build.ninja has no link rule for ${exe}")
  endif()
  foreach(expected "libdispatchlab_extension_modules${suffix}\\.so" "-rdynamic"
          "-Wl,--whole-archive [^ ]*/libdispatchlab_core${suffix}\\.a [^ ]*/libdispatchlab_dispatch${suffix}\\.a -Wl,--no-whole-archive")
    if(NOT rule MATCHES "${expected}")
      message(FATAL_ERROR "${exe} does not link with '${expected}':\n${rule}")
    endif()
  endforeach()
  # The shared object itself is linked as Debian's LDSHARED links an extension module.
  string(REGEX MATCH "\nbuild libdispatchlab_extension_modules${suffix}\\.so: [^\n]*\n( [^\n]*\n)*" rule "${ninja}")
  if(NOT rule MATCHES "-Wl,-O1" OR NOT rule MATCHES "-Wl,-Bsymbolic-functions")
    message(FATAL_ERROR "libdispatchlab_extension_modules${suffix}.so is not linked with -Wl,-O1 "
                        "-Wl,-Bsymbolic-functions:\n${rule}")
  endif()
endforeach()

configure_ok(pgo-generate -DDISPATCHLAB_PGO=generate)
foreach(i RANGE ${last})
  string(JSON command GET "${commands}" ${i} command)
  if(NOT command MATCHES " -fprofile-generate ")
    message(FATAL_ERROR "a compile command lacks -fprofile-generate under DISPATCHLAB_PGO=generate:\n${command}")
  endif()
endforeach()

# 1 again with the extension modules static (round 11's build): -fno-lto still follows -flto on them, in
# the core and dispatch libraries.
configure_ok(static -DDISPATCHLAB_EXTENSION_MODULES=static)
set(seen_extension 0)
foreach(i RANGE ${last})
  string(JSON file GET "${commands}" ${i} file)
  string(JSON command GET "${commands}" ${i} command)
  file(RELATIVE_PATH relative "${SOURCE_DIR}" "${file}")
  if(relative IN_LIST extension_files)
    math(EXPR seen_extension "${seen_extension} + 1")
    if(NOT command MATCHES " -flto[^ ]* .* -fno-lto " OR NOT command MATCHES "/dispatchlab_(core|dispatch)[_a-z]*\\.dir/")
      message(FATAL_ERROR "${relative} (static) is not compiled into its folder library outside the LTO:\n${command}")
    endif()
  endif()
endforeach()
if(NOT seen_extension EQUAL 12)
  message(FATAL_ERROR "expected 12 extension-module compiles with DISPATCHLAB_EXTENSION_MODULES=static, saw ${seen_extension}")
endif()

# 3. The refusals, each with its one message.
configure("${WORK_DIR}/pgo-bad" -DDISPATCHLAB_PGO=yes)
if(configure_rc EQUAL 0 OR NOT configure_err MATCHES "DISPATCHLAB_PGO is generate, use or empty, not 'yes'")
  message(FATAL_ERROR "DISPATCHLAB_PGO=yes configured (${configure_rc}):\n${configure_err}")
endif()
configure("${WORK_DIR}/modules-bad" -DDISPATCHLAB_EXTENSION_MODULES=dynamic)
if(configure_rc EQUAL 0 OR NOT configure_err MATCHES "DISPATCHLAB_EXTENSION_MODULES is static or shared, not 'dynamic'")
  message(FATAL_ERROR "DISPATCHLAB_EXTENSION_MODULES=dynamic configured (${configure_rc}):\n${configure_err}")
endif()
foreach(option DISPATCHLAB_TESTS DISPATCHLAB_FUZZ)
  configure("${WORK_DIR}/modules-${option}" -D${option}=ON)
  if(configure_rc EQUAL 0 OR NOT configure_err MATCHES
     "makes a measurement build \\(the preset debian-like\\), without the test suite or the fuzzer")
    message(FATAL_ERROR "DISPATCHLAB_EXTENSION_MODULES=shared configured with ${option}=ON (${configure_rc}):\n"
                        "${configure_err}")
  endif()
endforeach()
execute_process(COMMAND ${CMAKE_COMMAND} --install "${WORK_DIR}/pgo-use" --prefix "${WORK_DIR}/prefix"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
string(REGEX REPLACE "[ \n]+" " " err "${err}")
if(rc EQUAL 0 OR NOT err MATCHES "is for measurement and does not install" OR EXISTS "${WORK_DIR}/prefix")
  message(FATAL_ERROR "cmake --install of a DISPATCHLAB_EXTENSION_MODULES=shared build did not refuse (${rc}):\n${err}")
endif()
file(REMOVE_RECURSE "${WORK_DIR}")
