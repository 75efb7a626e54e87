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

fn main() -> ExitCode {
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
