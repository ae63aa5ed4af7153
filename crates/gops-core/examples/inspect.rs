//! Prints what `gops_core::inspect` finds in each file named on the command line
//! (`cargo run -p gops-core --example inspect -- FILE...`), for checking the core by hand.

fn main() {
    for arg in std::env::args_os().skip(1) {
        let path = std::path::Path::new(&arg);
        match gops_core::inspect::inspect_path(path) {
            Ok(info) => println!("{}: {info:#?}", path.display()),
            Err(error) => println!("{}: {:?} {error}", path.display(), error.code()),
        }
    }
}
