# Installs the headers of core/, dispatch/ and experiments/ (with the .def tables they include) under
# PREFIX/include/dispatchlab/, rewriting their own includes "core/x.h" to "dispatchlab/core/x.h": a
# consumer puts only PREFIX/include on its include path, so its own core/ or experiments/ never shadows
# ours. Run by `cmake --install` (the top-level CMakeLists.txt sets DISPATCHLAB_SOURCE_DIR and
# DISPATCHLAB_INCLUDEDIR first).
set(dest "$ENV{DESTDIR}${CMAKE_INSTALL_PREFIX}/${DISPATCHLAB_INCLUDEDIR}/dispatchlab")
file(GLOB_RECURSE headers RELATIVE "${DISPATCHLAB_SOURCE_DIR}"
     "${DISPATCHLAB_SOURCE_DIR}/core/*.h" "${DISPATCHLAB_SOURCE_DIR}/core/*.def"
     "${DISPATCHLAB_SOURCE_DIR}/dispatch/*.h" "${DISPATCHLAB_SOURCE_DIR}/dispatch/*.def"
     "${DISPATCHLAB_SOURCE_DIR}/experiments/*.h" "${DISPATCHLAB_SOURCE_DIR}/experiments/*.def")
foreach(header IN LISTS headers)
  file(READ "${DISPATCHLAB_SOURCE_DIR}/${header}" text)
  string(REGEX REPLACE "#include \"(core|dispatch|experiments)/" "#include \"dispatchlab/\\1/" text "${text}")
  set(target "${dest}/${header}")
  if(EXISTS "${target}")
    file(READ "${target}" old)
    if(old STREQUAL text)
      message(STATUS "Up-to-date: ${target}")
      continue()
    endif()
  endif()
  message(STATUS "Installing: ${target}")
  file(WRITE "${target}" "${text}")
endforeach()
