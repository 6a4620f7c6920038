#!/usr/bin/env python3
"""Makes a pre-initialisable wws runtime of ruby.wasm's reactor build (npm @ruby/*-wasm-wasi).

Input: the text (binaryen's wasm-dis) of ruby+stdlib.wasm, a reactor: _initialize, then the
exports ruby-init(args) and rb-eval-string-protect(code). Output: the same module with Wizer's
two entry points and no imports but WASI's:

  wizer.initialize  _initialize, ruby-init(["ruby", "-EUTF-8", "-e_=0"]), then
                    load "/src/index.rb" (the runtime's wrapper);
  _start            evaluates wws_serve (defined by the wrapper), booting first when the module
                    was not pre-initialised; proc_exit(1) when it raised.

The imports that bridge Ruby to a browser's JavaScript (rb-js-abi-host, canonical_abi) become
internal functions: the handle ones are the identity, the rest trap (`require "js"` cannot work
outside a browser).
"""
import re
import sys
src, dst = sys.argv[1], sys.argv[2]
text = open(src).read()
def export_func(name):
    m = re.search(r'\(export "' + re.escape(name) + r'" \(func (\$\S+)\)\)', text)
    return m.group(1)
initialize = export_func('_initialize')
realloc = export_func('cabi_realloc')
ruby_init = export_func('ruby-init: func(args: list<string>) -> ()')
ev = export_func('rb-eval-string-protect: func(str: string) -> tuple<handle<rb-abi-value>, s32>')
proc_exit = re.search(r'\(import "wasi_snapshot_preview1" "proc_exit" \(func (\$\S+) ', text).group(1)
stubs = []
def stub(m):
    module, name, fname, sig = m.group(1), m.group(2), m.group(3), m.group(4)
    if module == 'canonical_abi' and name.startswith('resource_new'):
        body = '(local.get 0)'
    elif module == 'canonical_abi' and name.startswith('resource_get'):
        body = '(local.get 0)'
    elif module == 'canonical_abi' and name.startswith('resource_drop'):
        body = ''
    else:
        body = '(unreachable)'
    stubs.append(f' (func {fname}{sig} {body})')
    return ''
text = re.sub(r' \(import "(rb-js-abi-host|canonical_abi)" "([^"]*)" \(func (\$\S+)((?: \((?:param|result)[^)]*\))*)\)\)\n', stub, text)
strings = ['ruby\0', '-EUTF-8\0', '-e_=0\0', 'load "/src/index.rb"\0', 'wws_serve\0']
def wat_string(s):
    return ''.join(c if c.isalnum() or c in ' -_=/.' else '\\%02x' % ord(c) for c in s)
first_segment = len(re.findall(r'^ \(data ', text, re.M))
data = ''.join(f' (data "{wat_string(s)}")\n' for i, s in enumerate(strings))
def put(i, dst_local):
    n = len(strings[i].encode())
    return f'''  (local.set {dst_local} (call {realloc} (i32.const 0) (i32.const 0) (i32.const 1) (i32.const {n})))
  (memory.init {first_segment + i} (local.get {dst_local}) (i32.const 0) (i32.const {n}))
'''
def eval_(i):
    n = len(strings[i].encode())
    return put(i, '$p') + f'''  (local.set $r (call {ev} (local.get $p) (i32.const {n})))
  (if (i32.load offset=4 (local.get $r)) (then (call {proc_exit} (i32.const 1))))
'''
init = f''' (global $wws_inited (mut i32) (i32.const 0))
 (func $wws_init
  (local $argv i32) (local $p i32) (local $r i32)
  (call {initialize})
  (local.set $argv (call {realloc} (i32.const 0) (i32.const 0) (i32.const 4) (i32.const 24)))
'''
for i in range(3):
    n = len(strings[i].encode())
    init += put(i, '$p') + f'''  (i32.store offset={8*i} (local.get $argv) (local.get $p))
  (i32.store offset={8*i+4} (local.get $argv) (i32.const {n}))
'''
init += f'''  (call {ruby_init} (local.get $argv) (i32.const 3))
  (global.set $wws_inited (i32.const 1))
''' + eval_(3) + ''' )
 (func $wws_start
  (local $p i32) (local $r i32)
  (if (i32.eqz (global.get $wws_inited)) (then (call $wws_init)))
''' + eval_(4) + ' )\n'
exports = '\n (export "_start" (func $wws_start))\n (export "wizer.initialize" (func $wws_init))\n'
text = text.replace(f' (export "_initialize" (func {initialize}))\n', exports)
end = text.rstrip().rfind(')')
text = text[:end] + '\n'.join(stubs) + '\n' + data + init + ')\n'
open(dst, 'w').write(text)

