# Sanitizer builds: -DWWS_SANITIZE=address (ASan + UBSan, `make test-asan`) or thread (TSan,
# `make test-tsan`), each in its own build folder. Only the host C/C++ code is instrumented; the
# wasm workers (own compiler commands), Rust and Go are not. V8 (libnode) is built without RTTI,
# so UBSan's vptr check, which needs RTTI of every polymorphic class, is left out; so is
# pointer-overflow, which fires on every parse in RapidJSON 1.1's stack (it computes null + n
# before its first allocation: harmless, fixed upstream after 1.1.0, Debian ships 1.1.0). Every report
# is an error: the run stops (halt_on_error, -fno-sanitize-recover), so a test cannot pass past it.
set(WWS_SANITIZE "" CACHE STRING "address (ASan + UBSan) or thread (TSan); empty: none")
if(WWS_SANITIZE STREQUAL "address")
  add_compile_options(-fsanitize=address,undefined -fno-sanitize=vptr,pointer-overflow -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined -fno-sanitize=vptr,pointer-overflow)
elseif(WWS_SANITIZE STREQUAL "thread")
  # Asio's fences are invisible to TSan (GCC says so on every use): -Wno-tsan keeps the output short.
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer -Wno-tsan)
  add_link_options(-fsanitize=thread)
elseif(NOT WWS_SANITIZE STREQUAL "")
  message(FATAL_ERROR "WWS_SANITIZE must be address, thread or empty (got '${WWS_SANITIZE}')")
endif()
