use std::process::ExitCode;

/// ruff's choice: the system allocator spends a large share of a big file's time in malloc
/// and free (parsing and flattening trees allocate many small nodes).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    cancelsafe::cli::main()
}
