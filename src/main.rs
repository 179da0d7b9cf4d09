use std::process::ExitCode;

fn main() -> ExitCode {
    cancelsafe::cli::main()
}
