//! Components: one engine for all of them (pooling allocator, copy-on-write memory images,
//! epoch interruption), compiled once with every import linked up front, and a fresh instance
//! in a fresh store for every run, on a current-thread async runtime of the calling thread.

use crate::ffi::*;
use crate::limits::Limits;
use crate::outgoing::Hooks;
use std::sync::OnceLock;
use std::time::Duration;
use wasmtime::component::{Component, InstancePre, Linker, ResourceTable};
use wasmtime::{Config, Enabled, Engine, InstanceAllocationStrategy, PoolingAllocationConfig, Store};
use wasmtime_wasi::p2::pipe::{MemoryInputPipe, MemoryOutputPipe};
use wasmtime_wasi::{FsPerms, I32Exit, WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpView};

/// Ticks of EPOCH_TICK; the C++ ticker advances the epoch at the same pace as for core modules.
pub const EPOCH_TICK: Duration = Duration::from_millis(2);

static MAX_INSTANCES: OnceLock<u32> = OnceLock::new();
static ENGINE: OnceLock<Engine> = OnceLock::new();

pub fn engine() -> &'static Engine {
    ENGINE.get_or_init(|| {
        let n = *MAX_INSTANCES.get_or_init(|| 64);
        // Where Linux has PAGEMAP_SCAN (6.7 and later), a freed slot's pages that a request
        // wrote are found with it and copied back from the memory image, up to 16 MiB, instead
        // of being dropped with madvise: a JS component's next request then takes no page faults
        // for them and the process no TLB shootdowns. Elsewhere Wasmtime would copy all of
        // keep_resident back whether written or not, so it stays at 1 MiB (the rest: madvise).
        let pagemap = PoolingAllocationConfig::is_pagemap_scan_available();
        let keep_resident = if pagemap { 16 << 20 } else { 1 << 20 };
        let mut pool = PoolingAllocationConfig::default();
        pool.pagemap_scan(if pagemap { Enabled::Yes } else { Enabled::No });
        pool.total_component_instances(n)
            .total_core_instances(n * 8)
            .total_memories(n * 4)
            .total_tables(n * 8)
            .total_stacks(n)
            .total_gc_heaps(n * 4)
            .max_core_instances_per_component(64)
            .max_memories_per_component(16)
            .max_tables_per_component(32)
            .max_component_instance_size(4 << 20)
            .max_core_instance_size(4 << 20)
            .table_elements(200_000)
            .max_memory_size(4 << 30)
            .linear_memory_keep_resident(keep_resident);
        let mut config = Config::new();
        config
            .wasm_component_model(true)
            .epoch_interruption(true)
            .memory_init_cow(true)
            .allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
        Engine::new(&config).expect("the component engine's configuration is valid")
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn wws_component_engine_init(max_instances: u32) {
    let _ = MAX_INSTANCES.set(max_instances.max(8));
}

#[unsafe(no_mangle)]
pub extern "C" fn wws_component_increment_epoch() {
    if let Some(engine) = ENGINE.get() {
        engine.increment_epoch();
    }
}

static VERSION: &str = "48.0.8";

#[unsafe(no_mangle)]
pub extern "C" fn wws_wasmtime_version() -> WwsStr {
    WwsStr::from(VERSION)
}

/// The data of every component store: WASI 0.2, wasi:http, the limits and the callbacks.
pub struct State {
    wasi: WasiCtx,
    http: WasiHttpCtx,
    table: ResourceTable,
    pub(crate) hooks: Hooks,
    pub limits: Limits,
}

impl WasiView for State {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView { ctx: &mut self.wasi, table: &mut self.table }
    }
}

impl WasiHttpView for State {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView { ctx: &mut self.http, table: &mut self.table, hooks: &mut self.hooks }
    }
}

pub enum Kind {
    Command(wasmtime_wasi::p2::bindings::CommandPre<State>),
    Http(wasmtime_wasi_http::p2::bindings::ProxyPre<State>),
    Other,
}

