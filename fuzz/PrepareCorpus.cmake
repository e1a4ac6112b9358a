# Builds a fresh seed corpus per fuzz target in the build tree, so that libFuzzer never writes
# into the repository. Seeds: every input file under VECTORS_DIR (case manifests and docs
# excluded), the hand-written files in SEEDS_DIR, past crash reproducers in CRASHERS_DIR (so a
# fixed bug stays fixed), and the generated files from SEEDGEN.
# Usage: cmake -DVECTORS_DIR=... -DSEEDS_DIR=... -DCRASHERS_DIR=... -DSEEDGEN=...
#              -DOUT_DIR=... -DTARGETS=a;b
#              -P PrepareCorpus.cmake
file(GLOB_RECURSE _vectors LIST_DIRECTORIES false "${VECTORS_DIR}/*")
list(FILTER _vectors EXCLUDE REGEX "\\.(json|md)$")
file(GLOB _seeds LIST_DIRECTORIES false "${SEEDS_DIR}/*" "${CRASHERS_DIR}/*.edi")
set(_generated "${OUT_DIR}/generated")
file(REMOVE_RECURSE "${_generated}")
file(MAKE_DIRECTORY "${_generated}")
execute_process(COMMAND "${SEEDGEN}" "${_generated}" RESULT_VARIABLE _rc)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "[apipnr.fuzz.003] seed generator failed: ${_rc}")
endif()
file(GLOB _gen LIST_DIRECTORIES false "${_generated}/*")
foreach(t IN LISTS TARGETS)
  set(_dir "${OUT_DIR}/${t}")
  file(REMOVE_RECURSE "${_dir}")
  file(MAKE_DIRECTORY "${_dir}")
  # Vector files from different cases share names (input.edi ...): prefix with a path hash.
  foreach(f IN LISTS _vectors _seeds _gen)
    string(MD5 _h "${f}")
    string(SUBSTRING "${_h}" 0 8 _h)
    get_filename_component(_n "${f}" NAME)
    file(COPY_FILE "${f}" "${_dir}/${_h}_${_n}")
  endforeach()
endforeach()
list(LENGTH _vectors _nv)
list(LENGTH _seeds _ns)
list(LENGTH _gen _ng)
message(STATUS "fuzz corpus: ${_nv} vector files, ${_ns} seeds, ${_ng} generated, per target")
