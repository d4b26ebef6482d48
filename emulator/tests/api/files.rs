use crate::common::*;
use reqwest::Method;
use serde_json::{Value, json};

#[tokio::test]
async fn list_defaults_and_filters() {
    let emu = Setup {
        files: 120,
        folders: 8,
        ..Setup::default()
    }
    .start()
    .await;
    let page = emu.get("/files").await;
    let results = page["results"].as_array().unwrap();
    assert_eq!(results.len(), 50);
    assert!(
        page["meta"]["pagination"]["next_link"]
            .as_str()
            .unwrap()
            .starts_with("/v2/library/files?next=")
    );
    let all = emu.all("/files?limit=1000").await;
    assert_eq!(all.len(), 130);
    let images = emu.all("/files?type=IMAGES&limit=1000").await;
    let docs = emu.all("/files?type=documents&limit=1000").await;
    assert!(images.iter().all(|f| f["is_image"] == true));
    assert!(
        docs.iter()
            .all(|f| f["is_image"] == false && f["width"] == 0 && f["height"] == 0)
    );
    assert_eq!(images.len() + docs.len(), all.len());
    assert!(!docs.is_empty());
    let info = emu.info().await;
    assert_eq!(
        info["usage_summary"]["document_count"].as_u64().unwrap() as usize,
        docs.len()
    );
    // sources: case-insensitive, ALL is everything
    let mut by_source = 0;
    for source in [
        "MyComputer",
        "stockimage",
        "FACEBOOK",
        "Instagram",
        "Shutterstock",
        "Mobile",
    ] {
        let list = emu.all(&format!("/files?source={source}&limit=1000")).await;
        assert!(
            list.iter()
                .all(|f| f["source"].as_str().unwrap().eq_ignore_ascii_case(source))
        );
        by_source += list.len();
    }
    assert_eq!(by_source, all.len());
    assert_eq!(
        emu.all("/files?source=all&limit=1000").await.len(),
        all.len()
    );
    let combo = emu
        .all("/files?source=MyComputer&type=IMAGES&limit=1000")
        .await;
    assert!(
        combo
            .iter()
            .all(|f| f["source"] == "MyComputer" && f["is_image"] == true)
    );
    // by folder, and folder 0 for the files in no folder
    let mut in_folders = emu.all("/folders/0/files?limit=1000").await.len();
    assert!(
        emu.all("/folders/0/files?limit=1000")
            .await
            .iter()
            .all(|f| f["folder_id"].is_null())
    );
    let mut stack: Vec<Value> = emu.all("/folders?limit=1000").await;
    while let Some(f) = stack.pop() {
        let id = f["id"].as_str().unwrap();
        let files = emu.all(&format!("/folders/{id}/files?limit=1000")).await;
        assert_eq!(files.len() as u64, f["item_count"].as_u64().unwrap());
        assert!(
            files
                .iter()
                .all(|x| x["folder_id"] == f["id"] && x["folder"] == f["name"])
        );
        in_folders += files.len();
        stack.extend(f["children"].as_array().unwrap().iter().cloned());
    }
    assert_eq!(in_folders, all.len());
}

