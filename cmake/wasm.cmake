# Compiling guest code: C -> wasm32-wasi with clang-14 and Debian's wasi-libc; WAT with wat2wasm.
find_program(WASI_CLANG NAMES clang-14 clang REQUIRED)
find_program(WAT2WASM wat2wasm REQUIRED)
set(WWS_C_KIT_DIR ${CMAKE_SOURCE_DIR}/kits/c)

# wws_wasm_from_c(<target-name> <source.c> <output.wasm> [files it includes...])
function(wws_wasm_from_c name src out)
  get_filename_component(out_dir ${out} DIRECTORY)
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${out_dir}
    COMMAND ${WASI_CLANG} --target=wasm32-wasi --sysroot=/usr -O2 -s -Wall -Wextra -I${WWS_C_KIT_DIR}
            -o ${out} ${src}
    DEPENDS ${src} ${WWS_C_KIT_DIR}/wws.h ${ARGN}
    COMMENT "wasm32-wasi: ${src}" VERBATIM)
  add_custom_target(${name} ALL DEPENDS ${out})
endfunction()

# wws_wasm_from_cpp(<target-name> <source.cpp> <output.wasm>): C++17 with Debian's libc++ for WASI,
# no exceptions (clang 14 has no wasm exception handling).
find_program(WASI_CLANGXX NAMES clang++-14 clang++ REQUIRED)
function(wws_wasm_from_cpp name src out)
  get_filename_component(out_dir ${out} DIRECTORY)
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${out_dir}
    COMMAND ${WASI_CLANGXX} --target=wasm32-wasi --sysroot=/usr -std=c++17 -O2 -s -fno-exceptions -Wall -Wextra
            -I${WWS_C_KIT_DIR} -o ${out} ${src}
    DEPENDS ${src} ${WWS_C_KIT_DIR}/wws.h ${WWS_C_KIT_DIR}/wws.hpp
    COMMENT "wasm32-wasi (C++): ${src}" VERBATIM)
  add_custom_target(${name} ALL DEPENDS ${out})
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
