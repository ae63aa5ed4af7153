use std::io::Read;
use std::time::Instant;
fn main() {
    let pids: Vec<u32> = std::fs::read_dir("/proc").unwrap().filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .filter(|p: &u32| std::fs::read_link(format!("/proc/{p}/exe")).map(|l| l.to_string_lossy().contains("hello-bench")).unwrap_or(false)).collect();
    eprintln!("{} pids", pids.len());
    let time = |name: &str, f: &dyn Fn(u32)| { let t = Instant::now(); for &p in &pids { f(p) } eprintln!("{name:28} {:?}", t.elapsed()); };
    for _ in 0..2 {
    time("fs::read stat", &|p| { std::fs::read(format!("/proc/{p}/stat")).unwrap(); });
    time("one read stat", &|p| { let mut b = [0u8; 4096]; let mut f = std::fs::File::open(format!("/proc/{p}/stat")).unwrap(); let n = f.read(&mut b).unwrap(); let _ = f.read(&mut b[n..]); });
    time("fs::read environ", &|p| { std::fs::read(format!("/proc/{p}/environ")).unwrap(); });
    time("one read environ", &|p| { let mut b = vec![0u8; 65536]; let mut f = std::fs::File::open(format!("/proc/{p}/environ")).unwrap(); let n = f.read(&mut b).unwrap(); let _ = f.read(&mut b[n..]); });
    time("ns pid+mnt", &|p| { std::fs::metadata(format!("/proc/{p}/ns/pid")).unwrap(); std::fs::metadata(format!("/proc/{p}/ns/mnt")).unwrap(); });
    time("readlink exe", &|p| { std::fs::read_link(format!("/proc/{p}/exe")).unwrap(); });
    time("readlink ns pid+mnt", &|p| { std::fs::read_link(format!("/proc/{p}/ns/pid")).unwrap(); std::fs::read_link(format!("/proc/{p}/ns/mnt")).unwrap(); });
    time("open+close only environ", &|p| { std::fs::File::open(format!("/proc/{p}/environ")).unwrap(); });
    }
}
