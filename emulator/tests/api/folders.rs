use crate::common::*;
use reqwest::Method;
use serde_json::{Value, json};

#[tokio::test]
async fn create_nest_and_limit_depth() {
    let emu = emu().await;
    let a = emu.create_folder("Campaigns", None).await;
    assert_eq!(
        (
            a["level"].as_u64(),
            a["parent_id"].as_str(),
            a["item_count"].as_u64()
        ),
        (Some(1), Some("0"), Some(0))
    );
    assert!(a["id"].as_str().unwrap().starts_with('-'));
    let b = emu.create_folder("Spring", a["id"].as_str()).await;
    assert_eq!(b["level"], 2);
    assert_eq!(b["parent_id"], a["id"]);
    let c = emu.create_folder("Week 1", b["id"].as_str()).await;
    assert_eq!(c["level"], 3);
    let (s, v) = emu
        .json(
            Method::POST,
            "/folders",
            Some(json!({ "name": "Too deep", "parent_id": c["id"] })),
        )
        .await;
    assert_eq!((s, error_key(&v)), (400, "mylibrary.folder.depth.exceeded"));
    // the tree nests children
    let got = emu
        .get(&format!("/folders/{}", a["id"].as_str().unwrap()))
        .await;
    assert_eq!(got["children"][0]["id"], b["id"]);
    assert_eq!(got["children"][0]["children"][0]["name"], "Week 1");
    // created and modified dates are ISO-8601 with milliseconds
    let created = a["created_date"].as_str().unwrap();
    assert_eq!(created.len(), 24);
    assert!(created.ends_with('Z') && created.as_bytes()[19] == b'.');
}

#[tokio::test]
async fn names_are_validated() {
    let emu = emu().await;
    let cases: Vec<(Value, u16, &str)> = vec![
        (
            json!({ "name": "wildflowers" }),
            409,
            "mylibrary.folder.name.exists",
        ),
        (
            json!({ "name": "WILDFLOWERS" }),
            409,
            "mylibrary.folder.name.exists",
        ),
        (
            json!({ "name": "x".repeat(41) }),
            400,
            "json.max.length.violation",
        ),
        (json!({ "name": "Fotos 写真" }), 400, "json.field.invalid"),
        (json!({ "name": "" }), 400, "json.field.required"),
        (json!({}), 400, "json.field.required"),
        (json!({ "name": 7 }), 400, "json.field.invalid"),
        (
            json!({ "name": "ok", "parent_id": "-999" }),
            400,
            "json.field.invalid",
        ),
        (
            json!({ "name": "ok", "parent_id": "abc" }),
            400,
            "json.field.invalid",
        ),
        (json!(["name"]), 400, "http.status.bad_request"),
    ];
    for (body, status, key) in cases {
        let (s, v) = emu.json(Method::POST, "/folders", Some(body.clone())).await;
        assert_eq!((s, error_key(&v)), (status, key), "{body}");
    }
    // ISO-8859-1 is fine, 40 characters is fine, and the same name at another level is fine
    emu.create_folder("Café Müller ½", None).await;
    emu.create_folder(&"é".repeat(40), None).await;
    emu.create_folder("wildflowers", Some("-4")).await;
    // parent_id "" or "0" is the top level
    assert_eq!(emu.create_folder("Top A", Some("")).await["level"], 1);
    assert_eq!(emu.create_folder("Top B", Some("0")).await["level"], 1);
}

