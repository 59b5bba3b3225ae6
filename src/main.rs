//! `cargo-fix-swarm`, found by cargo as the `cargo fix-swarm` subcommand.

fn main() {
    let code = cargo_fix_swarm::run::run(std::env::args_os().collect());
    std::process::exit(code);
}
