//! The memory limit of one component run, remembering whether the guest hit it (a failed
//! growth then explains a trap as out of memory, as for core modules) and saying so in the
//! worker's log, since a guest may also survive the failed growth and answer an error itself.

use crate::ffi::Callbacks;

pub struct Limits {
    pub max_memory_bytes: usize,
    pub hit: bool,
    pub callbacks: Callbacks,
}

impl wasmtime::ResourceLimiter for Limits {
    fn memory_growing(&mut self, _current: usize, desired: usize, _maximum: Option<usize>) -> wasmtime::Result<bool> {
        if self.max_memory_bytes != 0 && desired > self.max_memory_bytes {
            if !self.hit {
                let mib = self.max_memory_bytes >> 20;
                self.callbacks.stderr(format!("memory.grow refused: the worker's memory limit is {mib} MiB\n").as_bytes());
            }
            self.hit = true;
            return Ok(false);
        }
        Ok(true)
    }
    fn table_growing(&mut self, _current: usize, desired: usize, _maximum: Option<usize>) -> wasmtime::Result<bool> {
        Ok(desired <= 10_000_000)
    }
}