#[tokio::test]
async fn update_rename_move_and_include_payload() {
    let emu = emu().await;
    let a = emu.create_folder("A", None).await;
    let id = a["id"].as_str().unwrap().to_string();
    // rename; omitted parent_id leaves the parent unchanged
    let (s, v) = emu
        .json(
            Method::PUT,
            "/folders/-10",
            Some(json!({ "name": "market studies" })),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(
        (
            v["name"].as_str(),
            v["parent_id"].as_str(),
            v["level"].as_u64()
        ),
        (Some("market studies"), Some("-4"), Some(2))
    );
    // move under A, then back to the top with "0"
    let (s, v) = emu
        .json(
            Method::PUT,
            "/folders/-10",
            Some(json!({ "name": "market studies", "parent_id": id })),
        )
        .await;
    assert_eq!((s, v["parent_id"].as_str()), (200, Some(id.as_str())));
    assert_eq!(emu.get("/folders/-4").await["children"], json!([]));
    let (s, v) = emu
        .json(
            Method::PUT,
            "/folders/-10?include_payload=FALSE",
            Some(json!({ "name": "studies", "parent_id": "0" })),
        )
        .await;
    assert_eq!((s, v), (204, Value::Null));
    let moved = emu.get("/folders/-10").await;
    assert_eq!(
        (
            moved["level"].as_u64(),
            moved["parent_id"].as_str(),
            moved["name"].as_str()
        ),
        (Some(1), Some("0"), Some("studies"))
    );
    // include_payload is case-insensitive
    let (s, _) = emu
        .json(
            Method::PUT,
            "/folders/-10?include_payload=true",
            Some(json!({ "name": "studies" })),
        )
        .await;
    assert_eq!(s, 200);
    // required name, cycles, depth, conflicts, unknown folder
    let (s, v) = emu
        .json(
            Method::PUT,
            "/folders/-10",
            Some(json!({ "parent_id": "0" })),
        )
        .await;
    assert_eq!((s, error_key(&v)), (400, "json.field.required"));
    let (s, v) = emu
        .json(
            Method::PUT,
            "/folders/-4",
            Some(json!({ "name": "Documents", "parent_id": "-4" })),
        )
        .await;
    assert_eq!((s, error_key(&v)), (400, "json.field.invalid"));
    let b = emu.create_folder("B", Some(&id)).await;
    let (s, v) = emu
        .json(
            Method::PUT,
            &format!("/folders/{id}"),
            Some(json!({ "name": "A", "parent_id": b["id"] })),
        )
        .await;
    assert_eq!((s, error_key(&v)), (400, "json.field.invalid"));
    emu.create_folder("C", b["id"].as_str()).await;
    // A has two levels below it: it cannot go under Documents (level 1 + 1 + 2 = 4)
    let (s, v) = emu
        .json(
            Method::PUT,
            &format!("/folders/{id}"),
            Some(json!({ "name": "A", "parent_id": "-4" })),
        )
        .await;
    assert_eq!((s, error_key(&v)), (400, "mylibrary.folder.depth.exceeded"));
    let (s, v) = emu
        .json(
            Method::PUT,
            &format!("/folders/{id}"),
            Some(json!({ "name": "Documents" })),
        )
        .await;
    assert_eq!((s, error_key(&v)), (409, "mylibrary.folder.name.exists"));
    let (s, _) = emu
        .json(Method::PUT, "/folders/-77", Some(json!({ "name": "x" })))
        .await;
    assert_eq!(s, 404);
    // renaming a folder renames the `folder` of its files
    emu.json(
        Method::PUT,
        "/folders/-1",
        Some(json!({ "name": "flowers" })),
    )
    .await;
    assert_eq!(emu.get("/files/9").await["folder"], "flowers");
}

#[tokio::test]
async fn delete_cascades_and_trashes_files() {
    let emu = emu().await;
    let sub = emu.create_folder("sub", Some("-1")).await;
    let sid = sub["id"].as_str().unwrap().to_string();
    let up = emu.upload_ok("in-sub.png", "PNG", &sid, png(10, 10)).await;
    let (s, v) = emu.json(Method::DELETE, "/folders/-1", None).await;
    assert_eq!((s, v), (204, Value::Null));
    for id in ["-1", sid.as_str()] {
        assert_eq!(
            emu.json(Method::GET, &format!("/folders/{id}"), None)
                .await
                .0,
            404
        );
    }
    let trash = emu.all("/folders/trash/files?limit=1000").await;
    let mut trashed = ids(&trash);
    trashed.sort();
    assert_eq!(trashed, vec![up.clone(), "8".to_string(), "9".to_string()]);
    for f in &trash {
        assert_eq!(f["status"], "Deleted");
    }
    // the trashed file keeps its folder's name and id (like the v2 trash fixtures)
    let nine = emu.get("/files/9").await;
    assert_eq!(
        (nine["folder"].as_str(), nine["folder_id"].as_str()),
        (Some("wildflowers"), Some("-1"))
    );
    assert_eq!(emu.json(Method::DELETE, "/folders/-1", None).await.0, 404);
    assert_eq!(emu.info().await["usage_summary"]["folder_count"], 2);
}

#[tokio::test]
async fn item_counts_follow_the_files() {
    let emu = emu().await;
    assert_eq!(emu.get("/folders/-1").await["item_count"], 2);
    assert_eq!(emu.get("/folders/-4").await["item_count"], 1);
    let (s, _) = emu
        .json(Method::PUT, "/folders/-10/files", Some(json!(["9", "7"])))
        .await;
    assert_eq!(s, 200);
    assert_eq!(emu.get("/folders/-1").await["item_count"], 1);
    let docs = emu.get("/folders/-4").await;
    assert_eq!(docs["children"][0]["item_count"], 2);
    emu.json(Method::DELETE, "/files/9", None).await;
    assert_eq!(emu.get("/folders/-10").await["item_count"], 1);
}

#[tokio::test]
async fn folder_list_nests_children_and_sorts() {
    let emu = emu().await;
    let page = emu.get("/folders").await;
    let top: Vec<&str> = page["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(top, ["wildflowers", "Documents"]); // CREATED_DATE_DESC
    assert_eq!(page["meta"]["pagination"], json!({}));
    let docs = &page["results"][1];
    assert_eq!(docs["children"][0]["name"], "market_studies");
    let by_name = emu.get("/folders?sort_by=NAME").await;
    assert_eq!(by_name["results"][0]["name"], "Documents");
    let (s, v) = emu.json(Method::GET, "/folders?sort_by=SIZE", None).await;
    assert_eq!((s, error_key(&v)), (400, "http.status.bad_request"));
    // an empty library answers an empty results array
    emu.json(Method::DELETE, "/folders/-1", None).await;
    emu.json(Method::DELETE, "/folders/-4", None).await;
    assert_eq!(emu.get("/folders").await["results"], json!([]));
}
