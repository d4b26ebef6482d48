//! Decoding of the seed examples (verbatim API output) and of every variant the reference
//! records, through the Rust decoder.
#![cfg(not(target_arch = "wasm32"))]

use ctct_mylibrary::cursor::next_token;
use ctct_mylibrary::models::*;
use serde_json::json;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[test]
fn seed_files_page() {
    let page: FilePage = serde_json::from_str(&fixture("seed-files.json")).unwrap();
    assert_eq!(page.next, None);
    assert_eq!(page.results.len(), 9);
    let f = &page.results[0];
    assert_eq!(f.id, "9");
    assert_eq!(f.name, "IMG_0341.JPG");
    assert_eq!(f.description.as_deref(), Some("buildings_steel"));
    assert_eq!(f.folder.as_deref(), Some("wildflowers"));
    assert_eq!(f.folder_id.as_deref(), Some("-1"));
    assert_eq!((f.width, f.height, f.size), (792, 612, 304_560));
    assert_eq!(f.source, Some(FileSource::MyComputer));
    assert_eq!(f.status, FileStatus::Active);
    assert_eq!(f.file_type, FileType::Jpg);
    assert!(f.is_image);
    assert_eq!(
        f.thumbnail,
        Some(Thumbnail {
            url: "https://origin.ih.l1.constantcontact.com/fs134/1100394770946/img/9.jpg".into(),
            width: 200,
            height: 154
        })
    );
    assert_eq!(f.created_date, "2013-09-26T10:52:46.000-04:00");
    assert_eq!(page.results[2].folder_id, None, "folder_id null");
    // serialising gives back the seed's values (the page shape is { results, next? })
    let back = serde_json::to_value(&page).unwrap();
    let seed: serde_json::Value = serde_json::from_str(&fixture("seed-files.json")).unwrap();
    assert_eq!(back["results"], seed["results"]);
    assert!(back.get("next").is_none());
}

#[test]
fn seed_folder_and_info() {
    let folder: Folder = serde_json::from_str(&fixture("seed-folder.json")).unwrap();
    assert_eq!(
        (
            folder.id.as_str(),
            folder.level,
            folder.item_count,
            folder.parent_id.as_str()
        ),
        ("-4", 1, 1, "0")
    );
    assert_eq!(folder.children[0].name, "market_studies");
    assert_eq!(folder.children[0].parent_id, "-4");
    let back = serde_json::to_value(&folder).unwrap();
    assert_eq!(
        back,
        serde_json::from_str::<serde_json::Value>(&fixture("seed-folder.json")).unwrap()
    );
    let info: LibraryInfo = serde_json::from_str(&fixture("seed-info.json")).unwrap();
    assert_eq!(info.max_premium_space_limit, 262_144_000);
    assert_eq!(info.usage_summary.total_bytes_remaining, 225_903_398);
    assert_eq!(info.image_root, "https://origin.ih.constantcontact.com");
}

fn file_json() -> serde_json::Value {
    let seed: serde_json::Value = serde_json::from_str(&fixture("seed-files.json")).unwrap();
    seed["results"][0].clone()
}

