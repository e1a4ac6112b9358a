# Helpers shared by every component: one flags target, library/test/fuzzer wrappers.
# Flags live on the INTERFACE target apipnr_internal_flags, never in CMAKE_CXX_FLAGS.
include_guard(GLOBAL)

add_library(apipnr_internal_flags INTERFACE)
target_compile_options(apipnr_internal_flags INTERFACE
  $<$<CXX_COMPILER_ID:GNU,Clang>:-Wall -Wextra -Wpedantic -Wshadow -Wconversion
    -Wno-sign-conversion -Wold-style-cast -Wcast-align -Woverloaded-virtual
    -Wimplicit-fallthrough>)
# GCC 12 reports overlapping memcpy in std::string's operator+/insert once it inlines them at
# -O3 (release): a false positive (GCC bug 105329, fixed in GCC 13) hit by ordinary string
# building in several files, so a release build with APIPNR_WERROR failed on code that is
# correct. Overlaps that could happen are still found by the ASan preset.
target_compile_options(apipnr_internal_flags INTERFACE
  $<$<AND:$<CXX_COMPILER_ID:GNU>,$<VERSION_LESS:$<CXX_COMPILER_VERSION>,13>>:-Wno-restrict>)
if(APIPNR_WERROR)
  target_compile_options(apipnr_internal_flags INTERFACE -Werror)
endif()
if(APIPNR_DEVELOPMENT_CHECKS)
  target_compile_definitions(apipnr_internal_flags INTERFACE APIPNR_DEVELOPMENT_CHECKS=1)
endif()
if(APIPNR_SANITIZE)
  string(REPLACE ";" "," _apipnr_san "${APIPNR_SANITIZE}")
  target_compile_options(apipnr_internal_flags INTERFACE
    -fsanitize=${_apipnr_san} -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(apipnr_internal_flags INTERFACE -fsanitize=${_apipnr_san})
endif()

# apipnr_add_library(NAME name SRCS ... [DEPS ...] [PRIVATE_DEPS ...] [INCLUDE_DIR dir])
# Creates apipnr_<name> and alias apipnr::<name>. Public include dir: INCLUDE_DIR, default
# ./include (components under reference/src/<x>/ pass ${PROJECT_SOURCE_DIR}/reference/include).
function(apipnr_add_library)
  cmake_parse_arguments(A "" "NAME;INCLUDE_DIR" "SRCS;DEPS;PRIVATE_DEPS" ${ARGN})
  if(NOT A_INCLUDE_DIR)
    set(A_INCLUDE_DIR "${CMAKE_CURRENT_SOURCE_DIR}/include")
  endif()
  add_library(apipnr_${A_NAME} STATIC ${A_SRCS})
  add_library(apipnr::${A_NAME} ALIAS apipnr_${A_NAME})
  target_include_directories(apipnr_${A_NAME} PUBLIC
    $<BUILD_INTERFACE:${A_INCLUDE_DIR}>)
  target_link_libraries(apipnr_${A_NAME} PUBLIC ${A_DEPS} PRIVATE apipnr_internal_flags ${A_PRIVATE_DEPS})
endfunction()

# apipnr_add_test(NAME name SRCS ... DEPS ... [LABELS ...])
# One GoogleTest executable; every TEST becomes its own CTest entry with the labels.
function(apipnr_add_test)
  cmake_parse_arguments(A "" "NAME" "SRCS;DEPS;LABELS" ${ARGN})
  if(NOT APIPNR_BUILD_TESTS)
    return()
  endif()
  if(NOT A_LABELS)
    set(A_LABELS unit)
  endif()
  add_executable(${A_NAME} ${A_SRCS})
  target_link_libraries(${A_NAME} PRIVATE ${A_DEPS} GTest::gtest GTest::gtest_main apipnr_internal_flags)
  target_compile_definitions(${A_NAME} PRIVATE
    APIPNR_VECTORS_DIR="${APIPNR_VECTORS_DIR}" APIPNR_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  gtest_discover_tests(${A_NAME} PROPERTIES LABELS "${A_LABELS}" DISCOVERY_TIMEOUT 60)
endfunction()

# apipnr_add_fuzzer(NAME name SRC file DEPS ...): libFuzzer + ASan + UBSan (clang only).
function(apipnr_add_fuzzer)
  cmake_parse_arguments(A "" "NAME;SRC" "DEPS" ${ARGN})
  add_executable(${A_NAME} ${A_SRC})
  target_compile_options(${A_NAME} PRIVATE -fsanitize=fuzzer,address,undefined
    -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(${A_NAME} PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_libraries(${A_NAME} PRIVATE ${A_DEPS} apipnr_internal_flags)
endfunction()

# apipnr_header_check(TARGET tgt HEADERS ...): each public header compiles on its own.
function(apipnr_header_check)
  cmake_parse_arguments(A "" "TARGET" "HEADERS" ${ARGN})
  set(_srcs)
  foreach(h IN LISTS A_HEADERS)
    string(MAKE_C_IDENTIFIER "${h}" _id)
    set(_f "${CMAKE_CURRENT_BINARY_DIR}/header_check/${_id}.cpp")
    file(CONFIGURE OUTPUT "${_f}" CONTENT "#include \"${h}\"\n#include \"${h}\"\n")
    list(APPEND _srcs "${_f}")
  endforeach()
  add_library(${A_TARGET}_header_check OBJECT ${_srcs})
  target_link_libraries(${A_TARGET}_header_check PRIVATE ${A_TARGET} apipnr_internal_flags)
endfunction()
