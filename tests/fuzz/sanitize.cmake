# PROBE_SANITIZE: AddressSanitizer + UndefinedBehaviorSanitizer on probe's own
# code (its libraries, and through them the probe binary, the unit tests and
# the fuzz targets; not the examples/corpus helpers, which are traced).
# Any report is fatal (-fno-sanitize-recover, plus the *SAN_OPTIONS that
# scripts/sanitize.sh sets). With PROBE_FUZZ the same objects also carry
# libFuzzer's coverage instrumentation, so one build directory serves the
# sanitizer lane and the fuzzers.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "PROBE_SANITIZE needs clang (scripts/sanitize.sh uses clang++-19)")
endif()
set(PROBE_SAN_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
set(PROBE_SAN_COMPILE ${PROBE_SAN_FLAGS})
if(PROBE_FUZZ)
  list(APPEND PROBE_SAN_COMPILE -fsanitize=fuzzer-no-link)
endif()
foreach(lib probe_base probe_frontend probe_runtime probe_compiler probe_driver)
  target_compile_options(${lib} PUBLIC ${PROBE_SAN_COMPILE})
  target_link_options(${lib} PUBLIC ${PROBE_SAN_FLAGS})
endforeach()
if(PROBE_FUZZ)
  add_subdirectory(tests/fuzz)
endif()
