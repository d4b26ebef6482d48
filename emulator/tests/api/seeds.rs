use crate::common::*;
use serde_json::Value;

#[tokio::test]
async fn first_page_is_the_nine_seed_files_verbatim() {
    let emu = Setup {
        files: 300,
        folders: 12,
        ..Setup::default()
    }
    .start()
    .await;
    let page = emu.get("/files?limit=9").await;
    let seed = fixture("seed-files.json");
    let (got, want) = (
        page["results"].as_array().unwrap(),
        seed["results"].as_array().unwrap(),
    );
    assert_eq!(got.len(), 9);
    for (g, w) in got.iter().zip(want) {
        let (g, w) = (g.as_object().unwrap(), w.as_object().unwrap());
        assert_eq!(
            g.keys().collect::<Vec<_>>(),
            w.keys().collect::<Vec<_>>(),
            "fields and their order"
        );
        for (k, wv) in w {
            match k.as_str() {
                "url" => assert!(g[k].as_str().unwrap().starts_with(&emu.base)),
                "thumbnail" => {
                    assert_eq!(g[k]["width"], wv["width"]);
                    assert_eq!(g[k]["height"], wv["height"]);
                    assert_eq!(
                        g[k].as_object().unwrap().keys().collect::<Vec<_>>(),
                        wv.as_object().unwrap().keys().collect::<Vec<_>>()
                    );
                }
                _ => assert_eq!(&g[k], wv, "field {k} of file {}", w["id"]),
            }
        }
    }
}

#[tokio::test]
async fn seed_images_are_hosted_at_their_documented_size() {
    let emu = emu().await;
    let page = emu.get("/files?limit=9").await;
    for f in page["results"].as_array().unwrap() {
        let (_, bytes) = emu.hosted(f["url"].as_str().unwrap()).await;
        assert_eq!(bytes.len() as u64, f["size"].as_u64().unwrap());
        let img = image::load_from_memory(&bytes).unwrap();
        assert_eq!(
            (img.width() as u64, img.height() as u64),
            (f["width"].as_u64().unwrap(), f["height"].as_u64().unwrap())
        );
        let (kind, thumb) = emu.hosted(f["thumbnail"]["url"].as_str().unwrap()).await;
        assert_eq!(kind, "image/jpeg");
        let thumb = image::load_from_memory(&thumb).unwrap();
        assert_eq!(
            thumb.width() as u64,
            f["thumbnail"]["width"].as_u64().unwrap()
        );
        assert_eq!(
            thumb.height() as u64,
            f["thumbnail"]["height"].as_u64().unwrap()
        );
    }
}

#[tokio::test]
async fn seed_folder_is_verbatim() {
    let emu = Setup {
        files: 200,
        folders: 10,
        ..Setup::default()
    }
    .start()
    .await;
    let got = emu.get("/folders/-4").await;
    let want = fixture("seed-folder.json");
    assert_eq!(got, want);
    assert_eq!(
        got.as_object().unwrap().keys().collect::<Vec<_>>(),
        want.as_object().unwrap().keys().collect::<Vec<_>>()
    );
    // the folder the seed files name
    assert_eq!(emu.get("/folders/-1").await["name"], "wildflowers");
}

#[tokio::test]
async fn info_has_the_documented_shape_and_is_computed_from_the_state() {
    let emu = emu().await;
    let info = emu.info().await;
    let want = fixture("seed-info.json");
    assert_eq!(
        info.as_object().unwrap().keys().collect::<Vec<_>>(),
        want.as_object().unwrap().keys().collect::<Vec<_>>()
    );
    let (u, wu) = (&info["usage_summary"], &want["usage_summary"]);
    assert_eq!(
        u.as_object().unwrap().keys().collect::<Vec<_>>(),
        wu.as_object().unwrap().keys().collect::<Vec<_>>()
    );
    assert_eq!(info["max_upload_size_limit"], 5_242_880);
    assert_eq!(info["max_premium_space_limit"], 262_144_000);
    assert_eq!(info["max_free_file_num"], 0);
    assert_eq!(info["image_root"], Value::from(emu.base.clone()));
    let seed_bytes: u64 = fixture("seed-files.json")["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["size"].as_u64().unwrap())
        .sum();
    let doc = emu.get("/files/10").await;
    assert_eq!(u["file_count"], 10);
    assert_eq!(u["image_count"], 9);
    assert_eq!(u["document_count"], 1);
    assert_eq!(u["folder_count"], 3);
    assert_eq!(u["image_bytes_used"], seed_bytes);
    assert_eq!(u["document_bytes_used"], doc["size"]);
    let total = u["total_bytes_used"].as_u64().unwrap();
    assert_eq!(total, seed_bytes + doc["size"].as_u64().unwrap());
    assert_eq!(
        u["total_bytes_remaining"].as_u64().unwrap(),
        262_144_000 - total
    );
}

#[tokio::test]
async fn the_binary_picks_a_free_port_and_prints_it() {
    use std::io::{BufRead, BufReader};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mylibrary-emulator"))
        .args([
            "--port",
            "0",
            "--files",
            "20",
            "--api-key",
            "k1",
            "--access-token",
            "t1",
        ])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap()
        .to_string();
    assert!(!url.ends_with(":0"));
    let r = reqwest::Client::new()
        .get(format!("{url}/v2/library/info?api_key=k1"))
        .bearer_auth("t1")
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let info: Value = r.json().await.unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(status, 200);
    assert_eq!(info["usage_summary"]["file_count"], 30);
}

#[tokio::test]
async fn a_ten_thousand_file_library_resets_with_consistent_counts() {
    let emu = emu().await;
    emu.control(
        "reset",
        serde_json::json!({ "files": 10_000, "folders": 40 }),
    )
    .await;
    let info = emu.info().await;
    assert_eq!(info["usage_summary"]["file_count"], 10_010);
    assert_eq!(info["usage_summary"]["folder_count"], 43);
    let page = emu.get("/files?limit=1000").await;
    assert_eq!(page["results"].as_array().unwrap().len(), 1000);
    let first_ids: Vec<String> = ids(&page["results"].as_array().unwrap()[..9]);
    assert_eq!(first_ids, ["9", "8", "7", "6", "5", "4", "3", "2", "1"]);
    // a three-level tree
    let folders = emu.all("/folders?limit=1000").await;
    let mut max_level = 0;
    let mut stack: Vec<&Value> = folders.iter().collect();
    while let Some(f) = stack.pop() {
        max_level = max_level.max(f["level"].as_u64().unwrap());
        stack.extend(f["children"].as_array().unwrap());
    }
    assert_eq!(max_level, 3);
}
