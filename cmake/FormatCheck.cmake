# Fails when any C++ source under the project's code folders differs from clang-format's output.
# Usage: cmake -DCLANG_FORMAT=... -DSOURCE_DIR=... -P FormatCheck.cmake
set(_dirs common reference harness bench fuzz tests)
set(_files)
foreach(d IN LISTS _dirs)
  file(GLOB_RECURSE _found "${SOURCE_DIR}/${d}/*.cpp" "${SOURCE_DIR}/${d}/*.hpp")
  list(APPEND _files ${_found})
endforeach()
list(FILTER _files EXCLUDE REGEX "/build")
execute_process(COMMAND ${CLANG_FORMAT} --dry-run --Werror ${_files}
  WORKING_DIRECTORY ${SOURCE_DIR} RESULT_VARIABLE _rc ERROR_VARIABLE _err)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "[apipnr.lint.001] clang-format differences (run scripts/format.sh):\n${_err}")
endif()
list(LENGTH _files _n)
message(STATUS "format_check: ${_n} files clean")