#[test]
fn recorded_variants_become_one_shape() {
    // parent_id "", null and missing are the top level
    for parent in [json!(""), json!(null), json!("0")] {
        let f: Folder = serde_json::from_value(json!({ "id": "-5", "name": "a", "level": 1, "item_count": 0, "parent_id": parent, "created_date": "x", "modified_date": "y" })).unwrap();
        assert_eq!(f.parent_id, "0");
        assert!(f.children.is_empty());
    }
    let f: Folder = serde_json::from_value(json!({ "id": "-5", "name": "a", "level": 0, "item_count": 0, "created_date": "x", "modified_date": "y" })).unwrap();
    assert_eq!(
        (f.parent_id.as_str(), f.level),
        ("0", 0),
        "missing parent_id; the Ruby fixture's level 0"
    );
    // a numeric file_id (JAVA4's recorded upload status)
    let s: Vec<UploadStatus> = serde_json::from_str(r#"[{"file_id":64,"status":"Active","description":"Active"},{"file_id":"9","status":"Uploaded"}]"#).unwrap();
    assert_eq!(
        (
            s[0].file_id.as_str(),
            s[1].file_id.as_str(),
            s[1].description.clone()
        ),
        ("64", "9", None)
    );
    // `type` in place of `file_type` (the Ruby trash fixture); file_type wins when both are sent
    let mut f = file_json();
    let t = f.as_object_mut().unwrap().remove("file_type").unwrap();
    f["type"] = t;
    assert_eq!(
        serde_json::from_value::<LibraryFile>(f.clone())
            .unwrap()
            .file_type,
        FileType::Jpg
    );
    f["file_type"] = json!("PNG");
    assert_eq!(
        serde_json::from_value::<LibraryFile>(f).unwrap().file_type,
        FileType::Png
    );
    // the info object wrapped in a one-element array (the Ruby fixture)
    let info: serde_json::Value = serde_json::from_str(&fixture("seed-info.json")).unwrap();
    let wrapped: LibraryInfo = serde_json::from_value(json!([info.clone()])).unwrap();
    assert_eq!(
        wrapped,
        serde_json::from_value::<LibraryInfo>(info.clone()).unwrap()
    );
    assert!(serde_json::from_value::<LibraryInfo>(json!([info.clone(), info])).is_err());
    assert!(serde_json::from_value::<LibraryInfo>(json!([])).is_err());
    // folder_id missing is null; unknown fields are ignored; unknown enum values are kept
    let mut f = file_json();
    f.as_object_mut().unwrap().remove("folder_id");
    f["brand_new_field"] = json!({ "x": 1 });
    f["status"] = json!("Quarantined");
    f["source"] = json!("Dropbox");
    let d: LibraryFile = serde_json::from_value(f).unwrap();
    assert_eq!(d.folder_id, None);
    assert_eq!(d.status, FileStatus::Other("Quarantined".into()));
    assert_eq!(d.source, Some(FileSource::Other("Dropbox".into())));
    // optional fields may be missing or null
    let mut f = file_json();
    for k in ["description", "folder", "source", "thumbnail"] {
        f[k] = json!(null);
    }
    let d: LibraryFile = serde_json::from_value(f).unwrap();
    assert_eq!(
        (d.description, d.folder, d.source, d.thumbnail),
        (None, None, None, None)
    );
    // integral floats are integers (JavaScript numbers)
    let mut f = file_json();
    f["size"] = json!(304560.0);
    assert_eq!(
        serde_json::from_value::<LibraryFile>(f).unwrap().size,
        304_560
    );
}

#[test]
fn pages_hand_over_the_cursor() {
    let page: FilePage = serde_json::from_value(json!({ "meta": { "pagination": { "next_link": "/v2/library/files?next=b2Zmc2V0PTQmbGltaXQ9NA" } }, "results": [] })).unwrap();
    assert_eq!(page.next.as_deref(), Some("b2Zmc2V0PTQmbGltaXQ9NA"));
    let page: FolderPage = serde_json::from_value(json!({ "results": [] })).unwrap();
    assert_eq!(page.next, None, "meta may be missing");
    let page: FolderPage = serde_json::from_value(
        json!({ "meta": { "pagination": { "next_link": null } }, "results": [] }),
    )
    .unwrap();
    assert_eq!(page.next, None);
    assert_eq!(
        next_token("/v2/library/folders/-4/files?api_key=x&next=a%2Bb").as_deref(),
        Some("a+b")
    );
    assert!(
        serde_json::from_value::<FilePage>(
            json!({ "meta": { "pagination": { "next_link": "/v2/library/files" } }, "results": [] })
        )
        .is_err()
    );
}

#[test]
fn wrong_shapes_are_refused() {
    let bad: Vec<(&str, serde_json::Value)> = vec![
        ("size", json!("304560")),
        ("size", json!(-1)),
        ("size", json!(1.5)),
        ("size", json!(9_007_199_254_740_992u64)),
        ("size", json!(null)),
        ("id", json!(9)),
        ("name", json!(null)),
        ("is_image", json!("true")),
        (
            "thumbnail",
            json!({ "url": "x", "width": "200", "height": 1 }),
        ),
        ("status", json!(1)),
        ("created_date", json!(20130926)),
    ];
    for (field, value) in bad {
        let mut f = file_json();
        f[field] = value.clone();
        assert!(
            serde_json::from_value::<LibraryFile>(f).is_err(),
            "{field} = {value}"
        );
    }
    for missing in [
        "id",
        "name",
        "size",
        "url",
        "status",
        "file_type",
        "is_image",
        "created_date",
    ] {
        let mut f = file_json();
        f.as_object_mut().unwrap().remove(missing);
        assert!(
            serde_json::from_value::<LibraryFile>(f).is_err(),
            "missing {missing}"
        );
    }
    assert!(serde_json::from_value::<FilePage>(json!({ "results": {} })).is_err());
    assert!(serde_json::from_value::<FilePage>(json!({ "meta": {} })).is_err());
    assert!(serde_json::from_value::<FilePage>(json!([])).is_err());
    assert!(
        serde_json::from_value::<FilePage>(json!({ "meta": [], "results": [] })).is_err(),
        "an array is not an object"
    );
    assert!(
        serde_json::from_value::<FilePage>(json!({ "meta": { "pagination": [1] }, "results": [] }))
            .is_err()
    );
    assert!(serde_json::from_value::<Folder>(json!({ "id": "-1", "name": "a", "level": 1, "item_count": 0, "parent_id": 5, "created_date": "x", "modified_date": "y" })).is_err());
}
