//! The geoevent command-line tool: a thin layer over the library.

mod cli;

use std::process::ExitCode;

use clap::Parser;

/// mimalloc: the pipeline makes many small, short-lived allocations per
/// document, and glibc's malloc spent about a tenth of `places` on them.
/// Version 2, not 3: on kernels with transparent huge pages on `madvise`,
/// version 3 commits its arenas in huge pages and doubled the peak memory.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay`: its place in `mi_option_t` of
/// mimalloc 2, which `libmimalloc-sys` 0.1.49 builds (the crate names no
/// constant for it; a test checks the option's documented default there).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> ExitCode {
    // Freed memory is never given back to the OS. mimalloc's heap sits in
    // transparent huge pages, and a page given back and then used again is
    // zeroed again by the kernel (up to 4% of a `places` run in `perf`);
    // never purging made runs 1.5-3% faster. Memory stays at its peak,
    // which stays flat on a stream of any length.
    // SAFETY: setting an option has no precondition; mimalloc reads this
    // one when it next considers purging.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    let opts = match cli::Opts::try_parse() {
        Ok(o) => o,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            // Printing help or usage can itself hit a closed pipe; nothing to do then.
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli::run(opts) {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("geoevent: error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || e.downcast_ref::<geoevent::Error>().is_some_and(
                |g| matches!(g, geoevent::Error::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe),
            )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The option set in `main` is mimalloc's purge delay: its documented
    /// default (10 ms) and its neighbours' (the delay before eager commits,
    /// 1; NUMA nodes, 0) read where `mi_option_t` puts them.
    #[test]
    fn the_purge_delay_option_is_where_mimalloc_2_puts_it() {
        if std::env::vars().any(|(k, _)| k.starts_with("MIMALLOC_")) {
            return; // options from the environment would read otherwise
        }
        // SAFETY: reading options has no precondition.
        let get = |o| unsafe { libmimalloc_sys::mi_option_get(o) };
        assert_eq!(get(MI_OPTION_PURGE_DELAY - 1), 1);
        assert_eq!(get(MI_OPTION_PURGE_DELAY), 10);
        assert_eq!(get(MI_OPTION_PURGE_DELAY + 1), 0);
    }
}
