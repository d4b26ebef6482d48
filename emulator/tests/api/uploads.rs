use crate::common::*;
use mylibrary_emulator::images::EICAR;
use reqwest::Method;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

#[tokio::test]
async fn upload_a_png_and_watch_it_become_active() {
    let emu = Setup {
        upload_delay_ms: 600,
        ..Setup::default()
    }
    .start()
    .await;
    let data = png(640, 320);
    let r = emu.upload("sunset.png", "png", "-1", data.clone()).await;
    assert_eq!(r.status(), 202);
    let id = r.headers()["id"].to_str().unwrap().to_string();
    assert_eq!(
        r.headers()["location"].to_str().unwrap(),
        format!("{}/v2/library/files/{id}", emu.base)
    );
    assert!(r.bytes().await.unwrap().is_empty());
    let mut seen = Vec::new();
    let started = Instant::now();
    loop {
        let st = emu.get(&format!("/files/uploadstatus/{id}")).await;
        let s = st[0]["status"].as_str().unwrap().to_string();
        assert_eq!(st[0]["file_id"], Value::from(id.clone()));
        assert_eq!(st[0]["description"], Value::from(s.clone()));
        if seen.last() != Some(&s) {
            seen.push(s.clone());
        }
        if s == "Active" || started.elapsed() > Duration::from_secs(5) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(40)).await;
    }
    assert_eq!(seen, ["Uploaded", "Processing", "Active"]);
    let f = emu.get(&format!("/files/{id}")).await;
    assert_eq!(
        (
            f["width"].as_u64(),
            f["height"].as_u64(),
            f["size"].as_u64()
        ),
        (Some(640), Some(320), Some(data.len() as u64))
    );
    assert_eq!(
        (
            f["file_type"].as_str(),
            f["source"].as_str(),
            f["is_image"].as_bool()
        ),
        (Some("PNG"), Some("MyComputer"), Some(true))
    );
    assert_eq!(
        (
            f["folder_id"].as_str(),
            f["folder"].as_str(),
            f["description"].as_str()
        ),
        (Some("-1"), Some("wildflowers"), Some("uploaded by a test"))
    );
    // hosted: the same bytes, and a real thumbnail with the longest side 200
    assert_eq!(
        emu.hosted(f["url"].as_str().unwrap()).await,
        ("image/png".to_string(), data.clone())
    );
    let (_, thumb) = emu.hosted(f["thumbnail"]["url"].as_str().unwrap()).await;
    let thumb = image::load_from_memory(&thumb).unwrap();
    assert_eq!((thumb.width(), thumb.height()), (200, 100));
    assert_eq!(
        (
            f["thumbnail"]["width"].as_u64(),
            f["thumbnail"]["height"].as_u64()
        ),
        (Some(200), Some(100))
    );
    // it is the newest file
    assert_eq!(
        emu.get("/files?limit=1").await["results"][0]["id"],
        Value::from(id)
    );
}