#[tokio::test]
async fn get_and_update_a_file() {
    let emu = emu().await;
    let f = emu.get("/files/7").await;
    assert_eq!(
        (f["name"].as_str(), f["folder_id"].clone()),
        (Some("IMG_0267.JPG"), Value::Null)
    );
    let (s, v) = emu
        .json(
            Method::PUT,
            "/files/7",
            Some(json!({ "description": "chocolates", "name": "IMG_0261.JPG", "folder_id": "-1" })),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(
        (
            v["description"].as_str(),
            v["name"].as_str(),
            v["folder_id"].as_str(),
            v["folder"].as_str()
        ),
        (
            Some("chocolates"),
            Some("IMG_0261.JPG"),
            Some("-1"),
            Some("wildflowers")
        )
    );
    assert_ne!(v["modified_date"], f["modified_date"]);
    assert_eq!(v["created_date"], f["created_date"]);
    // read-only fields in the body are tolerated (the Java SDK sends them all)
    let mut whole = v.clone();
    whole["description"] = json!("all fields");
    let (s, v) = emu.json(Method::PUT, "/files/7", Some(whole)).await;
    assert_eq!((s, v["description"].as_str()), (200, Some("all fields")));
    // include_payload=FALSE: 204 with Location
    let r = emu
        .call(
            Method::PUT,
            "/files/7?include_payload=FALSE",
            Some(json!({ "description": "quiet", "folder_id": "0" })),
        )
        .await;
    assert_eq!(r.status(), 204);
    assert_eq!(
        r.headers()["location"].to_str().unwrap(),
        format!("{}/v2/library/files/7", emu.base)
    );
    assert!(r.bytes().await.unwrap().is_empty());
    let f = emu.get("/files/7").await;
    assert_eq!(
        (
            f["description"].as_str(),
            f["folder_id"].clone(),
            f["folder"].as_str()
        ),
        (Some("quiet"), Value::Null, Some("images"))
    );
    // names and descriptions may hold any character
    let (s, v) = emu
        .json(
            Method::PUT,
            "/files/7",
            Some(json!({ "description": "日本語 ✓ <b>", "name": "a#b?c/d Café.jpg" })),
        )
        .await;
    assert_eq!(
        (s, v["name"].as_str(), v["description"].as_str()),
        (200, Some("a#b?c/d Café.jpg"), Some("日本語 ✓ <b>"))
    );
    let cases: Vec<(Value, u16, &str)> = vec![
        (json!({ "name": "x.jpg" }), 400, "json.field.required"),
        (
            json!({ "description": "d".repeat(101) }),
            400,
            "json.max.length.violation",
        ),
        (
            json!({ "description": "d", "name": "n".repeat(81) }),
            400,
            "json.max.length.violation",
        ),
        (
            json!({ "description": "d", "name": "" }),
            400,
            "json.field.required",
        ),
        (
            json!({ "description": "d", "folder_id": "-999" }),
            400,
            "json.field.invalid",
        ),
        (json!({ "description": 5 }), 400, "json.field.invalid"),
    ];
    for (body, status, key) in cases {
        let (s, v) = emu.json(Method::PUT, "/files/7", Some(body.clone())).await;
        assert_eq!((s, error_key(&v)), (status, key), "{body}");
    }
    assert_eq!(
        emu.json(
            Method::PUT,
            "/files/404",
            Some(json!({ "description": "x" }))
        )
        .await
        .0,
        404
    );
    // exactly 80 and 100 characters are accepted
    let (s, _) = emu
        .json(
            Method::PUT,
            "/files/7",
            Some(json!({ "description": "é".repeat(100), "name": "n".repeat(80) })),
        )
        .await;
    assert_eq!(s, 200);
}

#[tokio::test]
async fn delete_to_trash_and_empty_it() {
    let emu = emu().await;
    let before = emu.info().await["usage_summary"].clone();
    let (s, v) = emu.json(Method::DELETE, "/files/6,%207", None).await;
    assert_eq!((s, v), (204, Value::Null));
    let f = emu.get("/files/6").await;
    assert_eq!(f["status"], "Deleted");
    let listed = ids(&emu.all("/files?limit=1000").await);
    assert!(!listed.contains(&"6".to_string()) && !listed.contains(&"7".to_string()));
    let trash = emu.get("/folders/trash/files").await;
    assert_eq!(ids(trash["results"].as_array().unwrap()).len(), 2);
    assert_eq!(
        emu.get("/folders/trash/files?type=DOCUMENTS").await["results"],
        json!([])
    );
    assert_eq!(
        emu.get("/folders/trash/files?sort_by=SIZE").await["results"][0]["id"],
        "6"
    );
    // deleted files still use space until the trash is emptied
    assert_eq!(emu.info().await["usage_summary"], before);
    // an unknown id fails the whole request
    let (s, v) = emu.json(Method::DELETE, "/files/5,99999", None).await;
    assert_eq!((s, error_key(&v)), (404, "http.status.not_found"));
    assert_eq!(emu.get("/files/5").await["status"], "Active");
    let (s, _) = emu.json(Method::DELETE, "/folders/trash/files", None).await;
    assert_eq!(s, 204);
    assert_eq!(emu.json(Method::GET, "/files/6", None).await.0, 404);
    assert_eq!(emu.get("/folders/trash/files").await["results"], json!([]));
    let after = emu.info().await["usage_summary"].clone();
    let freed = 39_952 + 42_217;
    assert_eq!(
        after["total_bytes_used"].as_u64().unwrap(),
        before["total_bytes_used"].as_u64().unwrap() - freed
    );
    assert_eq!(
        after["file_count"].as_u64().unwrap(),
        before["file_count"].as_u64().unwrap() - 2
    );
    assert_eq!(
        after["total_bytes_remaining"].as_u64().unwrap(),
        before["total_bytes_remaining"].as_u64().unwrap() + freed
    );
    // hosted bytes are gone too
    let r = emu
        .http
        .get(format!("{}/ih/files/6.jpg", emu.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn move_files() {
    let emu = emu().await;
    let (s, v) = emu
        .json(Method::PUT, "/folders/-10/files", Some(json!(["8", "9"])))
        .await;
    assert_eq!(s, 200);
    assert_eq!(
        v,
        json!([
            { "id": "8", "uri": format!("{}/v2/library/files/8", emu.base) },
            { "id": "9", "uri": format!("{}/v2/library/files/9", emu.base) },
        ])
    );
    assert_eq!(emu.get("/files/9").await["folder"], "market_studies");
    // an unknown file fails the whole move
    let (s, v) = emu
        .json(
            Method::PUT,
            "/folders/-1/files",
            Some(json!(["8", "12345"])),
        )
        .await;
    assert_eq!((s, error_key(&v)), (400, "mylibrary.file.not_found"));
    assert_eq!(emu.get("/files/8").await["folder_id"], "-10");
    let (s, _) = emu
        .json(Method::PUT, "/folders/-999/files", Some(json!(["8"])))
        .await;
    assert_eq!(s, 404);
    for bad in [json!({ "ids": ["8"] }), json!([]), json!([["8"]])] {
        let (s, v) = emu
            .json(Method::PUT, "/folders/-1/files", Some(bad.clone()))
            .await;
        assert_eq!(
            (s, error_key(&v)),
            (400, "http.status.bad_request"),
            "{bad}"
        );
    }
    let r = emu
        .req(Method::PUT, "/folders/-1/files")
        .header("Content-Type", "application/json")
        .body("[\"8\",")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // to the top level with folder 0; a move out of the trash restores the file
    emu.json(Method::DELETE, "/files/8", None).await;
    let (s, _) = emu
        .json(Method::PUT, "/folders/0/files", Some(json!(["8"])))
        .await;
    assert_eq!(s, 200);
    let f = emu.get("/files/8").await;
    assert_eq!(
        (
            f["status"].as_str(),
            f["folder_id"].clone(),
            f["folder"].as_str()
        ),
        (Some("Active"), Value::Null, Some("images"))
    );
}
