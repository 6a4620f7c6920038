# Compiling guest code: C -> wasm32-wasi with clang-14 and Debian's wasi-libc; WAT with wat2wasm.
find_program(WASI_CLANG NAMES clang-14 clang REQUIRED)
find_program(WAT2WASM wat2wasm REQUIRED)
set(WWS_C_KIT_DIR ${CMAKE_SOURCE_DIR}/kits/c)
find_program(WASI_CLANGXX NAMES clang++-14 clang++ REQUIRED)
set(WWS_WASI_C_FLAGS --target=wasm32-wasi --sysroot=/usr -O2 -Wall -Wextra -I${WWS_C_KIT_DIR})
# C++17 with Debian's libc++ for WASI, no exceptions (clang 14 has no wasm exception handling).
set(WWS_WASI_CXX_FLAGS --target=wasm32-wasi --sysroot=/usr -std=c++17 -O2 -fno-exceptions -Wall -Wextra
    -I${WWS_C_KIT_DIR})

# The guests' compile lines go to <build>/guest_compile_commands.json (the format of
# compile_commands.json, which only lists the host's objects), so `make lint` checks them too.
set_property(GLOBAL PROPERTY WWS_GUEST_COMPILE_COMMANDS "")
function(wws_record_guest_compile compiler src)
  string(JOIN "\",\"" args ${compiler} ${ARGN} -c ${src})
  set_property(GLOBAL APPEND_STRING PROPERTY WWS_GUEST_COMPILE_COMMANDS
    "{\"directory\": \"${CMAKE_BINARY_DIR}\", \"file\": \"${src}\", \"arguments\": [\"${args}\"]},\n")
endfunction()
function(wws_write_guest_compile_commands)
  get_property(entries GLOBAL PROPERTY WWS_GUEST_COMPILE_COMMANDS)
  string(REGEX REPLACE ",\n$" "\n" entries "${entries}")
  file(WRITE ${CMAKE_BINARY_DIR}/guest_compile_commands.json "[\n${entries}]\n")
endfunction()
cmake_language(DEFER DIRECTORY ${CMAKE_SOURCE_DIR} CALL wws_write_guest_compile_commands)

# wws_wasm_from_c(<target-name> <source.c> <output.wasm> [files it includes...])
function(wws_wasm_from_c name src out)
  get_filename_component(out_dir ${out} DIRECTORY)
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${out_dir}
    COMMAND ${WASI_CLANG} ${WWS_WASI_C_FLAGS} -s -o ${out} ${src}
    DEPENDS ${src} ${WWS_C_KIT_DIR}/wws.h ${ARGN}
    COMMENT "wasm32-wasi: ${src}" VERBATIM)
  add_custom_target(${name} ALL DEPENDS ${out})
  wws_record_guest_compile(${WASI_CLANG} ${src} ${WWS_WASI_C_FLAGS})
endfunction()

# wws_wasm_from_cpp(<target-name> <source.cpp> <output.wasm>): with the C++ kit (kits/c/wws.hpp).
function(wws_wasm_from_cpp name src out)
  get_filename_component(out_dir ${out} DIRECTORY)
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${out_dir}
    COMMAND ${WASI_CLANGXX} ${WWS_WASI_CXX_FLAGS} -s -o ${out} ${src}
    DEPENDS ${src} ${WWS_C_KIT_DIR}/wws.h ${WWS_C_KIT_DIR}/wws.hpp
    COMMENT "wasm32-wasi (C++): ${src}" VERBATIM)
  add_custom_target(${name} ALL DEPENDS ${out})
  wws_record_guest_compile(${WASI_CLANGXX} ${src} ${WWS_WASI_CXX_FLAGS})
endfunction()

# wws_wasm_from_wat(<target-name> <source.wat> <output.wasm>)
function(wws_wasm_from_wat name src out)
  get_filename_component(out_dir ${out} DIRECTORY)
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${out_dir}
    COMMAND ${WAT2WASM} --enable-all -o ${out} ${src}
    DEPENDS ${src} COMMENT "wat2wasm: ${src}" VERBATIM)
  add_custom_target(${name} ALL DEPENDS ${out})
endfunction()
