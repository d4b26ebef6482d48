use crate::common::*;
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::HashSet;

/// 200 concurrent uploads, moves and deletes: nothing lost, nothing doubled, and the usage
/// summary agrees with the file lists.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writes_stay_consistent() {
    let emu = std::sync::Arc::new(
        Setup {
            files: 100,
            folders: 6,
            ..Setup::default()
        }
        .start()
        .await,
    );
    let existing = ids(&emu.all("/files?limit=1000").await);
    let small = png(24, 16);
    let mut tasks = Vec::new();
    for i in 0..200usize {
        let emu = emu.clone();
        let small = small.clone();
        let target = existing[i % existing.len()].clone();
        tasks.push(tokio::spawn(async move {
            match i % 4 {
                0 | 1 => {
                    let r = emu
                        .upload(
                            &format!("c{i}.png"),
                            "PNG",
                            if i % 8 == 0 { "-1" } else { "0" },
                            small,
                        )
                        .await;
                    assert_eq!(r.status(), 202);
                    Some(r.headers()["id"].to_str().unwrap().to_string())
                }
                2 => {
                    let folder = if i % 3 == 0 { "-1" } else { "-10" };
                    let (s, _) = emu
                        .json(
                            Method::PUT,
                            &format!("/folders/{folder}/files"),
                            Some(json!([target])),
                        )
                        .await;
                    assert_eq!(s, 200);
                    None
                }
                _ => {
                    let (s, _) = emu
                        .json(Method::DELETE, &format!("/files/{target}"), None)
                        .await;
                    assert_eq!(s, 204);
                    None
                }
            }
        }));
    }
    let mut uploaded = HashSet::new();
    for t in tasks {
        if let Some(id) = t.await.unwrap() {
            assert!(uploaded.insert(id), "an id was handed out twice");
        }
    }
    assert_eq!(uploaded.len(), 100);
    let (every, usage) = assert_consistent(&emu).await;
    assert_eq!(every.len(), existing.len() + 100);
    let listed = ids(&every);
    assert!(uploaded.iter().all(|id| listed.contains(id)));
    let images = every
        .iter()
        .filter(|f| f["is_image"] == Value::Bool(true))
        .count();
    assert_eq!(usage["image_count"].as_u64().unwrap() as usize, images);
}

/// Every file listed once across the library and the trash, and a usage summary whose file
/// count and bytes agree with the lists. Returns those files and the summary.
async fn assert_consistent(emu: &Emu) -> (Vec<Value>, Value) {
    let mut every = emu.all("/files?limit=1000").await;
    every.extend(emu.all("/folders/trash/files?limit=1000").await);
    let mut unique = ids(&every);
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), every.len(), "a file is listed twice");
    let usage = emu.info().await["usage_summary"].clone();
    let bytes: u64 = every.iter().map(|f| f["size"].as_u64().unwrap()).sum();
    assert_eq!(usage["file_count"].as_u64().unwrap() as usize, every.len());
    assert_eq!(usage["total_bytes_used"].as_u64().unwrap(), bytes);
    (every, usage)
}

/// 1,000 concurrent mixed requests (reads, uploads, moves, deletes, folder creations, status
/// checks; at most 200 in flight, bounded in time) leave the library consistent: every file
/// once, and the usage summary equal to the sum of the sizes.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_mixed_requests() {
    let emu = std::sync::Arc::new(
        Setup {
            files: 300,
            folders: 10,
            ..Setup::default()
        }
        .start()
        .await,
    );
    let existing = ids(&emu.all("/files?limit=1000").await);
    let small = png(12, 8);
    let gate = std::sync::Arc::new(tokio::sync::Semaphore::new(200));
    let mut tasks = Vec::new();
    for i in 0..1000usize {
        let (emu, small, gate) = (emu.clone(), small.clone(), gate.clone());
        let target = existing[(i * 7) % existing.len()].clone();
        tasks.push(tokio::spawn(async move {
            let _permit = gate.acquire().await.unwrap();
            let status = match i % 10 {
                0 | 1 => emu
                    .upload(&format!("load{i}.png"), "PNG", "0", small)
                    .await
                    .status()
                    .as_u16(),
                2 => {
                    emu.json(Method::PUT, "/folders/-1/files", Some(json!([target])))
                        .await
                        .0
                }
                3 => {
                    emu.json(Method::DELETE, &format!("/files/{target}"), None)
                        .await
                        .0
                }
                4 => {
                    emu.json(
                        Method::POST,
                        "/folders",
                        Some(json!({ "name": format!("Load {i}") })),
                    )
                    .await
                    .0
                }
                5 => {
                    emu.json(Method::GET, &format!("/files/uploadstatus/{target}"), None)
                        .await
                        .0
                }
                6 => {
                    emu.json(
                        Method::PUT,
                        &format!("/files/{target}"),
                        Some(json!({ "description": format!("d{i}") })),
                    )
                    .await
                    .0
                }
                7 => emu.json(Method::GET, "/folders?limit=1000", None).await.0,
                8 => emu.json(Method::GET, "/info", None).await.0,
                _ => {
                    emu.json(Method::GET, "/files?limit=200&sort_by=NAME", None)
                        .await
                        .0
                }
            };
            assert!(status < 500, "request {i}: {status}");
        }));
    }
    let all = async {
        for t in tasks {
            t.await.unwrap();
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(60), all)
        .await
        .expect("finished within a minute");
    let (every, usage) = assert_consistent(&emu).await;
    assert_eq!(
        every.len(),
        existing.len() + 200,
        "every upload stored once"
    );
    let folders = emu.all("/folders?limit=1000").await;
    assert_eq!(
        usage["folder_count"].as_u64().unwrap(),
        count_folders(&folders)
    );
}

fn count_folders(list: &[Value]) -> u64 {
    list.iter()
        .map(|f| 1 + count_folders(f["children"].as_array().unwrap()))
        .sum()
}
