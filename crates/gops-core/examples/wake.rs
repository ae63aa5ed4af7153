use gops_core::scanner::{ScanOptions, Scanner};
use std::sync::mpsc;
use std::time::Instant;
fn med(mut v: Vec<f64>) -> f64 { v.sort_by(|a, b| a.partial_cmp(b).unwrap()); v[v.len() / 2] }
fn main() {
    let mut s = Scanner::new(ScanOptions::new("/root/.config/gops".into()));
    s.scan().unwrap();
    let mut main_t = vec![];
    for _ in 0..300 { main_t.push(s.scan().unwrap().stats.duration.as_secs_f64() * 1e3); std::thread::sleep(std::time::Duration::from_micros(200)); }
    let (tx, rx) = mpsc::channel::<()>(); let (btx, brx) = mpsc::channel::<(f64, f64)>();
    let h = std::thread::spawn(move || { for _ in rx { let t = Instant::now(); let d = s.scan().unwrap().stats.duration.as_secs_f64() * 1e3; let _ = t; btx.send((d, 0.0)).unwrap(); } });
    let (mut worker_t, mut round) = (vec![], vec![]);
    for _ in 0..300 { let t = Instant::now(); tx.send(()).unwrap(); let (d, _) = brx.recv().unwrap(); round.push(t.elapsed().as_secs_f64() * 1e3); worker_t.push(d); std::thread::sleep(std::time::Duration::from_micros(200)); }
    drop(tx); h.join().unwrap();
    println!("main {:.3} worker {:.3} worker round trip {:.3}", med(main_t), med(worker_t), med(round));
}
