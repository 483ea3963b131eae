# Precompiled headers for the folder libraries (docs/hardening.md, "CI time"). Every variant of the
# project builds core/ and dispatch/ again, and experiments/ or the part of it the variant needs
# (counting, _nocount, _untagged; two in the asan-ubsan build), and most of a translation unit's time
# there is parsing the same standard, Abseil and nlohmann/json headers (measured at -O3: core/type.cc
# 1.8 s -> 0.6 s, core/tuple.cc 1.6 s -> 0.3 s, experiments/base/json.cc 4.9 s -> 3.6 s,
# experiments/cli/cmd_list.cc 4.2 s -> 2.7 s). One header per variant and folder group:
# core's (the standard headers and the Abseil headers core links) is reused by dispatch/, whose link line
# is core's; experiments/base's adds nlohmann/json and is reused by the other experiment components.
# A precompiled header is force-included, so a source that forgets an #include of one of these still
# compiles here. The fuzz preset builds core/ and dispatch/ without it (a check of their includes, on every
# CI run); experiments/ has no such check in CI: -DDISPATCHLAB_LIBRARY_PCH=OFF (and any compiler cache,
# which turns it off, as for the tests' header in cmake/test_speed.cmake) builds without it.
option(DISPATCHLAB_LIBRARY_PCH "Precompile the folder libraries' heavy headers (without a compiler cache)" ON)

set(DISPATCHLAB_CORE_PCH_HEADERS
    <algorithm> <cstddef> <cstdint> <cstdlib> <cstring> <limits> <memory> <string> <utility> <vector>
    <absl/container/flat_hash_map.h> <absl/status/status.h> <absl/status/statusor.h>
    <absl/strings/str_cat.h> <absl/strings/str_format.h> <absl/strings/string_view.h>)
set(DISPATCHLAB_EXPERIMENTS_PCH_HEADERS
    ${DISPATCHLAB_CORE_PCH_HEADERS} <cmath> <fstream> <functional> <iostream> <map> <optional> <sstream>
    <absl/strings/str_join.h> <absl/strings/str_split.h> <nlohmann/json.hpp>)

# dispatchlab_library_pch(TARGET OWNER HEADERS...): TARGET precompiles HEADERS when it is OWNER, else
# reuses OWNER's (the same compile line, so the same precompiled header is valid).
function(dispatchlab_library_pch target owner)
  if(NOT DISPATCHLAB_LIBRARY_PCH OR CMAKE_CXX_COMPILER_LAUNCHER)
    return()
  endif()
  if(target STREQUAL owner)
    target_precompile_headers(${target} PRIVATE ${ARGN})
  else()
    target_precompile_headers(${target} REUSE_FROM ${owner})
  endif()
endfunction()
