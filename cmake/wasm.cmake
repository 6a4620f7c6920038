# Compiling guest code: C -> wasm32-wasi with clang-14 and Debian's wasi-libc; WAT with wat2wasm.
find_program(WASI_CLANG NAMES clang-14 clang REQUIRED)
find_program(WAT2WASM wat2wasm REQUIRED)
set(WWS_C_KIT_DIR ${CMAKE_SOURCE_DIR}/kits/c)

# wws_wasm_from_c(<target-name> <source.c> <output.wasm>)
function(wws_wasm_from_c name src out)
  get_filename_component(out_dir ${out} DIRECTORY)
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${out_dir}
    COMMAND ${WASI_CLANG} --target=wasm32-wasi --sysroot=/usr -O2 -s -I${WWS_C_KIT_DIR}
            -o ${out} ${src}
    DEPENDS ${src} ${WWS_C_KIT_DIR}/wws.h
    COMMENT "wasm32-wasi: ${src}" VERBATIM)
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
