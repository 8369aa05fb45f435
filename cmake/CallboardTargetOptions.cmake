# callboard_target_options(<target>)
#
# The per-target build settings every callboard target shares: warnings
# (-Wall -Wextra -Wpedantic -Wconversion, plus -Werror with CALLBOARD_WERROR=ON)
# and, with CALLBOARD_SANITIZE set, the sanitizer flags. Tests, benchmarks and
# fuzz targets call it too. Nothing here touches CMAKE_CXX_FLAGS.
#
# Sets, for the caller's directory scope:
#   CALLBOARD_SANITIZE_COMPILE_OPTIONS / CALLBOARD_SANITIZE_LINK_OPTIONS

include_guard(GLOBAL)

set(CALLBOARD_SANITIZE_COMPILE_OPTIONS "")
set(CALLBOARD_SANITIZE_LINK_OPTIONS "")
if(CALLBOARD_SANITIZE)
  string(REPLACE "," ";" _callboard_sanitizers "${CALLBOARD_SANITIZE}")
  list(JOIN _callboard_sanitizers "," _callboard_sanitizers)
  set(CALLBOARD_SANITIZE_COMPILE_OPTIONS
    "-fsanitize=${_callboard_sanitizers}" -fno-omit-frame-pointer -fno-sanitize-recover=all)
  set(CALLBOARD_SANITIZE_LINK_OPTIONS "-fsanitize=${_callboard_sanitizers}")
endif()

function(callboard_target_options target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE
      -Wall -Wextra -Wpedantic -Wconversion
      $<$<BOOL:${CALLBOARD_WERROR}>:-Werror>)
    # GCC 12's -Wrestrict misfires inside libstdc++ at -O3 on `"literal" + std::string&&`
    # (GCC PR 105329/105651, fixed in GCC 13): a false positive we cannot fix in our code.
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_GREATER_EQUAL 12
       AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
      target_compile_options(${target} PRIVATE -Wno-restrict)
    endif()
  elseif(MSVC)
    target_compile_options(${target} PRIVATE /W4 /permissive- $<$<BOOL:${CALLBOARD_WERROR}>:/WX>)
  endif()
  get_target_property(_type ${target} TYPE)
  # The library passes sanitizer flags on to whatever links it; anything that
  # does not link it (a standalone tool) gets them here.
  if(CALLBOARD_SANITIZE_COMPILE_OPTIONS AND NOT _type STREQUAL "INTERFACE_LIBRARY")
    target_compile_options(${target} PRIVATE ${CALLBOARD_SANITIZE_COMPILE_OPTIONS})
    if(NOT _type STREQUAL "STATIC_LIBRARY" AND NOT _type STREQUAL "OBJECT_LIBRARY")
      target_link_options(${target} PRIVATE ${CALLBOARD_SANITIZE_LINK_OPTIONS})
    endif()
  endif()
endfunction()
