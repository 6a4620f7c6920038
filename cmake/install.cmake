# `make install` and `make dist`: a wws that runs outside the clone. The binary goes to
# <prefix>/bin. The shared libraries it needs that are not the system's -- libnode from .deps/
# (see scripts/setup.sh) and anything else resolved outside /lib and /usr/lib -- are copied to
# <prefix>/lib/wws, and the binary's RUNPATH becomes $ORIGIN/../lib/wws, so the installed tree
# works wherever it is moved. System libraries (libuv, ICU, curl, ...) stay with the system:
# scripts/dist.sh lists their Debian packages in the bundle.
include(GNUInstallDirs)
install(TARGETS wws RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${CMAKE_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(CODE "set(WWS_BUILT_BINARY \"$<TARGET_FILE:wws>\")")
install(CODE "set(WWS_INSTALL_BINDIR \"${CMAKE_INSTALL_BINDIR}\")")
install(CODE [[
  set(prefix "$ENV{DESTDIR}${CMAKE_INSTALL_PREFIX}")
  # The built binary, whose RUNPATH still finds .deps/, is what tells where each library is.
  file(GET_RUNTIME_DEPENDENCIES EXECUTABLES "${WWS_BUILT_BINARY}"
       RESOLVED_DEPENDENCIES_VAR libraries UNRESOLVED_DEPENDENCIES_VAR missing
       POST_EXCLUDE_REGEXES "^/lib/" "^/lib64/" "^/usr/lib/" "^/usr/lib64/")
  if(missing)
    message(FATAL_ERROR "wws needs libraries that cannot be found: ${missing}")
  endif()
  foreach(library IN LISTS libraries)
    file(INSTALL "${library}" DESTINATION "${prefix}/lib/wws" FOLLOW_SYMLINK_CHAIN)
  endforeach()
  file(RPATH_SET FILE "${prefix}/${WWS_INSTALL_BINDIR}/wws" NEW_RPATH "$ORIGIN/../lib/wws")
]])
