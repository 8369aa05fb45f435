# The library's modules and their pipeline: the ONE place that says which
# module comes before which. Read by the root CMakeLists.txt (one OBJECT
# target per module, combined into the one `callboard` library) and by
# scripts/check-boundaries (the include rules, run by ctest).
#
# Keep each set() on one line: scripts/check-boundaries parses them.
#
# Rules (docs/architecture.md):
#  - src/<module>/ is private to <module>: no other module, and nothing
#    outside the library, includes a file there (tests/unit/<module>/ and a
#    fuzz target of that module excepted).
#  - A module includes public headers (include/callboard/) of its own and of
#    modules in EARLIER stages only. Modules of one stage ("a|b") do not
#    include each other.

include_guard(GLOBAL)

# Stages in pipeline order; "a|b|c" is one stage of independent modules.
set(CALLBOARD_MODULE_STAGES core semver npm model compat backends registry "artifact|solver" session codec)

# Which module owns each public header (paths below include/callboard/).
set(CALLBOARD_PUBLIC_HEADERS_core error.hpp export.hpp digest.hpp version.hpp)
set(CALLBOARD_PUBLIC_HEADERS_semver semver.hpp)
set(CALLBOARD_PUBLIC_HEADERS_npm npm_config.hpp)
set(CALLBOARD_PUBLIC_HEADERS_model model.hpp backstage.hpp json.hpp json_edit.hpp)
set(CALLBOARD_PUBLIC_HEADERS_backends backend/storage.hpp backend/tenant.hpp backend/transport.hpp)
set(CALLBOARD_PUBLIC_HEADERS_registry registry.hpp)
set(CALLBOARD_PUBLIC_HEADERS_artifact artifact.hpp)
set(CALLBOARD_PUBLIC_HEADERS_solver solver.hpp)
set(CALLBOARD_PUBLIC_HEADERS_compat compat.hpp)
set(CALLBOARD_PUBLIC_HEADERS_session session.hpp)
set(CALLBOARD_PUBLIC_HEADERS_codec codec.hpp)
# Headers of no module: for code outside the library only.
set(CALLBOARD_PUBLIC_HEADERS_umbrella callboard.hpp backend/conformance.hpp)

# Third-party libraries each module's sources use (compile-time usage
# requirements; the `callboard` library links them all).
set(CALLBOARD_MODULE_DEPS_core OpenSSL::Crypto)
set(CALLBOARD_MODULE_DEPS_model Boost::json PkgConfig::YAML)
set(CALLBOARD_MODULE_DEPS_backends SQLiteCpp SQLite::SQLite3 CURL::libcurl)
set(CALLBOARD_MODULE_DEPS_registry LibArchive::LibArchive)
set(CALLBOARD_MODULE_DEPS_artifact LibArchive::LibArchive Boost::json)
set(CALLBOARD_MODULE_DEPS_solver Boost::json)
set(CALLBOARD_MODULE_DEPS_codec Boost::json)

# tests/unit/<dir>/ whose <dir> is not the module it tests.
set(CALLBOARD_TEST_DIR_MODULES storage=backends transport=backends)

# CALLBOARD_MODULES: every module, in pipeline order.
set(CALLBOARD_MODULES "")
foreach(_callboard_stage IN LISTS CALLBOARD_MODULE_STAGES)
  string(REPLACE "|" ";" _callboard_stage "${_callboard_stage}")
  list(APPEND CALLBOARD_MODULES ${_callboard_stage})
endforeach()

# callboard_private_include_root(<name> <out-var>): a directory in the build
# tree that holds one entry, <name>, a symbolic link to src/<name>. Given to
# target <name> alone, it makes "<name>/x.hpp" resolve there and every other
# module's "<other>/x.hpp" fail to compile.
function(callboard_private_include_root name out)
  set(_root "${PROJECT_BINARY_DIR}/private-include/${name}")
  file(MAKE_DIRECTORY "${_root}")
  if(IS_SYMLINK "${_root}/${name}")
    file(READ_SYMLINK "${_root}/${name}" _target)
    if(NOT _target STREQUAL "${PROJECT_SOURCE_DIR}/src/${name}")
      file(REMOVE "${_root}/${name}")
    endif()
  endif()
  if(NOT EXISTS "${_root}/${name}")
    file(CREATE_LINK "${PROJECT_SOURCE_DIR}/src/${name}" "${_root}/${name}" SYMBOLIC)
  endif()
  set(${out} "${_root}" PARENT_SCOPE)
endfunction()
