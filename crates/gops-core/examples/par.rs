use std::os::fd::AsRawFd;
use std::sync::{Arc, Mutex, Condvar};
use std::time::Instant;
fn stat_all(dir: i32, pids: &[u32]) -> usize {
    let mut ok = 0;
    for &p in pids {
        let path = std::ffi::CString::new(format!("{p}/exe")).unwrap();
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        if unsafe { libc::fstatat(dir, path.as_ptr(), &mut st, 0) } == 0 { ok += 1 }
    }
    ok
}
fn list() -> Vec<u32> { std::fs::read_dir("/proc").unwrap().filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok()).collect() }
fn main() {
    let proc_dir = std::fs::File::open("/proc").unwrap();
    let fd = proc_dir.as_raw_fd();
    // persistent helper: waits for a job (generation counter), stats second half
    let state = Arc::new((Mutex::new((0u64, Vec::<u32>::new(), 0u64)), Condvar::new()));
    let s2 = state.clone();
    std::thread::spawn(move || { let mut seen = 0; loop {
        let (lock, cv) = &*s2; let mut g = lock.lock().unwrap();
        while g.0 == seen { g = cv.wait(g).unwrap(); }
        seen = g.0; let job = std::mem::take(&mut g.1); drop(g);
        stat_all(fd, &job);
        let mut g = lock.lock().unwrap(); g.2 = seen; cv.notify_all();
    }});
    let mut one = vec![]; let mut two = vec![];
    for _ in 0..400 {
        let t = Instant::now(); let pids = list(); stat_all(fd, &pids); one.push(t.elapsed().as_secs_f64()*1e3);
        let t = Instant::now(); let pids = list(); let half = pids.len()/2;
        { let (lock, cv) = &*state; let mut g = lock.lock().unwrap(); g.0 += 1; g.1 = pids[half..].to_vec(); cv.notify_all(); }
        stat_all(fd, &pids[..half]);
        { let (lock, cv) = &*state; let mut g = lock.lock().unwrap(); let want = g.0; while g.2 != want { g = cv.wait(g).unwrap(); } }
        two.push(t.elapsed().as_secs_f64()*1e3);
    }
    one.sort_by(|a,b| a.partial_cmp(b).unwrap()); two.sort_by(|a,b| a.partial_cmp(b).unwrap());
    println!("n={} one {:.3} two {:.3}", list().len(), one[200], two[200]);
}