#[tokio::test]
async fn virus_failure_and_documents() {
    let emu = emu().await;
    let mut virus = b"%PDF-1.4 ".to_vec();
    virus.extend_from_slice(EICAR);
    let v = emu.upload_ok("eicar.pdf", "PDF", "0", virus).await;
    let broken = emu
        .upload_ok(
            "broken.jpg",
            "JPG",
            "0",
            b"\xFF\xD8 this is not a jpeg".to_vec(),
        )
        .await;
    let doc = emu
        .upload_ok(
            "report.docx",
            "docx",
            "-4",
            b"PK\x03\x04 a word document".to_vec(),
        )
        .await;
    let st = emu
        .get(&format!("/files/uploadstatus/{v},{broken},{doc},424242"))
        .await;
    let got: Vec<(&str, &str)> = st
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["file_id"].as_str().unwrap(),
                s["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (v.as_str(), "VirusFound"),
            (broken.as_str(), "Failed"),
            (doc.as_str(), "Active")
        ]
    );
    let d = emu.get(&format!("/files/{doc}")).await;
    assert_eq!(
        (
            d["is_image"].as_bool(),
            d["width"].as_u64(),
            d["file_type"].as_str()
        ),
        (Some(false), Some(0), Some("DOCX"))
    );
    assert_eq!(
        (
            d["thumbnail"]["width"].as_u64(),
            d["thumbnail"]["height"].as_u64()
        ),
        (Some(178), Some(200))
    );
    let (_, icon) = emu.hosted(d["thumbnail"]["url"].as_str().unwrap()).await;
    let icon = image::load_from_memory(&icon).unwrap();
    assert_eq!((icon.width(), icon.height()), (178, 200));
    assert_eq!(
        emu.hosted(d["url"].as_str().unwrap()).await.0,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
    // unknown ids alone: the "null set"
    assert_eq!(emu.get("/files/uploadstatus/424242,5000").await, json!([]));
    // the recorded variant: the seed files report Active
    assert_eq!(
        emu.get("/files/uploadstatus/9,8").await,
        json!([
            { "file_id": "9", "status": "Active", "description": "Active" },
            { "file_id": "8", "status": "Active", "description": "Active" },
        ])
    );
}

#[tokio::test]
async fn uploads_are_validated() {
    let emu = emu().await;
    let ok = png(4, 4);
    let long_name = "n".repeat(81);
    let cases: Vec<(&str, &str, &str, Vec<u8>, &str)> = vec![
        (
            "a.bmp",
            "BMP",
            "0",
            ok.clone(),
            "mylibrary.file.type.unsupported",
        ),
        ("a.png", "", "0", ok.clone(), "json.field.required"),
        ("", "PNG", "0", ok.clone(), "json.field.required"),
        (
            long_name.as_str(),
            "PNG",
            "0",
            ok.clone(),
            "json.max.length.violation",
        ),
        ("a.png", "PNG", "-999", ok.clone(), "json.field.invalid"),
        ("a.png", "PNG", "0", Vec::new(), "json.field.required"),
        (
            "big.png",
            "PNG",
            "0",
            vec![0u8; 5_242_881],
            "mylibrary.file.too_large",
        ),
    ];
    for (name, ft, folder, data, key) in cases {
        let r = emu.upload(name, ft, folder, data).await;
        let status = r.status().as_u16();
        let v: Value = r.json().await.unwrap();
        assert_eq!((status, error_key(&v)), (400, key), "{name} {ft}");
    }
    // exactly at the limit is fine; the limit follows the configuration
    let mut at_limit = ok.clone();
    at_limit.resize(5_242_880, 0);
    emu.upload_ok("limit.png", "PNG", "0", at_limit).await;
    emu.set(json!({ "max_upload_size_limit": 1000 })).await;
    assert_eq!(emu.info().await["max_upload_size_limit"], 1000);
    let r = emu.upload("small.png", "PNG", "0", vec![1u8; 1001]).await;
    assert_eq!(r.status(), 400);
    // a bad source, and a malformed multipart body
    let form = reqwest::multipart::Form::new()
        .text("file_name", "a.png")
        .text("file_type", "PNG")
        .text("source", "Camera")
        .part("data", reqwest::multipart::Part::bytes(ok.clone()));
    let r = emu
        .req(Method::POST, "/files")
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = emu
        .req(Method::POST, "/files")
        .header("Content-Type", "multipart/form-data; boundary=XX")
        .body("--XX\r\nbroken")
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let v: Value = r.json().await.unwrap();
    assert_eq!((status, error_key(&v)), (400, "http.status.bad_request"));
    // names may hold any character
    let id = emu.upload_ok("Café #1 <b>.png", "PNG", "0", ok).await;
    assert_eq!(
        emu.get(&format!("/files/{id}")).await["name"],
        "Café #1 <b>.png"
    );
}