pub struct WwsComponent {
    component: Component,
    pub kind: Kind,
}

fn link(component: Component) -> wasmtime::Result<WwsComponent> {
    let engine = engine();
    let mut linker: Linker<State> = Linker::new(engine);
    wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
    wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker)?;
    let pre: InstancePre<State> = linker.instantiate_pre(&component)?;
    let ty = component.component_type();
    let exports: Vec<String> = ty.exports(engine).map(|(name, _)| name.to_string()).collect();
    let exports_world = |prefix: &str| exports.iter().any(|e| e.starts_with(prefix));
    let kind = if exports_world("wasi:http/incoming-handler@0.2") {
        Kind::Http(wasmtime_wasi_http::p2::bindings::ProxyPre::new(pre)?)
    } else if exports_world("wasi:cli/run@0.2") {
        Kind::Command(wasmtime_wasi::p2::bindings::CommandPre::new(pre)?)
    } else {
        Kind::Other
    };
    Ok(WwsComponent { component, kind })
}

fn error_out(error: *mut WwsBytes, message: String) -> *mut WwsComponent {
    if !error.is_null() {
        unsafe { *error = WwsBytes::from_string(message) };
    }
    std::ptr::null_mut()
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn wws_component_new(wasm: *const u8, len: usize, error: *mut WwsBytes) -> *mut WwsComponent {
    let bytes = unsafe { std::slice::from_raw_parts(wasm, len) };
    match Component::new(engine(), bytes).and_then(link) {
        Ok(c) => Box::into_raw(Box::new(c)),
        Err(e) => error_out(error, format!("{e:#}")),
    }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn wws_component_deserialize(
    code: *const u8,
    len: usize,
    error: *mut WwsBytes,
) -> *mut WwsComponent {
    let bytes = unsafe { std::slice::from_raw_parts(code, len) };
    // SAFETY: the caller verified these are bytes wws_component_serialize wrote (checksummed).
    match unsafe { Component::deserialize(engine(), bytes) }.and_then(link) {
        Ok(c) => Box::into_raw(Box::new(c)),
        Err(e) => error_out(error, format!("{e:#}")),
    }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn wws_component_serialize(
    component: *const WwsComponent,
    out: *mut WwsBytes,
    error: *mut WwsBytes,
) -> bool {
    let component = unsafe { &*component };
    match component.component.serialize() {
        Ok(bytes) => {
            unsafe { *out = WwsBytes::from_vec(bytes) };
            true
        }
        Err(e) => {
            error_out(error, format!("{e:#}"));
            false
        }
    }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn wws_component_kind(component: *const WwsComponent) -> i32 {
    match unsafe { &(*component).kind } {
        Kind::Command(_) => 1,
        Kind::Http(_) => 2,
        Kind::Other => 0,
    }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn wws_component_delete(component: *mut WwsComponent) {
    if !component.is_null() {
        drop(unsafe { Box::from_raw(component) });
    }
}

thread_local! {
    // Each server thread drives its own runs; nothing is shared between them but the engine.
    static RUNTIME: tokio::runtime::Runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a current-thread runtime");
}

pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    RUNTIME.with(|rt| rt.block_on(f))
}

/// A fresh store for one run, with the guest's environment, folders, limits and deadline.
pub fn new_store(
    options: &WwsRunOptions,
    stdin: Option<MemoryInputPipe>,
    stdout: &MemoryOutputPipe,
    stderr: &MemoryOutputPipe,
) -> Result<Store<State>, String> {
    let mut b = WasiCtxBuilder::new();
    if let Some(stdin) = stdin {
        b.stdin(stdin);
    }
    b.stdout(stdout.clone()).stderr(stderr.clone());
    for pair in unsafe { pairs(options.env, options.env_len) } {
        b.env(unsafe { pair.name.lossy() }, unsafe { pair.value.lossy() });
    }
    for pair in unsafe { pairs(options.preopens, options.preopens_len) } {
        let host = unsafe { pair.name.lossy() };
        b.preopened_dir(&host, unsafe { pair.value.lossy() }, FsPerms::ReadWrite)
            .map_err(|e| format!("cannot open the folder {host}: {e:#}"))?;
    }
    let callbacks = Callbacks { ctx: options.ctx, write_stderr: options.write_stderr, allow_outgoing: options.allow_outgoing };
    let state = State {
        wasi: b.build(),
        http: WasiHttpCtx::new(),
        table: ResourceTable::new(),
        hooks: Hooks { callbacks },
        limits: Limits { max_memory_bytes: options.max_memory_bytes as usize, hit: false, callbacks },
    };
    let mut store = Store::new(engine(), state);
    store.limiter(|s| &mut s.limits);
    let ticks = options.timeout_ms.div_ceil(EPOCH_TICK.as_millis() as u64) + 1;
    store.set_epoch_deadline(ticks);
    store.epoch_deadline_trap();
    Ok(store)
}

/// Fills `end` from a run's error: an exit, the epoch deadline, or a trap.
pub fn record_error(end: &mut WwsRunEnd, error: wasmtime::Error, limits_hit: bool) {
    if let Some(exit) = error.downcast_ref::<I32Exit>() {
        end.exited = true;
        end.exit_code = exit.0 as u32;
        return;
    }
    if let Some(trap) = error.downcast_ref::<wasmtime::Trap>() {
        if *trap == wasmtime::Trap::Interrupt {
            end.timed_out = true;
        }
    }
    end.at_memory_cap = limits_hit;
    end.fail(format!("{error:#}"));
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn wws_component_run_command(
    component: *const WwsComponent,
    options: *const WwsRunOptions,
    stdin_data: WwsStr,
    stdout_data: *mut WwsBytes,
    end: *mut WwsRunEnd,
) {
    let (component, options, end) = unsafe { (&*component, &*options, &mut *end) };
    let Kind::Command(pre) = &component.kind else {
        end.fail("the component does not export wasi:cli/run".into());
        return;
    };
    let stdout = MemoryOutputPipe::new(options.stdout_limit.max(1));
    let stderr = MemoryOutputPipe::new(1 << 20);
    let stdin = MemoryInputPipe::new(bytes::Bytes::copy_from_slice(unsafe { stdin_data.bytes() }));
    let mut store = match new_store(options, Some(stdin), &stdout, &stderr) {
        Ok(s) => s,
        Err(e) => return end.fail(e),
    };
    let timeout = Duration::from_millis(options.timeout_ms);
    let result = block_on(async {
        let command = match pre.instantiate_async(&mut store).await {
            Ok(c) => c,
            Err(e) => return Err((false, e)),
        };
        // The epoch stops guest code; the wall clock also covers a guest waiting in the host.
        match tokio::time::timeout(timeout, command.wasi_cli_run().call_run(&mut store)).await {
            Ok(Ok(r)) => Ok(r),
            Ok(Err(e)) => Err((true, e)),
            Err(_) => Err((true, wasmtime::Error::from(wasmtime::Trap::Interrupt))),
        }
    });
    let limits_hit = store.data().limits.hit;
    match result {
        Ok(Ok(())) => {
            end.instantiated = true;
            end.completed = true;
        }
        Ok(Err(())) => {
            // wasi:cli/run returned an error: the command's exit status was non-zero.
            end.instantiated = true;
            end.exited = true;
            end.exit_code = 1;
        }
        Err((instantiated, e)) => {
            end.instantiated = instantiated;
            record_error(end, e, limits_hit);
        }
    }
    let callbacks = store.data().hooks.callbacks;
    callbacks.stderr(&stderr.contents());
    unsafe { *stdout_data = WwsBytes::from_vec(stdout.contents().to_vec()) };
}
